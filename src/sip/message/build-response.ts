/**
 * Building a response to a request (RFC 3261 §8.2.6).
 */
import type { SipHeader, SipRequest, SipResponse } from './types.js';
import { getHeader, getHeaderLines } from './headers.js';
import { defaultReason } from './reason-phrases.js';
import { parseNameAddr } from './name-addr.js';
import { getParam } from './params.js';

export interface BuildResponseOptions {
  /** Added to To when status > 100 and the request's To has no tag (§8.2.6.2). */
  toTag?: string;
  /**
   * Copy Record-Route (in order) into a 101-299 response: set it when answering a
   * dialog-creating request (§12.1.1).
   */
  copyRecordRoute?: boolean;
  /** Extra headers, placed before Content-Length (e.g. CheckResult.headers). */
  headers?: SipHeader[];
}

/**
 * Via lines (all, in order), From, To, Call-ID, CSeq are copied; Timestamp too for a
 * 100 (§8.2.6.1). Headers the request lacks (a partial message from a failed parse)
 * are skipped, so this also serves the 400 for a broken request. Ends with
 * `Content-Length: 0`.
 */
export function buildResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  opts: BuildResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const value of getHeaderLines(req, 'Via')) headers.push({ name: 'Via', value });
  copyFirst(req, 'From', headers);
  const to = getHeader(req, 'To');
  if (to !== undefined) headers.push({ name: 'To', value: withToTag(to, status, opts.toTag) });
  copyFirst(req, 'Call-ID', headers);
  copyFirst(req, 'CSeq', headers);
  if (status === 100) copyFirst(req, 'Timestamp', headers);
  if (opts.copyRecordRoute === true && status > 100 && status < 300) {
    for (const value of getHeaderLines(req, 'Record-Route')) headers.push({ name: 'Record-Route', value });
  }
  if (opts.headers !== undefined) headers.push(...opts.headers);
  headers.push({ name: 'Content-Length', value: '0' });
  return {
    type: 'response',
    version: 'SIP/2.0',
    status,
    reason: reason ?? defaultReason(status),
    headers,
    body: Buffer.alloc(0),
  };
}

function copyFirst(req: SipRequest, name: string, into: SipHeader[]): void {
  const value = getHeader(req, name);
  if (value !== undefined) into.push({ name, value });
}

function withToTag(to: string, status: number, tag: string | undefined): string {
  if (tag === undefined || status <= 100) return to;
  const parsed = parseNameAddr(to);
  // An unparsable To is echoed untouched: appending to garbage would not make a tag.
  if (parsed === null || getParam(parsed.params, 'tag') !== undefined) return to;
  return `${to};tag=${tag}`;
}
