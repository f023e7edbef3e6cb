/**
 * Max-Forwards (RFC 3261 §8.1.1.6, §16.3 step 3, §20.22).
 */
import type { SipMessage, SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';
import { getHeader } from './headers.js';
import { parseBoundedInt } from './cseq.js';
import { isDigits, trimLws } from './char-classes.js';

/**
 * The value 0..255 (leading zeros allowed: `0068` is 68), or undefined when absent,
 * malformed or above 255, which RFC 4475 §3.1.2.4 allows to treat as absent.
 */
export function getMaxForwards(m: SipMessage): number | undefined {
  const value = getHeader(m, 'Max-Forwards');
  if (value === undefined) return undefined;
  const v = trimLws(value);
  return isDigits(v) ? parseBoundedInt(v, 255) : undefined;
}

/**
 * For a proxy about to forward: 483 Too Many Hops at Max-Forwards 0 (RFC 4475
 * §3.3.11). An endpoint does not call this; it processes the request normally.
 * (§16.3 also lets a proxy answer an OPTIONS itself instead: its choice.)
 */
export function checkMaxForwards(req: SipRequest): CheckResult {
  return getMaxForwards(req) === 0 ? reject(483, 'Too Many Hops') : ACCEPT;
}
