/**
 * Bearer-token authentication (RFC 6750). The token is compared in constant time (on
 * SHA-256 digests, so the lengths match and the length itself does not leak) and is never
 * logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiResponse } from './api-error.js';
import { apiError } from './api-error.js';

/** What the server needs of config's Secret: it shows its value only through reveal(). */
export interface TokenSource {
  reveal(): string;
}

export class BearerAuth {
  readonly #expected: Buffer;

  constructor(token: TokenSource) {
    this.#expected = digest(token.reveal());
  }

  /** undefined when authorised, else the 401 to send. */
  check(authorization: string | undefined): ApiResponse | undefined {
    const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(authorization ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), this.#expected)) return undefined;
    // RFC 6750 §3: no error attribute when the request had no credentials at all.
    const challenge = authorization === undefined ? 'Bearer realm="linegate"' : 'Bearer realm="linegate", error="invalid_token"';
    const failure = apiError('UNAUTHORIZED', 'send Authorization: Bearer <token> with the control API token');
    return { ...failure, headers: { 'www-authenticate': challenge } };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
