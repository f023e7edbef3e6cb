import { getHeader } from '../message/index.js';
import type { SipHeader, SipRequest } from '../message/index.js';
import { routeHeaders } from './build-ack.js';

const EMPTY_BODY = Buffer.alloc(0);

/**
 * RFC 3261 §9.1: the CANCEL has the INVITE's Request-URI, Call-ID, From, To (no tag is
 * added) and CSeq number with method CANCEL, a single Via equal to the INVITE's top Via
 * (so it shares the branch, which is how the far end matches it, §9.2), and the INVITE's
 * Route headers. `extra` (e.g. Reason, RFC 3326) goes last, before Content-Length.
 */
export function buildCancel(invite: SipRequest, topVia: string, cseq: number, extra: SipHeader[] = []): SipRequest {
  const headers: SipHeader[] = [{ name: 'Via', value: topVia }, { name: 'Max-Forwards', value: '70' }];
  headers.push(...routeHeaders(invite));
  headers.push(
    { name: 'From', value: getHeader(invite, 'from') ?? '' },
    { name: 'To', value: getHeader(invite, 'to') ?? '' },
    { name: 'Call-ID', value: getHeader(invite, 'call-id') ?? '' },
    { name: 'CSeq', value: `${cseq} CANCEL` },
  );
  for (const h of extra) headers.push({ name: h.name, value: h.value });
  headers.push({ name: 'Content-Length', value: '0' });
  return { type: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: EMPTY_BODY };
}
