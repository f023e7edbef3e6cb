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
import { BoundedCache, normaliseDialled } from './numbers.js';
import type { ShellRequest } from './shell-srf.js';

export function recogniseSource(req: ShellRequest, dialplan: Dialplan): CallSource | undefined {
  const address = req.source_address.replace(/^\[|\]$/g, '');
  const source = addressBits(address);
  const trunk = source && dialplan.trunks.find((t) => t.inbound?.sources.some((n) => inBits(source, n)));
  if (!trunk) return undefined;
  const from = fromOf(req);
  const isDomainUser = from !== undefined && from.host.toLowerCase() === dialplan.domain.toLowerCase() &&
    isUsername(dialplan.users, from.user);
  return isDomainUser ? undefined : { kind: 'trunk', trunk: trunk.name };
}

/**
 * Whether a user of the dialplan has this SIP username. A loaded dialplan is deep-frozen
 * (config/dialplan), so its users' names are kept in a Set per users array instead of
 * scanning them on every INVITE; an array that is not frozen (a test's) is scanned.
 */
function isUsername(users: Dialplan['users'], name: string): boolean {
  if (!Object.isFrozen(users)) return users.some((u) => u.sip.username === name);
  let names = usernames.get(users);
  if (names === undefined) {
    names = new Set(users.map((u) => u.sip.username));
    usernames.set(users, names);
  }
  return names.has(name);
}

const usernames = new WeakMap<Dialplan['users'], ReadonlySet<string>>();

export function callRequestOf(req: ShellRequest, source: CallSource, dialplan: Dialplan): CallRequest {
  const from = fromOf(req);
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

/** The last From parsed here: recogniseSource and callRequestOf read the same INVITE's From one after the other. */
let lastFrom: { value: string; parsed: Readonly<ParsedAddress> | undefined } = { value: '', parsed: undefined };

/** The INVITE's From, parsed; only read, never changed, by the two callers above. */
function fromOf(req: ShellRequest): Readonly<ParsedAddress> | undefined {
  const value = req.get('From') ?? '';
  if (value !== lastFrom.value) lastFrom = { value, parsed: parseAddress(value) };
  return lastFrom.parsed;
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
  if (!s.includes('%')) return s; // nothing to decode: decodeURIComponent would return s
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface AddressBits {
  family: number;
  /** The address as a string of '0'/'1', 32 or 128 long. */
  bits: string;
}

export function inNetwork(address: string, net: SourceNetwork): boolean {
  const a = addressBits(address);
  return a !== undefined && inBits(a, net);
}

function inBits(a: AddressBits, net: SourceNetwork): boolean {
  if (a.family !== net.family) return false;
  const b = networkBits(net);
  return b !== undefined && a.bits.slice(0, net.prefixLength) === b.slice(0, net.prefixLength);
}

/** Source addresses repeat (trunks, devices): their bits are kept for the last ADDRESS_CACHE_SIZE of them. */
const ADDRESS_CACHE_SIZE = 1024;
const addresses = new BoundedCache<AddressBits | null>(ADDRESS_CACHE_SIZE);

function addressBits(address: string): AddressBits | undefined {
  const known = addresses.get(address);
  if (known !== undefined) return known ?? undefined;
  const family = isIP(address); // isIP: at most 45 characters get here, so the cache keys stay short
  const bits = family === 0 ? undefined : toBits(address, family);
  const computed = bits === undefined ? null : { family, bits };
  if (family !== 0) addresses.set(address, computed);
  return computed ?? undefined;
}

/** A trunk's networks are config: their bits are computed once per network (and address, should it change). */
const networks = new WeakMap<SourceNetwork, { address: string; family: number; bits: string | undefined }>();

function networkBits(net: SourceNetwork): string | undefined {
  const known = networks.get(net);
  if (known && known.address === net.address && known.family === net.family) return known.bits;
  const bits = toBits(net.address, net.family);
  networks.set(net, { address: net.address, family: net.family, bits });
  return bits;
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
