/**
 * Reading the SIP text an app sends over the wire and applying drachtio-server's
 * rules for app-supplied headers (wire protocol §7.2).
 */
import { parseMessage } from '../message/index.js';
import type { SipHeader, SipMessage } from '../message/index.js';

/** Headers the stack owns: an app can never set them (§7.2). */
const STACK_OWNED = new Set(['via', 'route', 'record-route', 'rseq', 'content-length', 'v', 'l']);

const TOKEN_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export type AppMessageResult = { ok: true; message: SipMessage } | { ok: false; error: string };

/**
 * The server splits at the first CRLFCRLF and takes everything after it as the body:
 * the Content-Length an app supplies is ignored (§2), because srf computes it from the
 * JS string length rather than the byte length.
 */
export function parseAppMessage(text: string): AppMessageResult {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text.replace(/\r\n$/, '') : text.slice(0, end);
  const body = end < 0 ? Buffer.alloc(0) : Buffer.from(text.slice(end + 4), 'utf8');
  const lines = head.split('\r\n');
  const kept: string[] = [lines[0] ?? ''];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    // A line without ':' or with a non-token name is dropped, as the server does (§7.2).
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!TOKEN_NAME.test(name)) continue;
    if (STACK_OWNED.has(name.toLowerCase())) continue;
    kept.push(line);
  }
  const parsed = parseMessage(Buffer.from(kept.join('\r\n') + '\r\n\r\n', 'utf8'), { datagram: true });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  parsed.message.body = body;
  return { ok: true, message: parsed.message };
}

/** Names whose RFC spelling the simple rule below would get wrong. */
const CANONICAL = new Map(['RAck', 'RSeq', 'CSeq', 'Call-ID', 'WWW-Authenticate', 'SIP-ETag', 'SIP-If-Match', 'MIME-Version', 'P-Asserted-Identity']
  .map((n) => [n.toLowerCase(), n]));

/**
 * Extension header names are re-cased the way sofia does (first letter and each letter
 * after '-' upper-cased), except X- headers, which apps often match case-sensitively.
 */
export function recaseHeaderName(name: string): string {
  if (name.length > 1 && (name[0] === 'X' || name[0] === 'x') && name[1] === '-') return name;
  const canonical = CANONICAL.get(name.toLowerCase());
  if (canonical) return canonical;
  let out = '';
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch;
    upper = ch === '-';
  }
  return out;
}

/** `@localhost` in From/To/Contact/P-Asserted-Identity means "this server" (§7.2). */
export function rewriteLocalhost(value: string, hostport: string): string {
  return value.includes('@localhost') ? value.split('@localhost').join(`@${hostport}`) : value;
}

export function extraHeaders(m: SipMessage, skip: ReadonlySet<string>): SipHeader[] {
  return m.headers.filter((h) => !skip.has(h.name.toLowerCase()));
}
