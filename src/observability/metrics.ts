/**
 * prom-client on an injected registry (architecture §3). Components keep plain
 * counters; `exposeCounters` turns a snapshot function into Prometheus metrics read
 * at scrape time, so the hot path never touches prom-client.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export { Registry };

export interface MetricSpec {
  /** `linegate_<area>_<noun>_<unit>` */
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  /** Reads the current value at scrape time. */
  read(): number;
}

export function createRegistry(): Registry {
  return new Registry();
}

export function exposeMetrics(registry: Registry, specs: readonly MetricSpec[]): void {
  for (const spec of specs) {
    if (spec.kind === 'gauge') {
      new Gauge({ name: spec.name, help: spec.help, registers: [registry], collect() { this.set(spec.read()); } });
    } else {
      new Counter({
        name: spec.name, help: spec.help, registers: [registry],
        collect() {
          // The source is monotonic; re-basing on each scrape keeps prom-client's value equal to it.
          this.reset();
          this.inc(spec.read());
        },
      });
    }
  }
}
