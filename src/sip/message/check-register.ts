/**
 * Registrar-specific checks on a REGISTER (RFC 3261 §10.3).
 */
import type { SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';
import { getHeader, getHeaderValues } from './headers.js';
import { parseNameAddr } from './name-addr.js';
import { parseUri } from './uri.js';
import { isDigits, trimLws } from './char-classes.js';

/**
 * - the address-of-record (To) must be a SIP or SIPS URI (RFC 4475 §3.3.4: 400);
 * - a `*` Contact must be the only Contact and come with `Expires: 0` (§10.3 step 6).
 * Requests other than REGISTER pass.
 */
export function checkRegister(req: SipRequest): CheckResult {
  if (req.method !== 'REGISTER') return ACCEPT;
  const to = parseNameAddr(getHeader(req, 'To') ?? '');
  const aor = to === null ? null : parseUri(to.uri);
  if (aor === null || (aor.scheme !== 'sip' && aor.scheme !== 'sips')) {
    return reject(400, 'Address-of-record must be a SIP or SIPS URI');
  }
  const contacts = getHeaderValues(req, 'Contact');
  if (contacts.includes('*')) {
    const expires = trimLws(getHeader(req, 'Expires') ?? '');
    if (contacts.length !== 1 || !isDigits(expires) || Number(expires) !== 0) {
      return reject(400, 'Invalid wildcard Contact');
    }
  }
  return ACCEPT;
}
