/**
 * Require / Proxy-Require (RFC 3261 §8.2.2.3, §16.3 step 5): option tags the element
 * does not support get 420 Bad Extension with an Unsupported header listing them.
 */
import type { SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';
import { getHeaderValues } from './headers.js';

/**
 * A UAS checks Require; a proxy checks Proxy-Require. Both are ignored in CANCEL and
 * ACK (§8.2.2.3: they MUST NOT be used there; an ACK for a 2xx only repeats the
 * INVITE's tags, which were checked then). Option tags are tokens, compared
 * case-insensitively (§7.3.1).
 */
export function checkRequire(
  req: SipRequest,
  supported: readonly string[],
  header: 'Require' | 'Proxy-Require' = 'Require',
): CheckResult {
  if (req.method === 'CANCEL' || req.method === 'ACK') return ACCEPT;
  const known = new Set(supported.map((tag) => tag.toLowerCase()));
  const unsupported = getHeaderValues(req, header).filter((tag) => !known.has(tag.toLowerCase()));
  if (unsupported.length === 0) return ACCEPT;
  return reject(420, 'Bad Extension', [{ name: 'Unsupported', value: unsupported.join(', ') }]);
}
