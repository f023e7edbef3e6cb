/**
 * Entry of the engine thread (engine-thread.ts): starts the embedded engine with the flags in
 * workerData, reports its listeners and a metrics snapshot every interval, and closes it when
 * asked. Logs go to stdout through the thread's own pino logger (same level as the app's).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineThreadData, EngineThreadReport } from './engine-thread.js';
import { createLogger } from './observability/index.js';
import { Engine } from './sip/index.js';

const LAG_RESOLUTION_MS = 10;

async function run(port: NonNullable<typeof parentPort>, data: EngineThreadData): Promise<void> {
  const report = (m: EngineThreadReport): void => port.postMessage(m);
  const log = createLogger(data.loglevel);
  let engine: Engine;
  try {
    engine = await Engine.start({
      sip: data.sip, wire: data.wire, ...(data.externalAddress ? { externalAddress: data.externalAddress } : {}),
      logger: log.child({ component: 'wire' }),
    });
  } catch (err) {
    report({ type: 'start-failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
    return;
  }
  // The engine's own event-loop lag, per report, for the app's overload guard (which can
  // only measure its own thread). Same measure as src/b2bua/call/event-loop-lag.ts.
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const loopLag = (): { meanMs: number; maxMs: number } => {
    const r = lag.count === 0 ? { meanMs: 0, maxMs: 0 } : {
      meanMs: Math.max(0, lag.mean / 1e6 - LAG_RESOLUTION_MS), maxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
    };
    lag.reset();
    return r;
  };
  const timer = setInterval(() => report({ type: 'metrics', metrics: engine.metrics(), loopLag: loopLag() }), data.metricsIntervalMs);
  port.on('message', (m: { type?: string }) => {
    if (m.type !== 'close') return;
    clearInterval(timer);
    lag.disable();
    void engine.close().then(() => {
      report({ type: 'closed' });
      port.close();
    });
  });
  report({ type: 'listening', sip: [...engine.sipListeners()], wire: engine.wireAddress(), metrics: engine.metrics() });
}

if (parentPort) void run(parentPort, workerData as EngineThreadData);
