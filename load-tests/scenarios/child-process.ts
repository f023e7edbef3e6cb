/**
 * A process under test run as a child of the runner, so that its RSS and CPU are
 * sampled apart from the runner's: started, watched line by line on stdout until a
 * `ready` predicate recognises the line that says it can take traffic (and what it
 * bound), drained afterwards so that a chatty child never blocks on a full pipe, and
 * stopped with SIGTERM then SIGKILL.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { settlesWithin } from '../lib/index.js';

export interface ChildProcessHandle<T> {
  readonly pid: number;
  /** What `ready` returned for the ready line. */
  readonly ready: T;
  /** The last few kB of stderr (a crash's stack, a warning). */
  stderrTail(): string;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit status. Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ChildSpec<T> {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Called for every stdout line until it returns something other than undefined. */
  readonly ready: (line: string) => T | undefined;
  readonly timeoutMs: number;
  /** Also append everything the child writes (stdout and stderr) to this file. */
  readonly logFile?: string;
}

const TAIL = 4096;

export function startChildProcess<T>(spec: ChildSpec<T>): Promise<ChildProcessHandle<T>> {
  // detached: a Ctrl-C at the terminal must not stop the child while the runner lets the
  // calls in progress finish; the runner's exit kills it instead.
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(255));
    child.once('close', (code) => {
      done = true;
      process.off('exit', killOnExit);
      resolve(code);
    });
  });
  if (spec.logFile) {
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    void exited.then(() => log.end());
  }
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-TAIL);
  });
  const stop = async (graceMs = 5000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, graceMs))) child.kill('SIGKILL');
    }
    return exited;
  };
  return new Promise((resolve, reject) => {
    let pending = '';
    let readyValue: T | undefined;
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`${spec.label} not ready within ${spec.timeoutMs} ms: ${stderr.trim()}`)));
    }, spec.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (readyValue !== undefined) return; // drained from here on
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        readyValue = spec.ready(line);
        if (readyValue === undefined) continue;
        clearTimeout(timer);
        const value = readyValue;
        resolve({
          pid: child.pid ?? -1, ready: value, stderrTail: () => stderr,
          get exited() {
            return done;
          },
          stop,
        });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (readyValue === undefined) reject(new Error(`${spec.label} exited (status ${code}) before it was ready: ${stderr.trim()}`));
    });
  });
}
