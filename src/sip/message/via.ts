/**
 * One Via value (RFC 3261 §20.42, grammar §25.1):
 *
 *   sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 *
 * SLASH, COLON and SEMI allow whitespace on both sides (RFC 4475 §3.1.1.1 writes
 * `SIP  /   2.0 /UDP`); it is not kept.
 */
import type { Via } from './types.js';
import { HOSTNAME, IPV6, TOKEN, allIn, inTable, isDigit, isWsp, skipWsp } from './char-classes.js';
import { formatParams, parseHeaderParams } from './params.js';
import { parsePort } from './uri.js';

interface Cursor {
  s: string;
  i: number;
}

function readToken(c: Cursor): string | null {
  const start = c.i;
  while (c.i < c.s.length && inTable(TOKEN, c.s.charCodeAt(c.i))) c.i++;
  return c.i === start ? null : c.s.slice(start, c.i);
}

/** SWS sep SWS */
function expect(c: Cursor, sep: number): boolean {
  c.i = skipWsp(c.s, c.i);
  if (c.s.charCodeAt(c.i) !== sep) return false;
  c.i = skipWsp(c.s, c.i + 1);
  return true;
}

function readHost(c: Cursor): string | null {
  const start = c.i;
  if (c.s.charCodeAt(start) === 0x5b) {
    const close = c.s.indexOf(']', start);
    if (close < 0 || !allIn(IPV6, c.s, start + 1, close)) return null;
    c.i = close + 1;
  } else {
    while (c.i < c.s.length && inTable(HOSTNAME, c.s.charCodeAt(c.i))) c.i++;
    if (c.i === start) return null;
  }
  return c.s.slice(start, c.i);
}

export function parseVia(s: string): Via | null {
  const c: Cursor = { s, i: skipWsp(s, 0) };
  const name = readToken(c);
  if (name === null || !expect(c, 0x2f)) return null;
  const version = readToken(c);
  if (version === null || !expect(c, 0x2f)) return null;
  const transport = readToken(c);
  if (transport === null || !isWsp(s.charCodeAt(c.i))) return null;
  c.i = skipWsp(s, c.i);
  const host = readHost(c);
  if (host === null) return null;
  const via: Via = { protocol: `${name}/${version}`, transport: transport.toUpperCase(), host, params: [] };
  const afterHost = skipWsp(s, c.i);
  if (s.charCodeAt(afterHost) === 0x3a) {
    c.i = skipWsp(s, afterHost + 1);
    const portStart = c.i;
    while (c.i < s.length && isDigit(s.charCodeAt(c.i))) c.i++;
    const port = parsePort(s.slice(portStart, c.i));
    if (port === undefined) return null;
    via.port = port;
  }
  const params = parseHeaderParams(s, c.i);
  if (params === null) return null;
  via.params = params;
  return via;
}

export function formatVia(v: Via): string {
  const port = v.port === undefined ? '' : `:${v.port}`;
  return `${v.protocol}/${v.transport} ${v.host}${port}${formatParams(v.params)}`;
}
