/**
 * Admission control (issue #3, docs/dialplan.md "Overload"): tells the shell when the
 * call-control event loop is so far behind that new calls must be refused with 503 +
 * Retry-After (RFC 3261 §21.5.4), so the calls already admitted keep their timers.
 *
 * Every window (500 ms) the guard reads the mean event-loop lag of that window from its
 * LagSource (event-loop-lag.ts in production, a fake in tests) and applies hysteresis:
 *   normal     → overloaded  when one window's mean lag reaches enterLagMs;
 *   overloaded → normal      when `calmWindows` windows in a row are at or under leaveLagMs.
 * The mean, not a high percentile: one long pause (a GC, a snapshot write) fills the top of a
 * window's histogram without the loop being behind, while a saturated loop lags on average
 * about as long as its tasks run. Entering takes one window because lag compounds (late
 * timers → retransmissions → more work); leaving takes several so the refusals that brought
 * the lag down do not re-open the gate and flap at every window.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Route } from '../../call/index.js';
import { REJECTIONS } from '../../call/index.js';
import type { Dialplan } from '../../config/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { eventLoopLag } from './event-loop-lag.js';
import type { LagReading, LagSource } from './event-loop-lag.js';
import { promOverloadMetrics } from './overload-metrics.js';

/** What the shell asks of the guard. */
export interface OverloadSignal {
  /** True while new calls other than emergency calls are to be refused. */
  isOverloaded(): boolean;
  /** One new call was refused for overload (linegate_calls_refused_overload_total). */
  refused(): void;
}

export interface OverloadGuardOptions {
  /** Overloaded when a window's mean lag reaches this (ms). */
  enterLagMs: number;
  /** Normal again after `calmWindows` windows at or under this (ms); below enterLagMs. */
  leaveLagMs: number;
  source: LagSource;
  clock: Clock;
  logger: Logger;
  /** Default 500 ms: one window per T1 (RFC 3261 §17.1.1.1). */
  windowMs?: number;
  /** Default 2 (a second at the default window). */
  calmWindows?: number;
}

export const OVERLOAD_WINDOW_MS = 500;
export const OVERLOAD_CALM_WINDOWS = 2;

export class OverloadGuard implements OverloadSignal {
  private overloaded = false;
  private calm = 0;
  private timer: TimerHandle | undefined;
  private closed = false;
  private refusals = 0;
  private refusalsAtEntry = 0;
  private enteredAt = 0;
  private last: LagReading = { meanMs: 0, maxMs: 0 };
  private readonly log: Logger;
  private readonly windowMs: number;
  private readonly calmWindows: number;

  constructor(private readonly o: OverloadGuardOptions) {
    this.log = o.logger.child({ component: 'overload-guard' });
    this.windowMs = o.windowMs ?? OVERLOAD_WINDOW_MS;
    this.calmWindows = Math.max(1, o.calmWindows ?? OVERLOAD_CALM_WINDOWS);
  }

  /** Starts sampling, one window at a time on the injected clock. */
  start(): void {
    if (this.closed || this.timer) return;
    this.o.source.read(); // the first window starts now
    this.arm();
  }

  /** Stops sampling and closes the source; idempotent. The guard then reports normal. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.overloaded = false;
    this.o.source.close();
  }

  destroy(): void {
    this.close();
  }

  isOverloaded(): boolean {
    return this.overloaded;
  }

  refused(): void {
    this.refusals += 1;
  }

  /** Calls refused for overload since the guard was made (a monotonic counter). */
  refusedTotal(): number {
    return this.refusals;
  }

  /** The last window's figures. */
  lastReading(): LagReading {
    return { ...this.last };
  }

  /** Ends the current window: reads the source and moves the state. The timer calls it. */
  sample(): void {
    const r = this.o.source.read();
    this.last = r;
    if (!this.overloaded) {
      if (r.meanMs >= this.o.enterLagMs) this.enter(r);
      return;
    }
    this.calm = r.meanMs <= this.o.leaveLagMs ? this.calm + 1 : 0;
    if (this.calm >= this.calmWindows) this.leave(r);
  }

  private arm(): void {
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.sample();
      this.arm();
    }, this.windowMs);
  }

  private enter(r: LagReading): void {
    this.overloaded = true;
    this.calm = 0;
    this.enteredAt = this.o.clock.now();
    this.refusalsAtEntry = this.refusals;
    this.log.warn({ lagMs: round(r.meanMs), maxLagMs: round(r.maxMs), enterLagMs: this.o.enterLagMs },
      'overloaded: new calls get 503 + Retry-After (emergency calls excepted) until the event loop catches up');
  }

  private leave(r: LagReading): void {
    this.overloaded = false;
    this.calm = 0;
    this.log.warn({
      lagMs: round(r.meanMs), maxLagMs: round(r.maxMs), leaveLagMs: this.o.leaveLagMs,
      overloadedMs: Math.round(this.o.clock.now() - this.enteredAt), refused: this.refusals - this.refusalsAtEntry,
    }, 'overload over: new calls accepted again');
  }
}

export interface OverloadGuardDeps {
  clock: Clock;
  logger: Logger;
  /** Default eventLoopLag(); tests inject one. */
  source?: LagSource | undefined;
  /** Where its metrics go (overload-metrics.ts), when given. */
  registry?: Registry | undefined;
}

/**
 * Composition (main.ts): the dialplan's guard, started, with its metrics registered; undefined
 * when `overload.enabled` is false.
 */
export function overloadGuardFor(settings: Dialplan['overload'], deps: OverloadGuardDeps): OverloadGuard | undefined {
  if (!settings.enabled) return undefined;
  const guard = new OverloadGuard({
    enterLagMs: settings.enterLagMs, leaveLagMs: settings.leaveLagMs,
    source: deps.source ?? eventLoopLag(), clock: deps.clock, logger: deps.logger,
  });
  if (deps.registry) promOverloadMetrics(deps.registry, guard);
  guard.start();
  return guard;
}

/** The core's overload refusal (same 503 as drain's, its own call.ended reason code). */
export function isOverloadRefusal(route: Route): boolean {
  return route.kind === 'reject' && route.endReason === REJECTIONS.overloaded.endReason;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
