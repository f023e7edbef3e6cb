/**
 * Entry of the engine thread (engine-thread.ts): starts the embedded engine with the flags in
 * workerData, reports its listeners and a metrics snapshot every interval, and closes it when
 * asked. Logs go to stdout through the thread's own pino logger (same level as the app's).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineThreadData, EngineThreadReport } from './engine-thread.js';
import { createLogger } from './observability/index.js';
import { Engine } from './sip/index.js';

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
  const timer = setInterval(() => report({ type: 'metrics', metrics: engine.metrics() }), data.metricsIntervalMs);
  port.on('message', (m: { type?: string }) => {
    if (m.type !== 'close') return;
    clearInterval(timer);
    void engine.close().then(() => {
      report({ type: 'closed' });
      port.close();
    });
  });
  report({ type: 'listening', sip: [...engine.sipListeners()], wire: engine.wireAddress(), metrics: engine.metrics() });
}

if (parentPort) void run(parentPort, workerData as EngineThreadData);
