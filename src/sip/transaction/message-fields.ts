/**
 * The few fields transaction matching needs, read through the message folder's API.
 * Everything returns undefined on malformed input: network input never throws.
 */
import { getHeader, getParam, parseCSeq, parseVia, splitHeaderList, tagOf } from '../message/index.js';
import type { CSeq, SipMessage, Via } from '../message/index.js';

export interface TopVia {
  /** The first Via value as written (one value, even if its header line held several). */
  raw: string;
  via: Via;
  branch: string | undefined;
}

export function topViaOf(m: SipMessage): TopVia | undefined {
  const line = getHeader(m, 'via');
  if (line === undefined) return undefined;
  // Only the first line is split: the top Via is all that matching needs.
  const raw = line.indexOf(',') < 0 ? line : splitHeaderList(line)[0];
  const via = raw ? parseVia(raw) : null;
  if (!raw || !via) return undefined;
  const branch = getParam(via.params, 'branch');
  return { raw, via, branch: branch ? branch : undefined };
}

export function cseqOf(m: SipMessage): CSeq | undefined {
  const value = getHeader(m, 'cseq');
  return value === undefined ? undefined : (parseCSeq(value) ?? undefined);
}

/** The tag of the To (or From) header, '' when absent. */
export function headerTag(m: SipMessage, name: 'to' | 'from'): string {
  const value = getHeader(m, name);
  return value === undefined ? '' : (tagOf(value) ?? '');
}

/**
 * RFC 3261 §17.2.3 compares sent-by: host (case-insensitive, §19.1.4-style) and port as
 * written (an absent port is not equated with 5060, as the RFC's text has it).
 */
export function sentByOf(via: Via): string {
  return via.port === undefined ? via.host.toLowerCase() : `${via.host.toLowerCase()}:${via.port}`;
}
