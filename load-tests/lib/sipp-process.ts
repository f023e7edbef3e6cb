/**
 * One running sipp. Its screen output (stdout) is discarded; figures come from the stat
 * and RTT files. Every live SippProcess is remembered so that the runner can kill them
 * all, synchronously, from a process 'exit' handler or a second SIGINT.
 *
 * Signals, verified with SIPp v3.6.1: SIGUSR1 = soft stop (no new calls, exit when the
 * calls in progress end, like pressing 'q'); SIGTERM = stop now (calls in progress are
 * aborted) but the stat file still gets its final rows.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface SippExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last few kB of stderr: sipp writes its fatal errors there. */
  readonly stderrTail: string;
}

const live = new Set<SippProcess>();

const STDERR_KEEP = 4096;

export class SippProcess {
  readonly exited: Promise<SippExit>;
  private stderr = '';
  private done = false;

  private constructor(readonly label: string, private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.done) return;
        this.done = true;
        live.delete(this);
        resolve({ code, signal, stderrTail: this.stderr });
      };
      child.once('error', (err) => {
        this.stderr += `\n${err.message}`;
        finish(255, null);
      });
      child.once('close', finish);
    });
  }

  static start(label: string, args: readonly string[], cwd: string): SippProcess {
    // detached: its own process group, so a Ctrl-C at the terminal reaches only the
    // runner, which soft-stops sipp; -timeout bounds sipp should the runner die.
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const p = new SippProcess(label, child);
    live.add(p);
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGUSR1: stop creating calls; sipp exits when the calls in progress are over. */
  softStop(): void {
    this.signal('SIGUSR1');
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.done) this.child.kill(sig);
  }

  /**
   * Waits up to `graceMs` for a (soft-stopped) sipp to exit, then SIGTERM, then SIGKILL:
   * the run is bounded even if sipp hangs.
   */
  async exitWithin(graceMs: number): Promise<SippExit> {
    if (await settlesWithin(this.exited, graceMs)) return this.exited;
    this.signal('SIGTERM');
    if (await settlesWithin(this.exited, 2000)) return this.exited;
    this.signal('SIGKILL');
    return this.exited;
  }
}

/** Resolves true if `p` settles within `ms`; the timer never outlives the wait. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILL every sipp still running. Synchronous, so usable from process.on('exit'). */
export function killAllSipp(): void {
  for (const p of live) p.signal('SIGKILL');
}

/** "SIPp v3.6.1-..." from `sipp -v` output; undefined when it is not there. */
function versionIn(out: unknown): string | undefined {
  return typeof out === 'string' ? /SIPp v[^\s]+/.exec(out)?.[0].replace(/\.$/, '') : undefined;
}

/** The installed sipp's version, or undefined when sipp is not installed. */
export function sippVersion(): string | undefined {
  try {
    return versionIn(execFileSync('sipp', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    // sipp -v exits 99 (SIPp v3.6.1); the version is on stdout all the same.
    return versionIn((err as { stdout?: unknown }).stdout);
  }
}
