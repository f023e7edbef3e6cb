/**
 * RFC 3261 timer values (§17.1.1.1, table 4 of appendix A) and the timers derived from them.
 */
import { LinegateError } from '../../shared/index.js';
import type { TimerConfig } from './types.js';

export const DEFAULT_TIMERS: Readonly<TimerConfig> = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

/** RFC 3261 §17.1.1.2: timer D is "at least 32 seconds" over unreliable transports. */
export const TIMER_D_MIN = 32_000;

/** Fills defaults and rejects values that would make a state machine spin or never end. */
export function resolveTimers(partial: Partial<TimerConfig> | undefined): TimerConfig {
  const timers = { ...DEFAULT_TIMERS, ...partial };
  for (const name of ['T1', 'T2', 'T4'] as const) {
    const v = timers[name];
    if (!Number.isFinite(v) || v <= 0) {
      throw new LinegateError('SIP_TX_BAD_TIMER', `timer ${name} must be a positive number of ms, got ${v}`);
    }
  }
  return Object.freeze(timers);
}

/** 64·T1: timers B, F, H, J (unreliable), L and M. */
export function sixtyFourT1(t: TimerConfig): number {
  return 64 * t.T1;
}

/**
 * Timer D. It must outlast the server's retransmissions of its final response (timer H,
 * 64·T1), so a larger T1 stretches it beyond the RFC's 32 s floor.
 */
export function timerD(t: TimerConfig): number {
  return Math.max(TIMER_D_MIN, 64 * t.T1);
}
