import { parseIpAddress, isIpv4Mapped, type IpBytes } from './ip-address.js';

/** One exempt entry: an address and how many leading bits of it must match. */
export interface AddressRange {
  /** 4 bytes (IPv4) or 16 (IPv6), host bits zero. */
  readonly network: IpBytes;
  readonly prefixLength: number;
}

export type AddressRangeParse =
  | { ok: true; range: AddressRange }
  | { ok: false; message: string; fix: string };

const RANGE_EXAMPLES = 'e.g. 203.0.113.7, 10.0.0.0/8, ::1 or 2001:db8::/32';

/**
 * Parses `address` (exact: /32 or /128) or `address/prefix` (RFC 4632 §3.1 for IPv4,
 * RFC 4291 §2.3 for IPv6). An entry with host bits set (`10.1.2.3/8`) is refused
 * rather than silently widened: it is nearly always a typo, and the fix names the
 * network the operator probably meant.
 */
export function parseAddressRange(text: string): AddressRangeParse {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText.trim());
  if (!address) {
    return { ok: false, message: `"${text}" is not an IPv4/IPv6 address or CIDR`, fix: `write an address or CIDR, ${RANGE_EXAMPLES}` };
  }
  const bits = address.length * 8;
  // A mapped IPv4 network written as IPv6 (`::ffff:10.0.0.0/104`) counts its prefix
  // over 128 bits; parseIpAddress already reduced the address to 4 bytes.
  const mappedOffset = address.length === 4 && addressText.includes(':') ? 96 : 0;
  let prefixLength = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1).trim();
    const n = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) - mappedOffset : NaN;
    if (!(n >= 0 && n <= bits)) {
      return { ok: false, message: `"${text}" has an invalid prefix length`, fix: `use a prefix from ${mappedOffset} to ${bits + mappedOffset}, ${RANGE_EXAMPLES}` };
    }
    prefixLength = n;
  }
  const network = maskTo(address, prefixLength);
  if (!bytesEqual(network, address)) {
    const suggestion = `${formatAddress(network)}/${prefixLength}`;
    return { ok: false, message: `"${text}" has host bits set beyond /${prefixLength}`, fix: `write the network address, probably "${suggestion}"` };
  }
  return { ok: true, range: { network, prefixLength } };
}

/**
 * A fixed set of address ranges with a membership test. Built once from config; `has`
 * is called per request, so exact entries are also kept as strings for a no-parse hit.
 */
export class AddressRangeSet {
  private readonly exactText = new Set<string>();

  private constructor(private readonly ranges: readonly AddressRange[], exactText: Iterable<string>) {
    for (const t of exactText) this.exactText.add(t);
  }

  /** Builds from already-validated entry strings; invalid entries are reported, not thrown. */
  static from(entries: readonly string[]): { ok: true; set: AddressRangeSet } | { ok: false; errors: Array<{ index: number; message: string; fix: string }> } {
    const ranges: AddressRange[] = [];
    const exact: string[] = [];
    const errors: Array<{ index: number; message: string; fix: string }> = [];
    entries.forEach((entry, index) => {
      const parsed = parseAddressRange(entry);
      if (!parsed.ok) errors.push({ index, message: parsed.message, fix: parsed.fix });
      else {
        ranges.push(parsed.range);
        if (!entry.includes('/')) exact.push(entry.trim());
      }
    });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, set: new AddressRangeSet(ranges, exact) };
  }

  /** No ranges: `has` is always false. */
  static empty(): AddressRangeSet {
    return new AddressRangeSet([], []);
  }

  get size(): number {
    return this.ranges.length;
  }

  /** True if `address` (as a socket reports it) falls in any range; false if unparsable. */
  has(address: string): boolean {
    if (this.ranges.length === 0) return false;
    if (this.exactText.has(address)) return true;
    const bytes = parseIpAddress(address);
    if (!bytes) return false;
    return this.ranges.some((r) => r.network.length === bytes.length && prefixMatches(r, bytes));
  }
}

function prefixMatches(range: AddressRange, bytes: IpBytes): boolean {
  const fullBytes = range.prefixLength >> 3;
  for (let i = 0; i < fullBytes; i++) if (range.network[i] !== bytes[i]) return false;
  const restBits = range.prefixLength & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return ((bytes[fullBytes] ?? 0) & mask) === range.network[fullBytes];
}

function maskTo(address: IpBytes, prefixLength: number): IpBytes {
  const out = new Uint8Array(address.length);
  for (let i = 0; i < address.length; i++) {
    const keep = Math.max(0, Math.min(8, prefixLength - i * 8));
    out[i] = (address[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function bytesEqual(a: IpBytes, b: IpBytes): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Plain (uncompressed) text form, only used in error fixes. */
function formatAddress(bytes: IpBytes): string {
  if (bytes.length === 4 || isIpv4Mapped(bytes)) return Array.from(bytes.slice(-4)).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 §4.2: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = { start: -1, len: 1 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}
