/**
 * Waiting for another worker's kv write (a claimed creation finishing), by polling on the
 * injected clock: the Store has no change notifications, and the wait is rare and short.
 */
import type { Clock } from '../../shared/index.js';

export interface PollOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** The first value `read` yields that `done` accepts, or the last value read at the timeout. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: PollOptions): Promise<T> {
  const deadline = options.clock.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    const left = deadline - options.clock.now();
    if (done(value) || left <= 0) return value;
    await delay(options.clock, Math.min(options.intervalMs, left));
  }
}

function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
