/**
 * Trunk source addresses: an IPv4/IPv6 address (a /32 or /128) or a CIDR block.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { SourceNetwork } from './types.js';

export type SourceResult = { ok: true; source: SourceNetwork } | { ok: false; reason: string };

export function parseSource(text: string): SourceResult {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (family === undefined) {
    const hint = /^\[.*\]$/.test(address) ? 'IPv6 addresses are written without brackets' : 'it is neither an IPv4 nor an IPv6 address';
    return { ok: false, reason: hint };
  }
  if (address.includes('%')) return { ok: false, reason: 'a zone index (%eth0) cannot be used' };
  const max = family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(max) : text.slice(slash + 1);
  const prefixLength = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefixLength >= 0 && prefixLength <= max)) return { ok: false, reason: `the prefix length must be a number from 0 to ${max}` };
  const normalised = address.toLowerCase();
  return { ok: true, source: { cidr: `${normalised}/${prefixLength}`, address: normalised, prefixLength, family } };
}
