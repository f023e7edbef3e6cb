/**
 * Content negotiation checks of a UAS (RFC 3261 §8.2.3, §21.4.7, §21.4.14).
 */
import type { SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';
import { countHeaderLines, getHeader, getHeaderValues } from './headers.js';
import { getParam, parseHeaderParams } from './params.js';
import { trimLws } from './char-classes.js';

/** `type/subtype` of a media type or range, lower-cased, parameters dropped. */
export function mediaTypeOf(value: string): string {
  const semi = value.indexOf(';');
  return trimLws(semi < 0 ? value : value.slice(0, semi)).toLowerCase();
}

function hasZeroQ(range: string): boolean {
  const semi = range.indexOf(';');
  if (semi < 0) return false;
  const q = getParam(parseHeaderParams(range, semi) ?? [], 'q');
  return typeof q === 'string' && Number(q) === 0;
}

/**
 * Whether an SDP body may be sent in the response: no Accept header means
 * application/sdp (§20.1); an empty Accept accepts nothing. 406 otherwise
 * (RFC 4475 §3.3.15).
 */
export function checkAcceptsSdp(req: SipRequest): CheckResult {
  if (countHeaderLines(req, 'Accept') === 0) return ACCEPT;
  for (const range of getHeaderValues(req, 'Accept')) {
    const type = mediaTypeOf(range);
    const matches = type === 'application/sdp' || type === 'application/*' || type === '*/*';
    if (matches && !hasZeroQ(range)) return ACCEPT;
  }
  return reject(406, 'Not Acceptable');
}

/**
 * A body this UAS cannot read gets 415 with Accept (and Accept-Encoding for an
 * unknown Content-Encoding), §8.2.3 (RFC 4475 §3.3.6). A body without Content-Type
 * is malformed (§20.15): 400.
 */
export function checkContentType(req: SipRequest, supported: readonly string[] = ['application/sdp']): CheckResult {
  if (req.body.length === 0) return ACCEPT;
  const contentType = getHeader(req, 'Content-Type');
  if (contentType === undefined) return reject(400, 'Missing Content-Type header field');
  const accepted = supported.map((t) => t.toLowerCase());
  if (!accepted.includes(mediaTypeOf(contentType))) {
    return reject(415, 'Unsupported Media Type', [{ name: 'Accept', value: supported.join(', ') }]);
  }
  const encodings = getHeaderValues(req, 'Content-Encoding').filter((e) => e.toLowerCase() !== 'identity');
  if (encodings.length > 0) {
    return reject(415, 'Unsupported Media Type', [{ name: 'Accept-Encoding', value: 'identity' }]);
  }
  return ACCEPT;
}
