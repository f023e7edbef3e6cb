/**
 * The client side of SIP Digest for tests: reads the challenges of a 401 and builds an
 * Authorization value with computeResponse (qop=auth), the way a phone would.
 */
import { randomBytes } from 'node:crypto';
import { computeResponse, parseAuthorization } from '../../src/b2bua/index.js';
import type { DigestAlgorithm } from '../../src/b2bua/index.js';

export interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop: string | undefined;
  readonly stale: boolean;
}

/** One WWW-Authenticate value → its fields (parseAuthorization reads the same syntax). */
export function parseChallenge(value: string): Challenge {
  const c = parseAuthorization(value);
  if (!c || c.scheme !== 'digest' || !c.realm || !c.nonce) throw new Error(`not a Digest challenge: ${value}`);
  const algorithm = (c.algorithm ?? 'MD5').toUpperCase() === 'SHA-256' ? 'SHA-256' : 'MD5';
  return { realm: c.realm, nonce: c.nonce, algorithm, qop: c.qop, stale: /(^|[\s,])stale\s*=\s*"?true"?/i.test(value) };
}

export interface Answer {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  /** Nonce-count; default 1. */
  readonly nc?: number;
  readonly cnonce?: string;
  /** Overrides the challenge's algorithm (to answer the second challenge, say). */
  readonly algorithm?: DigestAlgorithm;
}

export function authorization(ch: Challenge, a: Answer): string {
  const algorithm = a.algorithm ?? ch.algorithm;
  const nc = (a.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = a.cnonce ?? randomBytes(6).toString('hex');
  const response = computeResponse(algorithm, { ...a, realm: ch.realm, nonce: ch.nonce, nc, cnonce });
  return `Digest username="${a.username}", realm="${ch.realm}", nonce="${ch.nonce}", uri="${a.uri}", `
    + `response="${response}", algorithm=${algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}`;
}
