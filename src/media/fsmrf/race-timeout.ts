/**
 * Bounds a wait on something fsmrf or FreeSWITCH may never settle, with the injected Clock.
 * The timer is always cleared, so it never outlives the wait.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';

export const TIMED_OUT = Symbol('timed out');

export function raceTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T | typeof TIMED_OUT> {
  let timer: TimerHandle | undefined;
  const limit = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = clock.setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([p, limit]).finally(() => clock.clearTimeout(timer));
}
