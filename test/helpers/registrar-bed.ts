/**
 * The registrar's integration world: the embedded Engine on loopback (UDP + TCP SIP and
 * the wire on port 0), an unmodified drachtio-srf app connected to it with a Registrar
 * (MemoryStore, the real clock) answering REGISTER, and OPTIONS answered 200 so that a
 * test can tell when srf's routes have reached the engine. stop() leaves nothing behind:
 * srf leaves first (so it does not reconnect), then the engine closes, then the store.
 */
import pino from 'pino';
import Srf from 'drachtio-srf';
import { Registrar } from '../../src/b2bua/index.js';
import type { KeepaliveSettings, RegistrarUser } from '../../src/b2bua/index.js';
import type { RegistrarSettings } from '../../src/config/index.js';
import { systemClock } from '../../src/shared/index.js';
import { Engine } from '../../src/sip/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { awaitAppReady } from './engine-under-test.js';

export const BED_DOMAIN = 'linegate.test';

export const BED_SETTINGS: RegistrarSettings = {
  minExpiresS: 60,
  maxExpiresS: 3600,
  defaultExpiresS: 600,
  nonceLifetimeS: 30,
  algorithms: ['SHA-256', 'MD5'],
  lockout: { maxFailures: 3, windowS: 300, durationS: 600 },
};

export function bedUser(id: string, username: string, password: string): RegistrarUser {
  return { id, sip: { username, password: { reveal: () => password } } };
}

export interface RegistrarBed {
  engine: Engine;
  srf: Srf;
  registrar: Registrar;
  store: MemoryStore;
  udpPort: number;
  tcpPort: number;
  /** Problems seen on the srf side (errors), for the test to assert empty. */
  problems: string[];
  stop(): Promise<void>;
}

export interface BedOptions {
  users?: RegistrarUser[];
  settings?: Partial<RegistrarSettings>;
  keepalive?: KeepaliveSettings;
  /** Engine timers, e.g. a small T1 so that a transaction to a silent peer times out (408) soon. */
  timers?: { T1?: number };
  /** More handlers, installed before srf connects (so that their routes reach the engine). */
  setup?: (srf: Srf, registrar: Registrar) => void;
}

const SECRET = 'cymru';

export async function startRegistrarBed(o: BedOptions = {}): Promise<RegistrarBed> {
  const engine = await Engine.start({
    sip: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'tcp', address: '127.0.0.1', port: 0 }],
    wire: { address: '127.0.0.1', port: 0, secret: SECRET },
    ...(o.timers ? { timers: o.timers } : {}),
  });
  const port = (p: 'udp' | 'tcp'): number => engine.sipListeners().find((l) => l.protocol === p)?.port ?? 0;
  const store = new MemoryStore({ clock: systemClock });
  await store.start();
  const registrar = new Registrar({
    store, users: o.users ?? [bedUser('u-alice', 'alice', 'alice-pw')], domain: BED_DOMAIN,
    settings: { ...BED_SETTINGS, ...o.settings }, clock: systemClock, logger: pino({ level: 'silent' }),
    ...(o.keepalive ? { keepalive: o.keepalive } : {}),
  });
  const problems: string[] = [];
  const srf = new Srf();
  srf.on('error', (err: Error) => problems.push(`srf error: ${err.message}`));
  registrar.register(srf);
  const uses = srf as unknown as { use(method: string, fn: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void): void };
  uses.use('options', (_req, res) => res.send(200));
  o.setup?.(srf, registrar);
  const connected = new Promise<void>((resolve, reject) => {
    srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
  });
  const { address, port: wirePort } = engine.wireAddress();
  // maxAttempts 1: once the engine closes, srf must not keep a reconnect timer alive.
  const connect = srf.connect as unknown as (opts: object) => unknown;
  connect.call(srf, { host: address, port: wirePort, secret: SECRET, reconnect: { maxAttempts: 1 } });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= (async () => {
    await registrar.close();
    const closed = new Promise<void>((resolve) => srf.once('close', () => resolve()));
    srf.disconnect();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await engine.close();
    await store.close();
  })());
  try {
    await connected;
    await awaitAppReady(port('udp'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { engine, srf, registrar, store, udpPort: port('udp'), tcpPort: port('tcp'), problems, stop };
}
