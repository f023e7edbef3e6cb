/**
 * An in-process Engine on loopback (UDP + TCP, ports picked at run time) with the
 * answering srf app connected, ready for robustness tests.
 */
import { Engine } from '../../src/sip/index.js';
import type { TransportStats } from '../../src/sip/transport/index.js';
import { startAnsweringApp, type AnsweringApp } from './answering-srf-app.js';
import { plainOptions } from './fuzz-seeds.js';
import { UdpSipPeer } from './udp-sip-peer.js';
import { sleep } from './until.js';

export interface EngineUnderTest {
  engine: Engine;
  app: AnsweringApp;
  udpPort: number;
  tcpPort: number;
  /** srf first (so it does not try to reconnect), then the engine. Idempotent. */
  stop(): Promise<void>;
}

export async function startEngineUnderTest(edge?: unknown): Promise<EngineUnderTest> {
  const engine = await Engine.start({
    sip: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'tcp', address: '127.0.0.1', port: 0 }],
    wire: { address: '127.0.0.1', port: 0, secret: 'cymru' },
    ...(edge === undefined ? {} : { edge }),
  });
  const port = (p: 'udp' | 'tcp'): number => engine.sipListeners().find((l) => l.protocol === p)?.port ?? 0;
  let app: AnsweringApp;
  try {
    app = await startAnsweringApp(engine.wireAddress());
  } catch (err) {
    await engine.close();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    engine, app, udpPort: port('udp'), tcpPort: port('tcp'),
    stop: () => (stopped ??= (async () => {
      app.stop();
      await engine.close();
    })()),
  };
}

/**
 * Resolves once the app answers an OPTIONS with 200, i.e. srf's routes have reached the
 * engine. With rate limiting on, keep `intervalMs` above 1000/requestsPerSecond so that
 * the probes themselves never overflow the bucket.
 */
export async function awaitAppReady(udpPort: number, o: { intervalMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 3000;
  const peer = await UdpSipPeer.open();
  try {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; peer.tally.count(200) === 0; i++) {
      if (Date.now() > deadline) throw new Error(`the app did not answer OPTIONS within ${timeoutMs} ms (heard ${peer.tally.histogram()})`);
      await peer.send(plainOptions({ transport: 'UDP', localPort: peer.port, enginePort: udpPort, callId: `ready-${i}` }), udpPort);
      await sleep(o.intervalMs ?? 50);
    }
  } finally {
    await peer.close();
  }
}

/**
 * The engine's transport counters: `handlerErrors` counts exceptions thrown while
 * handling a message (caught by the transport so the engine keeps running).
 */
export function transportStats(engine: Engine): TransportStats {
  return engine.metrics().transport;
}
