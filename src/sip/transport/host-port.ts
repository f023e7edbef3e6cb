/**
 * Address helpers shared by the transport and the layers above it. Addresses here are
 * IP literals (DNS resolution happens above the transport, RFC 3263); an IPv6 literal
 * may arrive with or without the brackets of a SIP URI host (RFC 3261 §25.1 `IPv6reference`).
 */
import { isIP, SocketAddress } from 'node:net';

/** Removes the brackets of an IPv6 reference (`[::1]` → `::1`); other strings are returned as is. */
export function stripBrackets(address: string): string {
  return address.length > 1 && address.charCodeAt(0) === 0x5b && address.endsWith(']')
    ? address.slice(1, -1)
    : address;
}

/** True for an IPv6 literal, bracketed (`[::1]`) or not (`::1`). */
export function isIPv6(address: string): boolean {
  return isIP(stripBrackets(address)) === 6;
}

/** `host:port`, with an IPv6 literal in brackets (RFC 3261 §19.1.1 hostport). */
export function formatHostPort(address: string, port: number): string {
  const bare = stripBrackets(address);
  return isIP(bare) === 6 ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/**
 * The one spelling of an IP literal used as a map key: IPv6 compressed and lower-case
 * (`0:0::1` → `::1`), so that an address read from a Via matches `socket.remoteAddress`.
 * Returns undefined when the string is not an IP literal.
 */
export function canonicalAddress(address: string): string | undefined {
  const bare = stripBrackets(address);
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return undefined;
  // SocketAddress drops a zone index (`fe80::1%eth0`); keep it, it selects the interface.
  const zoneAt = bare.indexOf('%');
  const zone = zoneAt < 0 ? '' : bare.slice(zoneAt);
  try {
    return new SocketAddress({ address: bare, family: 'ipv6' }).address + zone;
  } catch {
    return undefined;
  }
}

/** The wildcard addresses that mean "every interface" when binding. */
export function isWildcardAddress(address: string): boolean {
  const bare = stripBrackets(address);
  return bare === '0.0.0.0' || bare === '::';
}
