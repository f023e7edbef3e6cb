/**
 * Keeps linegate's share of the org's daily API allowance below a configured fraction.
 *
 * The org's usage arrives in the Sforce-Limit-Info header of every REST response
 * (limit-info.ts). Salesforce enforces the allowance over a rolling 24 hours ("System
 * Overview: API Usage": calls are blocked until usage for the preceding 24 hours drops below
 * the limit) and it is shared with every other integration of the org, so linegate must not
 * spend it all:
 * - below slowShare: calls go at once ('normal');
 * - from slowShare: calls are spaced so that what is left up to maxShare lasts until the next
 *   UTC day, at most maxSpacingMs apart ('slow');
 * - from maxShare: non-critical calls wait ('paused'). Every probeIntervalMs (or at the next
 *   UTC day, if sooner) one waiting call is let through as a probe; its response carries a
 *   fresh header, and when that shows room again every waiting call resumes. Critical calls
 *   (a caller's name while the phone rings) are never held.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import { SalesforceError } from './salesforce-error.js';
import type { ApiUsage, GovernorState } from './types.js';

export interface GovernorSettings {
  /** Fraction of the daily allowance past which non-critical work pauses. Default 0.8. */
  readonly maxShare?: number;
  /** Fraction past which calls are spaced out. Default maxShare − 0.1. */
  readonly slowShare?: number;
  /** Longest gap between two calls in the slow state, ms. Default 60 000. */
  readonly maxSpacingMs?: number;
  /** While paused, how often one call is let through to read the header again, ms. Default 300 000. */
  readonly probeIntervalMs?: number;
}

export interface ApiGovernorOptions extends GovernorSettings {
  readonly clock: Clock;
  /** Wall clock, epoch ms: only to find the next UTC midnight. */
  readonly epochNow: () => number;
  readonly onStateChange?: (state: GovernorState) => void;
}

interface Waiter {
  resolve(outcome: 'probe' | 'resume'): void;
  reject(err: Error): void;
}

const DAY_MS = 86_400_000;

export class ApiGovernor {
  private readonly maxShare: number;
  private readonly slowShare: number;
  private readonly maxSpacingMs: number;
  private readonly probeIntervalMs: number;
  private usage: ApiUsage | undefined;
  private current: GovernorState = 'normal';
  private nextSlotAt = 0;
  private lastProbeAt = 0;
  private probeTimer: TimerHandle | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly sleeps = new Set<{ timer: TimerHandle; waiter: Waiter }>();
  private closed = false;

  constructor(private readonly options: ApiGovernorOptions) {
    this.maxShare = clampShare(options.maxShare ?? 0.8);
    // Rounded so that 0.8 − 0.1 is 0.7, not 0.7000000000000001.
    this.slowShare = Math.min(clampShare(options.slowShare ?? Math.round((this.maxShare - 0.1) * 1e9) / 1e9), this.maxShare);
    this.maxSpacingMs = Math.max(0, options.maxSpacingMs ?? 60_000);
    this.probeIntervalMs = Math.max(1, options.probeIntervalMs ?? 300_000);
  }

  state(): GovernorState {
    return this.current;
  }

  apiUsage(): ApiUsage | undefined {
    return this.usage;
  }

  /** A response's Sforce-Limit-Info, parsed. */
  observe(usage: ApiUsage): void {
    this.usage = usage;
    const share = usage.used / usage.max;
    this.setState(share >= this.maxShare ? 'paused' : share >= this.slowShare ? 'slow' : 'normal');
  }

  /** Resolves when a call may start. Rejects with CLIENT_CLOSED once closed. */
  async admit(critical: boolean): Promise<void> {
    for (;;) {
      if (this.closed) throw closedError();
      if (critical || this.current === 'normal') return;
      if (this.current === 'slow') {
        await this.sleep(this.reserveSlot());
        return;
      }
      if ((await this.waitWhilePaused()) === 'probe') return;
    }
  }

  /** Rejects every waiting call and cancels timers. */
  close(): void {
    this.closed = true;
    this.options.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    for (const w of this.waiters.splice(0)) w.reject(closedError());
    for (const s of this.sleeps) {
      this.options.clock.clearTimeout(s.timer);
      s.waiter.reject(closedError());
    }
    this.sleeps.clear();
  }

  private setState(next: GovernorState): void {
    if (next === this.current) return;
    const was = this.current;
    this.current = next;
    this.options.onStateChange?.(next);
    if (next === 'paused') {
      this.lastProbeAt = this.options.clock.now();
      this.ensureProbeTimer();
    } else if (was === 'paused') {
      this.options.clock.clearTimeout(this.probeTimer);
      this.probeTimer = undefined;
      for (const w of this.waiters.splice(0)) w.resolve('resume');
    }
  }

  /** Delay before this call's slot; slots are handed out in order, `spacing` apart. */
  private reserveSlot(): number {
    const now = this.options.clock.now();
    const start = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = start + this.spacingMs();
    return start - now;
  }

  /** Spends what is left below maxShare evenly until the next UTC day. */
  private spacingMs(): number {
    const usage = this.usage;
    if (!usage) return 0;
    const left = Math.max(1, Math.floor(usage.max * this.maxShare) - usage.used);
    return Math.min(this.maxSpacingMs, Math.ceil(this.msUntilUtcDay() / left));
  }

  private waitWhilePaused(): Promise<'probe' | 'resume'> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.ensureProbeTimer();
    });
  }

  private ensureProbeTimer(): void {
    if (this.probeTimer || this.waiters.length === 0 || this.current !== 'paused') return;
    const clock = this.options.clock;
    const dueIn = Math.max(0, this.lastProbeAt + this.probeIntervalMs - clock.now());
    this.probeTimer = clock.setTimeout(() => {
      this.probeTimer = undefined;
      this.lastProbeAt = clock.now();
      this.waiters.shift()?.resolve('probe');
      this.ensureProbeTimer();
    }, Math.min(dueIn, this.msUntilUtcDay()));
  }

  private msUntilUtcDay(): number {
    const now = this.options.epochNow();
    return Math.max(1, DAY_MS - (now % DAY_MS));
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = {
        waiter: { resolve: () => resolve(), reject } satisfies Waiter,
        timer: this.options.clock.setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
      };
      this.sleeps.add(entry);
    });
  }
}

function clampShare(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.8;
}

function closedError(): SalesforceError {
  return new SalesforceError('CLIENT_CLOSED', 'the Salesforce client is closed', { permanent: false });
}
