/**
 * A TypeScript app run as a child process (`node --import tsx file.ts ...`) that prints
 * a ready line on stdout once it can take traffic. Used by scenario setups so that the
 * app's RSS and CPU are sampled apart from the runner's.
 */
import { spawn } from 'node:child_process';
import { settlesWithin } from '../lib/index.js';

export interface ChildApp {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export function startChildApp(file: string, args: readonly string[], opts: { cwd: string; readyLine: string; timeoutMs: number }): Promise<ChildApp> {
  // detached: a Ctrl-C at the terminal must not stop the app while the runner lets the
  // calls in progress finish; the runner's exit kills it instead.
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => {
    process.off('exit', killOnExit);
    resolve(code);
  }));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4096);
  });
  const app: ChildApp = {
    pid: child.pid ?? -1,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, graceMs))) child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      void app.stop().then(() => reject(new Error(`${file} not ready within ${opts.timeoutMs} ms: ${stderr.trim()}`)));
    }, opts.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.split('\n').includes(opts.readyLine)) {
        clearTimeout(timer);
        resolve(app);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (status ${code}) before it was ready: ${stderr.trim()}`));
    });
  });
}
