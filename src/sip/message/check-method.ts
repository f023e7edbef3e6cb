/**
 * Method inspection (RFC 3261 §8.2.1): a method this UAS does not support gets 405
 * with Allow when SIP defines it, 501 when nobody does.
 */
import type { SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';

/** RFC 3261 plus the extension methods of RFC 3262, 3311, 3428, 3515, 3903, 6086, 6665. */
export const KNOWN_METHODS: readonly string[] = Object.freeze([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'UPDATE',
  'MESSAGE',
  'REFER',
  'PUBLISH',
  'INFO',
  'SUBSCRIBE',
  'NOTIFY',
]);

/** Methods are case-sensitive (§7.1): `invite` is not INVITE. */
export function isKnownMethod(method: string): boolean {
  return KNOWN_METHODS.includes(method);
}

export function checkMethod(req: SipRequest, supported: readonly string[]): CheckResult {
  if (supported.includes(req.method)) return ACCEPT;
  if (!isKnownMethod(req.method)) return reject(501, 'Not Implemented');
  return reject(405, 'Method Not Allowed', [{ name: 'Allow', value: supported.join(', ') }]);
}
