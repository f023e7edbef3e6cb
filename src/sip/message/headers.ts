/**
 * Access to the ordered header list of a SipMessage by header name.
 *
 * Names compare case-insensitively and compact forms equal their full names
 * (RFC 3261 §7.3.3). Lines keep the spelling they were written with; functions
 * that add a line use the name they are given.
 */
import type { SipHeader, SipMessage } from './types.js';
import { splitHeaderList } from './split-list.js';

/**
 * Compact forms: RFC 3261 §20 (i m e l c f s k t v), RFC 6665/3265 (o u), RFC 3515
 * (r), RFC 3892 (b), RFC 4028 (x), RFC 4474 (y n), RFC 3841 (a j d).
 */
const COMPACT = new Map<string, string>([
  ['i', 'call-id'],
  ['m', 'contact'],
  ['e', 'content-encoding'],
  ['l', 'content-length'],
  ['c', 'content-type'],
  ['f', 'from'],
  ['s', 'subject'],
  ['k', 'supported'],
  ['t', 'to'],
  ['v', 'via'],
  ['o', 'event'],
  ['u', 'allow-events'],
  ['r', 'refer-to'],
  ['b', 'referred-by'],
  ['x', 'session-expires'],
  ['y', 'identity'],
  ['n', 'identity-info'],
  ['a', 'accept-contact'],
  ['j', 'reject-contact'],
  ['d', 'request-disposition'],
]);

/**
 * Headers whose values are not comma-separated lists: the credentials and
 * challenges (commas separate auth-params, RFC 3261 §25.1), Date (`Sat, 13 Nov…`),
 * comment-bearing ones, and every single-valued header, whose value may legitimately
 * contain a comma (a quoted display name) or must be judged whole (RFC 4475 §3.1.2.15).
 */
const NOT_LISTS = new Set([
  'www-authenticate',
  'authorization',
  'proxy-authenticate',
  'proxy-authorization',
  'authentication-info',
  'date',
  'retry-after',
  'call-id',
  'cseq',
  'from',
  'to',
  'max-forwards',
  'content-length',
  'content-type',
  'content-disposition',
  'expires',
  'min-expires',
  'mime-version',
  'organization',
  'priority',
  'reply-to',
  'server',
  'subject',
  'timestamp',
  'user-agent',
  'refer-to',
  'referred-by',
  'replaces',
  'event',
  'subscription-state',
  'session-expires',
  'min-se',
  'rack',
  'rseq',
  'sip-etag',
  'sip-if-match',
  'identity',
  'identity-info',
]);

/** Lower-case full header name: `V` → `via`, `Call-ID` → `call-id`. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT.get(lower) ?? lower;
  return lower;
}

/** Whether getHeaderValues splits this header at commas. */
export function isListHeader(name: string): boolean {
  return !NOT_LISTS.has(headerKey(name));
}

/** Compares a written header name with a key from headerKey() without allocating. */
function matches(name: string, key: string): boolean {
  if (name.length === 1) return headerKey(name) === key;
  if (name.length !== key.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== key.charCodeAt(i)) return false;
  }
  return true;
}

/** The value of the first line of that header. */
export function getHeader(m: SipMessage, name: string): string | undefined {
  const key = headerKey(name);
  for (const h of m.headers) if (matches(h.name, key)) return h.value;
  return undefined;
}

/** The values of every line of that header, in order, one entry per line. */
export function getHeaderLines(m: SipMessage, name: string): string[] {
  const key = headerKey(name);
  const out: string[] = [];
  for (const h of m.headers) if (matches(h.name, key)) out.push(h.value);
  return out;
}

/**
 * All values of a header across all its lines: list headers are split at top-level
 * commas and empty elements are dropped; other headers give one value per line.
 */
export function getHeaderValues(m: SipMessage, name: string): string[] {
  const key = headerKey(name);
  const list = !NOT_LISTS.has(key);
  const out: string[] = [];
  for (const h of m.headers) {
    if (!matches(h.name, key)) continue;
    if (!list) {
      out.push(h.value);
      continue;
    }
    for (const v of splitHeaderList(h.value)) if (v.length > 0) out.push(v);
  }
  return out;
}

export function countHeaderLines(m: SipMessage, name: string): number {
  const key = headerKey(name);
  let n = 0;
  for (const h of m.headers) if (matches(h.name, key)) n++;
  return n;
}

/** Replaces every line of that header with one line at the position of the first (or at the end). */
export function setHeader(m: SipMessage, name: string, value: string): void {
  const key = headerKey(name);
  const first = m.headers.findIndex((h) => matches(h.name, key));
  const line: SipHeader = { name, value };
  if (first < 0) {
    m.headers.push(line);
    return;
  }
  m.headers[first] = line;
  removeMatching(m.headers, key, first + 1);
}

/** Removes, in place, the lines matching key from index `from` on; returns the count. */
function removeMatching(headers: SipHeader[], key: string, from: number): number {
  let kept = from;
  for (let i = from; i < headers.length; i++) {
    const h = headers[i];
    if (h !== undefined && !matches(h.name, key)) headers[kept++] = h;
  }
  const removed = headers.length - kept;
  headers.length = kept;
  return removed;
}

/**
 * Adds a line. `top` puts it above the first line of the same header (so a new Via
 * becomes the topmost, RFC 3261 §8.1.1.7) or first of all; `bottom` puts it below
 * the last line of the same header, or last of all.
 */
export function addHeader(m: SipMessage, name: string, value: string, where: 'top' | 'bottom' = 'bottom'): void {
  const key = headerKey(name);
  const line: SipHeader = { name, value };
  if (where === 'top') {
    const first = m.headers.findIndex((h) => matches(h.name, key));
    m.headers.splice(first < 0 ? 0 : first, 0, line);
    return;
  }
  let last = -1;
  for (let i = 0; i < m.headers.length; i++) if (matches(m.headers[i]?.name ?? '', key)) last = i;
  if (last < 0) m.headers.push(line);
  else m.headers.splice(last + 1, 0, line);
}

/** Removes every line of that header (in place); returns how many were removed. */
export function removeHeader(m: SipMessage, name: string): number {
  return removeMatching(m.headers, headerKey(name), 0);
}
