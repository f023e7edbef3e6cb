/**
 * Via processing at the transport boundary: stamping received/rport on requests
 * (RFC 3261 §18.2.1, RFC 3581 §4) and choosing where a response goes (RFC 3261
 * §18.2.2, RFC 3581 §4).
 */
import { formatVia, getParam, headerKey, parseVia, setParam } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import type { Destination, Source } from '../transport/index.js';

/** Index of the first Via line and the text of its first value. */
function topVia(req: SipRequest): { index: number; first: string; rest: string } | undefined {
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

/**
 * Where to send a response to `req`, which arrived from `src` (its Via already stamped):
 * reliable transports answer over the same connection; over UDP, maddr, then
 * received+rport, then received+sent-by port, then sent-by.
 */
export function responseDestination(req: SipRequest, src: Source): Destination | undefined {
  if (src.protocol === 'tcp') {
    return { protocol: 'tcp', address: src.remoteAddress, port: src.remotePort, connectionId: src.connectionId };
  }
  const top = topVia(req);
  const via = top ? parseVia(top.first.trim()) : null;
  if (!via) return undefined;
  const maddr = getParam(via.params, 'maddr');
  const received = getParam(via.params, 'received');
  const rport = getParam(via.params, 'rport');
  const host = (maddr ?? received ?? via.host).replace(/^\[|\]$/g, '');
  // RFC 3261 §18.2.2 / RFC 4475 §3.3.10: never answer to a broadcast address.
  if (host === '255.255.255.255') return undefined;
  const port = !maddr && rport ? Number(rport) : (via.port ?? 5060);
  return { protocol: 'udp', address: host, port };
}
