/**
 * Where a request goes (RFC 3263, simplified): the Route set's first entry if it is a
 * loose router, else the Request-URI; `maddr`, `transport` and the port come from that
 * URI. Host names are resolved with the system resolver (A/AAAA); NAPTR/SRV lookups are
 * not done — a known deviation, fine for trunks and phones addressed by IP or plain name.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { getParam, parseUri } from '../message/index.js';
import { sharedDestination } from '../transaction/index.js';
import { peerAddress } from '../transport/index.js';
import type { Destination } from '../transport/index.js';
import { uriOf } from './uri-of.js';

export type HopResult = { ok: true; dest: Destination } | { ok: false; error: string };

export interface HopTarget {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

export function parseHop(uriText: string): { ok: true; hop: HopTarget } | { ok: false; error: string } {
  const uri = parseUri(uriText.trim());
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return { ok: false, error: `invalid request-uri: ${uriText}` };
  if (uri.scheme === 'sips') return { ok: false, error: 'requested protocol/transport not available' };
  const transport = (getParam(uri.params, 'transport') ?? 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') return { ok: false, error: 'requested protocol/transport not available' };
  const maddr = getParam(uri.params, 'maddr');
  const host = (maddr ?? uri.host).replace(/^\[|\]$/g, '');
  // The literal, not the lower-cased parameter: a new string per request otherwise.
  return { ok: true, hop: { protocol: transport === 'tcp' ? 'tcp' : 'udp', host, port: uri.port ?? 5060 } };
}

/** The first hop for a request: a loose-routing first Route wins over the Request-URI (RFC 3261 §16.12, §12.2.1.1). */
export function firstHopUri(requestUri: string, routeSet: readonly string[]): string {
  const first = routeSet[0];
  if (first !== undefined) {
    const u = uriOf(first);
    if (/;lr(=|;|>|$)/i.test(u)) return u;
  }
  return requestUri;
}

export async function resolveHop(hop: HopTarget): Promise<HopResult> {
  // A shared destination with the shared copy of the host (peerAddress): it stays on client
  // transactions 32 s after the request whose text the parsed host is a slice of (message/kept.ts).
  if (isIP(hop.host)) return { ok: true, dest: sharedDestination(hop.protocol, peerAddress(hop.host), hop.port) };
  try {
    const a = await lookup(hop.host);
    return { ok: true, dest: sharedDestination(hop.protocol, peerAddress(a.address), hop.port) };
  } catch {
    return { ok: false, error: `unable to resolve ${hop.host}` };
  }
}
