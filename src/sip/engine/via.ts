/**
 * Via processing at the transport boundary: stamping received/rport on requests
 * (RFC 3261 §18.2.1, RFC 3581 §4). Where responses go is the transaction layer's
 * responseDestination (RFC 3261 §18.2.2).
 */
import { formatVia, headerKey, parseVia, setParam } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';

/** Index of the first Via line and the text of its first value. */
export function topVia(req: SipRequest): { index: number; first: string; rest: string } | undefined {
  const index = req.headers.findIndex((h) => headerKey(h.name) === 'via');
  if (index < 0) return undefined;
  const value = (req.headers[index] as { value: string }).value;
  const comma = topLevelComma(value);
  return comma < 0 ? { index, first: value, rest: '' } : { index, first: value.slice(0, comma), rest: value.slice(comma) };
}

function topLevelComma(v: string): number {
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 44 /* , */ && !quoted) return i;
  }
  return -1;
}

/**
 * Add `received` when the sent-by host differs from the packet's source, and fill an
 * empty `rport` with the source port, so responses find their way back through NAT.
 */
export function stampVia(req: SipRequest, src: Source): void {
  const top = topVia(req);
  if (!top) return;
  const via = parseVia(top.first.trim());
  if (!via) return;
  const host = via.host.replace(/^\[|\]$/g, '');
  const hasRport = via.params.some(([k]) => k.toLowerCase() === 'rport');
  let changed = false;
  if (host !== src.remoteAddress || hasRport) {
    setParam(via.params, 'received', src.remoteAddress);
    changed = true;
  }
  if (hasRport) {
    setParam(via.params, 'rport', String(src.remotePort));
    changed = true;
  }
  if (changed) (req.headers[top.index] as { value: string }).value = formatVia(via) + top.rest;
}
