/**
 * The flow a REGISTER arrived on, kept with the binding, and how to reach a device
 * through it. RFC 5626 (outbound) in spirit, without its keepalive negotiation: a device
 * that registered over TCP is reached over that connection (it may be behind a NAT or a
 * firewall that only lets that connection in), and a UDP device whose Contact names an
 * address other than the one its packets came from (a NAT'd phone putting its private
 * address in Contact, RFC 3581 case) is reached at its source address and port.
 */
import type { FlowSource } from './registrar-types.js';
import { parseSipUri } from './contact-list.js';

/** Stored in Binding.source: `proto:address:port`, then ` on <receivedOn>` when known. IPv6 in brackets. */
export function formatSource(s: FlowSource): string {
  const flow = `${s.protocol.toLowerCase()}:${bracket(s.address)}:${s.port}`;
  return s.receivedOn ? `${flow} on ${s.receivedOn}` : flow;
}

export function parseSource(text: string | undefined): FlowSource | undefined {
  if (text === undefined) return undefined;
  const m = /^([a-z]+):(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})(?: on (\S+))?$/.exec(text);
  if (!m) return undefined;
  const base = { protocol: m[1] as string, address: unbracket(m[2] as string), port: Number(m[3]) };
  return m[4] === undefined ? base : { ...base, receivedOn: m[4] };
}

/**
 * The srf `proxy` (outbound proxy for one request) that sends to the device over the
 * flow it registered on, or undefined when its Contact is reachable as it is.
 */
export function flowProxy(contactUri: string, source: FlowSource | undefined): string | undefined {
  if (!source) return undefined;
  const protocol = source.protocol.toLowerCase();
  const viaFlow = `sip:${bracket(source.address)}:${source.port};transport=${protocol}`;
  if (protocol !== 'udp') return viaFlow; // connection-oriented: only the existing connection is sure to get through
  const contact = parseSipUri(contactUri);
  if (!contact) return viaFlow;
  const src = unbracket(source.address).toLowerCase();
  const behindNat = contact.host !== src || (isRfc1918(contact.host) && !isRfc1918(src));
  return behindNat ? viaFlow : undefined;
}

/** 10/8, 172.16/12, 192.168/16 (RFC 1918). */
export function isRfc1918(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function bracket(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

function unbracket(address: string): string {
  return address.replace(/^\[|\]$/g, '');
}
