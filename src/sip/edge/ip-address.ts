/**
 * Minimal IP address parsing for the edge's exempt list: text → bytes, never throws.
 *
 * Written here rather than taken from a package (house rule: no new dependencies) and
 * rather than node:net, whose `BlockList` cannot tell us *why* an entry is wrong and
 * which we would still have to feed normalised addresses.
 */

/** 4 bytes for IPv4, 16 for IPv6; network byte order. */
export type IpBytes = Uint8Array;

/**
 * Parses dotted-quad IPv4 (`192.0.2.1`) or IPv6 text (RFC 4291 §2.2, including `::`
 * and an embedded dotted-quad tail). Accepts `[...]` brackets and drops a `%zone`
 * suffix (RFC 4007 §11), as sockets and SIP URIs may hand us either.
 * An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) comes back as
 * the 4 IPv4 bytes: a dual-stack socket reports IPv4 peers that way, and an exempt
 * entry written as IPv4 must still match them.
 * Returns undefined for anything else.
 */
export function parseIpAddress(text: string): IpBytes | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.includes(':')) {
    const v6 = parseIpv6(s);
    return v6 && isIpv4Mapped(v6) ? v6.slice(12) : v6;
  }
  return parseIpv4(s);
}

/** True for ::ffff:a.b.c.d (RFC 4291 §2.5.5.2). */
export function isIpv4Mapped(bytes: IpBytes): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(s: string): IpBytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    // Leading zeros are refused: some stacks read `010` as octal, so its meaning is ambiguous.
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIpv6(s: string): IpBytes | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/**
 * Colon-separated hex groups; the last one may be a dotted quad (worth two groups)
 * when `mayEndWithIpv4` (i.e. this part ends the address).
 */
function parseGroups(s: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (s === '') return [];
  const parts = s.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (mayEndWithIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
