/**
 * HTTP Digest for SIP (RFC 3261 §22.4, RFC 7616, RFC 8760): challenges, parsing of
 * Authorization, and verification with MD5 or SHA-256 and qop=auth.
 *
 * Nonces are self-authenticating: `<issued-ms>.<random>.<mac>` with an HMAC under a
 * server secret, so a forged nonce is refused without a store lookup and an old one is
 * recognised as *stale* (RFC 7616 §3.3: the client retries with the new nonce without
 * asking the user again). Replay protection (nonce-count must grow) needs state and is
 * the caller's job, through the Store.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestCredentials {
  scheme: string;
  username?: string;
  realm?: string;
  nonce?: string;
  uri?: string;
  response?: string;
  algorithm?: string;
  cnonce?: string;
  qop?: string;
  nc?: string;
  opaque?: string;
}

const HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

function h(alg: DigestAlgorithm, s: string): string {
  return createHash(HASH[alg]).update(s, 'utf8').digest('hex');
}

/** `Digest a="b", c=d` → fields. Quoted values may contain commas and escaped quotes. */
export function parseAuthorization(value: string): DigestCredentials | undefined {
  const m = /^\s*([A-Za-z]+)\s+/.exec(value);
  if (!m) return undefined;
  const out: DigestCredentials = { scheme: (m[1] as string).toLowerCase() };
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*(,|$)/gy;
  re.lastIndex = m[0].length;
  let f: RegExpExecArray | null;
  while (re.lastIndex < value.length && (f = re.exec(value)) !== null) {
    const key = (f[1] as string).toLowerCase();
    const raw = f[3] !== undefined ? f[3].replace(/\\(.)/g, '$1') : (f[2] as string);
    if (key in FIELDS) (out as unknown as Record<string, string>)[FIELDS[key] as string] = raw;
    if (f[0].length === 0) break;
  }
  return out;
}

const FIELDS: Record<string, keyof DigestCredentials> = {
  username: 'username', realm: 'realm', nonce: 'nonce', uri: 'uri', response: 'response',
  algorithm: 'algorithm', cnonce: 'cnonce', qop: 'qop', nc: 'nc', opaque: 'opaque',
};

export class NonceIssuer {
  constructor(private readonly secret: Buffer, private readonly lifetimeMs: number) {}

  static withRandomSecret(lifetimeMs: number): NonceIssuer {
    return new NonceIssuer(randomBytes(32), lifetimeMs);
  }

  issue(nowMs: number): string {
    const body = `${Math.floor(nowMs).toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  /** 'ok', 'stale' (ours but expired) or 'invalid' (not ours, or tampered). */
  check(nonce: string, nowMs: number): 'ok' | 'stale' | 'invalid' {
    const i = nonce.lastIndexOf('.');
    if (i < 0) return 'invalid';
    const body = nonce.slice(0, i);
    const given = Buffer.from(nonce.slice(i + 1));
    const want = Buffer.from(this.mac(body));
    if (given.length !== want.length || !timingSafeEqual(given, want)) return 'invalid';
    const issued = parseInt(body.split('.')[0] ?? '', 36);
    if (!Number.isFinite(issued) || issued > nowMs + 1000) return 'invalid';
    return nowMs - issued > this.lifetimeMs ? 'stale' : 'ok';
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

/** One challenge per algorithm, preferred first (RFC 8760 §2.4). */
export function challengeHeaders(realm: string, nonce: string, algorithms: readonly DigestAlgorithm[], stale: boolean): string[] {
  return algorithms.map((alg) => `Digest realm="${realm}", nonce="${nonce}", algorithm=${alg}, qop="auth"${stale ? ', stale=true' : ''}`);
}

export type DigestVerdict = 'ok' | 'mismatch' | 'malformed';

/** RFC 7616 §3.4.1 with qop=auth; without qop, RFC 2069 compatibility (§3.4.1 last case). */
export function verifyDigest(c: DigestCredentials, method: string, password: string, realm: string): DigestVerdict {
  const alg = normaliseAlgorithm(c.algorithm);
  if (!alg || c.scheme !== 'digest' || !c.username || !c.nonce || !c.uri || !c.response || c.realm !== realm) return 'malformed';
  if (c.qop !== undefined && (c.qop !== 'auth' || !c.cnonce || !c.nc || !/^[0-9a-fA-F]{8}$/.test(c.nc))) return 'malformed';
  const ha1 = h(alg, `${c.username}:${realm}:${password}`);
  const ha2 = h(alg, `${method}:${c.uri}`);
  const expected = c.qop === 'auth'
    ? h(alg, `${ha1}:${c.nonce}:${c.nc}:${c.cnonce}:auth:${ha2}`)
    : h(alg, `${ha1}:${c.nonce}:${ha2}`);
  const a = Buffer.from(expected);
  const b = Buffer.from(c.response.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'mismatch';
}

export function normaliseAlgorithm(a: string | undefined): DigestAlgorithm | undefined {
  if (a === undefined || a.toUpperCase() === 'MD5') return 'MD5';
  if (a.toUpperCase() === 'SHA-256') return 'SHA-256';
  return undefined;
}

/** The response a client computes (for tests and for our own UAC use). */
export function computeResponse(alg: DigestAlgorithm, o: { username: string; realm: string; password: string; method: string; uri: string; nonce: string; nc?: string; cnonce?: string }): string {
  const ha1 = h(alg, `${o.username}:${o.realm}:${o.password}`);
  const ha2 = h(alg, `${o.method}:${o.uri}`);
  return o.nc && o.cnonce ? h(alg, `${ha1}:${o.nonce}:${o.nc}:${o.cnonce}:auth:${ha2}`) : h(alg, `${ha1}:${o.nonce}:${ha2}`);
}
