/**
 * Call-path metrics (issue #3) on an injected prom-client registry, named
 * linegate_<area>_<noun>_<unit>, labels of low cardinality only (disposition, decision).
 * Fed from the stored events (so every call path counts the same) and from decisions.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CallEvent } from '../../events/index.js';

export interface CallMetrics {
  /** A routing decision: the route kind, or `reject-<disposition>`. */
  decision(kind: string): void;
  /** A call event was appended, taking `appendMs`. */
  appended(event: CallEvent, appendMs: number): void;
}

export const NO_CALL_METRICS: CallMetrics = { decision: () => undefined, appended: () => undefined };

/** Registers the call metrics; `activeCalls` is read at scrape time. */
export function promCallMetrics(registry: Registry, activeCalls: () => number): CallMetrics {
  const registers = [registry];
  new Gauge({ name: 'linegate_call_active_calls', help: 'Calls in progress in this process', registers, collect() { this.set(activeCalls()); } });
  const ended = new Counter({ name: 'linegate_call_ended_total', help: 'Calls ended, by disposition', labelNames: ['disposition'], registers });
  const decisions = new Counter({ name: 'linegate_call_decisions_total', help: 'Routing decisions (feature outcomes), by kind', labelNames: ['decision'], registers });
  const setup = new Histogram({
    name: 'linegate_call_setup_seconds', help: 'From call.started to call.answered', registers,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60],
  });
  const append = new Histogram({
    name: 'linegate_events_append_seconds', help: 'Event log append latency', registers,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
  });
  const startedAt = new Map<string, number>();
  return {
    decision: (kind) => decisions.inc({ decision: kind }),
    appended: (e, appendMs) => {
      append.observe(appendMs / 1000);
      if (e.type === 'call.started') startedAt.set(e.callId, Date.parse(e.at));
      if (e.type === 'call.answered') {
        const t0 = startedAt.get(e.callId);
        if (t0 !== undefined) setup.observe(Math.max(0, Date.parse(e.at) - t0) / 1000);
      }
      if (e.type === 'call.ended') {
        startedAt.delete(e.callId);
        ended.inc({ disposition: e.disposition });
      }
    },
  };
}
