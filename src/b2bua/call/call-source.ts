/**
 * Where an INVITE comes from, and the core's CallRequest for it.
 *
 * A trunk is recognised by source address (dialplan trunks[].inbound.sources). A device on
 * an address that is also a trunk source (one host running both, as on loopback) is told
 * apart by its From: a user of our domain (`sip:<username>@<domain>`) is a device and must
 * authenticate; anything else from a trunk source is the trunk's call.
 */
import { isIP } from 'node:net';
import type { CallRequest, CallSource, CallerIdentity } from '../../call/index.js';
import type { Dialplan, SourceNetwork } from '../../config/index.js';
import { normaliseDialled } from './numbers.js';
import type { ShellRequest } from './shell-srf.js';

export function recogniseSource(req: ShellRequest, dialplan: Dialplan): CallSource | undefined {
  const address = req.source_address.replace(/^\[|\]$/g, '');
  const trunk = dialplan.trunks.find((t) => t.inbound?.sources.some((n) => inNetwork(address, n)));
  if (!trunk) return undefined;
  const from = parseAddress(req.get('From') ?? '');
  const isDomainUser = from !== undefined && from.host.toLowerCase() === dialplan.domain.toLowerCase() &&
    dialplan.users.some((u) => u.sip.username === from.user);
  return isDomainUser ? undefined : { kind: 'trunk', trunk: trunk.name };
}

export function callRequestOf(req: ShellRequest, source: CallSource, dialplan: Dialplan): CallRequest {
  const from = parseAddress(req.get('From') ?? '');
  const country = dialplan.defaultCountry;
  const caller: CallerIdentity = { number: callerNumber(from, country) };
  if (from?.display) caller.display = from.display;
  const dialled = uriUser(req.uri) ?? '';
  return {
    callId: req.get('Call-ID') ?? '',
    direction: source.kind === 'trunk' ? 'inbound' : 'outbound',
    from: caller,
    to: source.kind === 'trunk' ? normaliseDialled(dialled, country) : dialled,
    source,
  };
}

/** RFC 3323 §4.1.1.3: anonymous@anonymous.invalid (or a user part `anonymous`) withholds the number. */
function callerNumber(from: ParsedAddress | undefined, country: string): string | null {
  if (!from || from.user === '' || from.user.toLowerCase() === 'anonymous' || from.host === 'anonymous.invalid') return null;
  return normaliseDialled(from.user, country);
}

interface ParsedAddress {
  display?: string;
  user: string;
  host: string;
}

/** A From/To value: `"Name" <sip:user@host;p>;tag=x` or `sip:user@host;tag=x`. Undefined if unreadable. */
export function parseAddress(value: string): ParsedAddress | undefined {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<([^>]*)>/.exec(value);
  const uri = m ? m[3] ?? '' : value.trim().split(';')[0] ?? '';
  const display = m ? (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]?.trim()) : undefined;
  const um = /^(?:sips?|tel):(?:([^@;]*)@)?([^;:?>]+)/i.exec(uri);
  if (!um) return undefined;
  const out: ParsedAddress = { user: decodeSafe(um[1] ?? ''), host: um[2] ?? '' };
  if (display) out.display = display;
  return out;
}

/** The user part of a Request-URI (`sip:+14155550100@host` → `+14155550100`); tel: URIs give the number. */
export function uriUser(uri: string): string | undefined {
  const tel = /^tel:([^;]+)/i.exec(uri);
  if (tel) return tel[1];
  const m = /^sips?:([^@;]*)@/i.exec(uri);
  return m ? decodeSafe(m[1] ?? '') : undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function inNetwork(address: string, net: SourceNetwork): boolean {
  const fam = isIP(address);
  if (fam !== net.family) return false;
  const a = toBits(address, fam);
  const b = toBits(net.address, fam);
  return a !== undefined && b !== undefined && a.slice(0, net.prefixLength) === b.slice(0, net.prefixLength);
}

function toBits(address: string, family: number): string | undefined {
  if (family === 4) return address.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}
