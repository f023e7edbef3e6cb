/**
 * The assertion of the OAuth 2.0 JWT bearer flow (RFC 7523; Salesforce Help, "OAuth 2.0 JWT
 * Bearer Flow for Server-to-Server Integration"): header {"alg":"RS256"}, claims iss = the
 * app's consumer key, sub = the integration user's username, aud = the login host
 * (login-url.ts jwtAudience), exp = a few minutes ahead (Salesforce accepts at most 3 minutes
 * plus clock skew), signed with the private key whose certificate is uploaded to the app.
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const JWT_LIFETIME_SECONDS = 180;

export interface JwtClaimsInput {
  readonly clientId: string;
  readonly username: string;
  readonly audience: string;
  /** Wall clock, seconds since the epoch. */
  readonly nowSeconds: number;
}

/** The key, or undefined when the PEM is not an RSA private key. */
export function readPrivateKey(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

export function buildJwtAssertion(input: JwtClaimsInput, key: KeyObject): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const claims = base64url(JSON.stringify({
    iss: input.clientId,
    sub: input.username,
    aud: input.audience,
    exp: Math.floor(input.nowSeconds) + JWT_LIFETIME_SECONDS,
  }));
  const signingInput = `${header}.${claims}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
