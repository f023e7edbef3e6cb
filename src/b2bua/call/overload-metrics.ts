/**
 * The overload guard's metrics (docs/dialplan.md "Overload") on an injected prom-client
 * registry. All are read from the guard at scrape time, so refusing a call touches no
 * prom-client object: the hot path under overload stays a counter increment.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { LagReading } from './event-loop-lag.js';

/** What the metrics read of the guard (OverloadGuard). */
export interface OverloadFigures {
  isOverloaded(): boolean;
  refusedTotal(): number;
  lastReading(): LagReading;
}

export function promOverloadMetrics(registry: Registry, guard: OverloadFigures): void {
  const registers = [registry];
  new Gauge({
    name: 'linegate_overloaded', help: '1 while new calls are refused for overload (event-loop lag), else 0', registers,
    collect() { this.set(guard.isOverloaded() ? 1 : 0); },
  });
  new Counter({
    name: 'linegate_calls_refused_overload_total', help: 'New calls refused with 503 because the process was overloaded', registers,
    collect() {
      // The guard's count is monotonic; re-basing on each scrape keeps prom-client's value equal to it.
      this.reset();
      this.inc(guard.refusedTotal());
    },
  });
  new Gauge({
    name: 'linegate_event_loop_lag_seconds', help: 'Mean event-loop lag over the overload guard\'s last window', registers,
    collect() { this.set(guard.lastReading().meanMs / 1000); },
  });
}
