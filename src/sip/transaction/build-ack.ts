/**
 * The ACK an INVITE client transaction sends for a non-2xx final (RFC 3261 §17.1.1.3).
 * (The ACK for a 2xx is end-to-end and belongs to the TU, §13.2.2.4.)
 */
import { getHeader, headerKey } from '../message/index.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/index.js';

const EMPTY_BODY = Buffer.alloc(0);

/**
 * Same Request-URI, Call-ID, From and CSeq number as the INVITE, the To of the response
 * (with its tag), a single Via equal to the INVITE's top Via (same branch), and the
 * INVITE's Route headers.
 */
export function buildAck(invite: SipRequest, topVia: string, cseq: number, response: SipResponse): SipRequest {
  const headers: SipHeader[] = [{ name: 'Via', value: topVia }, { name: 'Max-Forwards', value: '70' }];
  headers.push(...routeHeaders(invite));
  headers.push(
    { name: 'From', value: getHeader(invite, 'from') ?? '' },
    { name: 'To', value: getHeader(response, 'to') ?? '' },
    { name: 'Call-ID', value: getHeader(invite, 'call-id') ?? '' },
    { name: 'CSeq', value: `${cseq} ACK` },
    { name: 'Content-Length', value: '0' },
  );
  return { type: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: EMPTY_BODY };
}

/** The request's Route header lines, copied as written and in order. */
export function routeHeaders(req: SipRequest): SipHeader[] {
  const routes: SipHeader[] = [];
  for (const h of req.headers) {
    if (headerKey(h.name) === 'route') routes.push({ name: h.name, value: h.value });
  }
  return routes;
}
