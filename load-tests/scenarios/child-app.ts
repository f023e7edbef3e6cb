/**
 * A TypeScript app run as a child process (`node --import tsx file.ts ...`) that prints
 * a ready line on stdout once it can take traffic. Used by scenario setups so that the
 * app's RSS and CPU are sampled apart from the runner's.
 */
import { startChildProcess } from './child-process.js';

export interface ChildApp {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export async function startChildApp(file: string, args: readonly string[], opts: { cwd: string; readyLine: string; timeoutMs: number }): Promise<ChildApp> {
  const child = await startChildProcess({
    label: file, command: process.execPath, args: ['--import', 'tsx', file, ...args], cwd: opts.cwd, timeoutMs: opts.timeoutMs,
    ready: (line) => (line === opts.readyLine ? true : undefined),
  });
  return {
    pid: child.pid,
    stop: async (graceMs) => {
      await child.stop(graceMs);
    },
  };
}
