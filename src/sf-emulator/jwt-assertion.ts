/**
 * Parsing and verifying the JWT bearer assertion. Salesforce Help, 'OAuth 2.0 JWT Bearer Flow
 * for Server-to-Server Integration': the JWT header is {"alg":"RS256"}; the claims are
 * iss (the connected app's consumer key), sub (the username), aud (the authorization server:
 * https://login.salesforce.com, https://test.salesforce.com or an Experience Cloud site) and
 * exp (expiry, seconds since the epoch, within 3 minutes); the signature is RSA SHA256 with the
 * private key whose certificate is uploaded to the connected app (RFC 7515 §3, RFC 7519 §4.1).
 *
 * Network input never throws here: the outcome is a value.
 */
import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface JwtClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
}

export type ParsedAssertion =
  | { readonly ok: true; readonly claims: JwtClaims; readonly signedPart: string; readonly signature: Buffer }
  | { readonly ok: false; readonly reason: string };

export function parseAssertion(assertion: string): ParsedAssertion {
  const parts = assertion.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWS compact serialization' };
  const header = decodeJson(parts[0]!);
  const payload = decodeJson(parts[1]!);
  if (!header || !payload) return { ok: false, reason: 'header or claims are not base64url JSON' };
  if (header['alg'] !== 'RS256') return { ok: false, reason: `alg ${String(header['alg'])} is not RS256` };
  const { iss, sub, aud, exp } = payload;
  const audience = Array.isArray(aud) ? aud[0] : aud;
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof audience !== 'string' || typeof exp !== 'number') {
    return { ok: false, reason: 'iss, sub, aud and exp are required' };
  }
  return { ok: true, claims: { iss, sub, aud: audience, exp }, signedPart: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
}

/** True when any of `keys` verifies the RS256 signature. */
export function signatureValid(parsed: { signedPart: string; signature: Buffer }, keys: readonly KeyObject[]): boolean {
  return keys.some((key) => {
    try {
      return verify('sha256', Buffer.from(parsed.signedPart), key, parsed.signature);
    } catch {
      return false;
    }
  });
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
