/**
 * A Registrar on a FakeSrf, a MemoryStore and a FakeClock, with two users, and a phone
 * that speaks REGISTER to it: the world of the registrar unit tests.
 */
import pino from 'pino';
import { Registrar } from '../../src/b2bua/index.js';
import type { DigestAlgorithm, KeepaliveSettings, RegistrarOptions, RegistrarUser } from '../../src/b2bua/index.js';
import type { RegistrarSettings } from '../../src/config/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { authorization, parseChallenge, type Challenge } from './digest-client.js';
import { FakeClock } from './fake-clock.js';
import { FakeRequest, FakeSrf, type FakeRequestInit, type FakeResponse } from './fake-srf.js';

export const DOMAIN = 'example.com';

export const SETTINGS: RegistrarSettings = {
  minExpiresS: 60,
  maxExpiresS: 3600,
  defaultExpiresS: 600,
  nonceLifetimeS: 30,
  algorithms: ['SHA-256', 'MD5'],
  lockout: { maxFailures: 3, windowS: 300, durationS: 600 },
};

export function user(id: string, username: string, password: string): RegistrarUser {
  return { id, sip: { username, password: { reveal: () => password } } };
}

export const USERS = [user('u-alice', 'alice', 'alice-pw'), user('u-bob', 'bob', 'bob-pw')];

export interface Fixture {
  clock: FakeClock;
  store: MemoryStore;
  srf: FakeSrf;
  registrar: Registrar;
  close(): Promise<void>;
}

export interface FixtureOptions {
  settings?: Partial<RegistrarSettings>;
  keepalive?: KeepaliveSettings;
  store?: MemoryStore;
  clock?: FakeClock;
  extra?: Partial<RegistrarOptions>;
}

export async function startFixture(o: FixtureOptions = {}): Promise<Fixture> {
  const clock = o.clock ?? new FakeClock(1_000_000);
  const store = o.store ?? new MemoryStore({ clock });
  await store.start();
  const srf = new FakeSrf();
  const registrar = new Registrar({
    store, users: USERS, domain: DOMAIN, settings: { ...SETTINGS, ...o.settings }, clock,
    logger: pino({ level: 'silent' }), epochNow: () => 1_700_000_000_000,
    ...(o.keepalive ? { keepalive: o.keepalive } : {}), ...o.extra,
  });
  registrar.register(srf);
  return {
    clock, store, srf, registrar,
    async close() {
      await registrar.close();
      await store.close();
    },
  };
}

export interface RegisterInit {
  username?: string;
  /** To user; default the username. */
  toUser?: string;
  contact?: string;
  expires?: string;
  callId?: string;
  cseq?: number;
  authorization?: string;
  headers?: Record<string, string>;
  source?: FakeRequestInit['source'];
  receivedOn?: string;
}

export function registerRequest(r: RegisterInit = {}): FakeRequest {
  const username = r.username ?? 'alice';
  return new FakeRequest({
    method: 'REGISTER',
    uri: `sip:${DOMAIN}`,
    headers: {
      To: `<sip:${r.toUser ?? username}@${DOMAIN}>`,
      From: `<sip:${username}@${DOMAIN}>;tag=1`,
      'Call-ID': r.callId ?? 'reg-call-1',
      CSeq: `${r.cseq ?? 1} REGISTER`,
      Contact: r.contact ?? `<sip:${username}@127.0.0.1:5062>`,
      Expires: r.expires,
      Authorization: r.authorization,
      ...r.headers,
    },
    source: r.source ?? { address: '127.0.0.1', port: 5062, protocol: 'udp' },
    ...(r.receivedOn ? { receivedOn: r.receivedOn } : {}),
  });
}

/** The first challenge of a 401 (or of the given algorithm). */
export function challengeOf(res: FakeResponse, algorithm?: DigestAlgorithm): Challenge {
  const all = res.header('WWW-Authenticate').map(parseChallenge);
  const ch = algorithm ? all.find((c) => c.algorithm === algorithm) : all[0];
  if (!ch) throw new Error(`no ${algorithm ?? ''} challenge in ${JSON.stringify(res.sent)}`);
  return ch;
}

export interface AuthedInit extends RegisterInit {
  password?: string;
  algorithm?: DigestAlgorithm;
  nc?: number;
}

/** REGISTER without credentials, then again answering the challenge: returns both responses. */
export async function registerWithAuth(f: Fixture, r: AuthedInit = {}): Promise<{ challenge: Challenge; res: FakeResponse }> {
  const first = await f.srf.deliver(registerRequest({ ...r, cseq: r.cseq ?? 1 }));
  const challenge = challengeOf(first.res, r.algorithm);
  const res = await answer(f, challenge, { ...r, cseq: (r.cseq ?? 1) + 1 });
  return { challenge, res };
}

/** A REGISTER carrying an answer to `challenge`. */
export async function answer(f: Fixture, challenge: Challenge, r: AuthedInit = {}): Promise<FakeResponse> {
  const username = r.username ?? 'alice';
  const auth = authorization(challenge, {
    username, password: r.password ?? `${username}-pw`, method: 'REGISTER', uri: `sip:${DOMAIN}`,
    ...(r.nc === undefined ? {} : { nc: r.nc }), ...(r.algorithm ? { algorithm: r.algorithm } : {}),
  });
  return (await f.srf.deliver(registerRequest({ ...r, authorization: auth }))).res;
}
