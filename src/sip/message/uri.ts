/**
 * SIP/SIPS URIs (RFC 3261 §19.1, grammar §25.1), tel URIs (RFC 3966, number and
 * `;params` only) and URIs of any other scheme, which are kept as scheme + opaque
 * part so that a UAS can still decide on 416 (RFC 3261 §8.2.2.1).
 *
 * Components stay %-escaped as written; unescapeUriPart() decodes them when needed.
 * For schemes other than sip/sips/tel, `host` holds the opaque scheme-specific part.
 */
import type { SipUri } from './types.js';
import {
  HOSTNAME,
  IPV6,
  OPAQUE,
  PARAMCHAR,
  PASSWORD,
  SCHEME,
  URI_HEADERS,
  USER,
  allIn,
  isDigit,
} from './char-classes.js';
import { formatParams, type Params } from './params.js';

export function parseUri(s: string): SipUri | null {
  const colon = s.indexOf(':');
  if (colon <= 0 || !isScheme(s, colon)) return null;
  const scheme = s.slice(0, colon).toLowerCase();
  const rest = s.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') return parseTelUri(rest) ?? parseOpaqueUri(scheme, rest);
  return parseOpaqueUri(scheme, rest);
}

function isScheme(s: string, end: number): boolean {
  const first = s.charCodeAt(0) | 0x20;
  return first >= 0x61 && first <= 0x7a && allIn(SCHEME, s, 0, end);
}

function parseSipUri(scheme: string, rest: string): SipUri | null {
  // `@` can appear neither in the host part nor (unescaped) in params or headers,
  // while user may contain `;` and `?` (RFC 4475 §3.1.1.2, §3.1.1.9): the first `@`
  // ends the userinfo.
  const at = rest.indexOf('@');
  const uri: SipUri = { scheme, host: '', params: [] };
  if (at >= 0 && !parseUserinfo(rest.slice(0, at), uri)) return null;
  const hostEnd = parseHostport(rest, at + 1, uri);
  if (hostEnd < 0) return null;
  const q = rest.indexOf('?', hostEnd);
  const paramsEnd = q < 0 ? rest.length : q;
  if (paramsEnd > hostEnd) {
    const params = parseUriParams(rest, hostEnd, paramsEnd);
    if (params === null) return null;
    uri.params = params;
  }
  if (q >= 0) {
    const headers = rest.slice(q + 1);
    if (headers.length > 0 && !allIn(URI_HEADERS, headers)) return null;
    uri.headers = headers;
  }
  return uri;
}

function parseUserinfo(userinfo: string, uri: SipUri): boolean {
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  if (!allIn(USER, user)) return false;
  uri.user = user;
  if (colon >= 0) {
    const password = userinfo.slice(colon + 1);
    if (password.length > 0 && !allIn(PASSWORD, password)) return false;
    uri.password = password;
  }
  return true;
}

/** Parses host[:port] at s[i]; returns the index after it (at `;`, `?` or end), or -1. */
function parseHostport(s: string, i: number, uri: SipUri): number {
  let j: number;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0 || !allIn(IPV6, s, i + 1, close)) return -1;
    j = close + 1;
  } else {
    j = i;
    while (j < s.length && isHostChar(s.charCodeAt(j))) j++;
    if (j === i) return -1;
  }
  uri.host = s.slice(i, j);
  if (s.charCodeAt(j) === 0x3a) {
    const portStart = j + 1;
    j = portStart;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    const port = parsePort(s.slice(portStart, j));
    if (port === undefined) return -1;
    uri.port = port;
  }
  if (j < s.length) {
    const c = s.charCodeAt(j);
    if (c !== 0x3b && c !== 0x3f) return -1;
  }
  return j;
}

function isHostChar(code: number): boolean {
  return code < 128 && HOSTNAME[code] === 1;
}

/** port = 1*DIGIT; a value that no transport can use (> 65535) is a syntax error here. */
export function parsePort(digits: string): number | undefined {
  if (digits.length === 0 || digits.length > 5) return undefined;
  const port = Number(digits);
  return port <= 65535 ? port : undefined;
}

/** uri-parameters between s[start] (a `;`) and end: `;name[=value]` with paramchars. */
function parseUriParams(s: string, start: number, end: number): Params | null {
  const params: Params = [];
  let i = start;
  while (i < end) {
    if (s.charCodeAt(i) !== 0x3b) return null;
    let next = s.indexOf(';', i + 1);
    if (next < 0 || next > end) next = end;
    const eq = s.indexOf('=', i + 1);
    if (eq >= 0 && eq < next) {
      if (!allIn(PARAMCHAR, s, i + 1, eq)) return null;
      if (eq + 1 < next && !allIn(PARAMCHAR, s, eq + 1, next)) return null;
      params.push([s.slice(i + 1, eq), s.slice(eq + 1, next)]);
    } else {
      if (!allIn(PARAMCHAR, s, i + 1, next)) return null;
      params.push([s.slice(i + 1, next), null]);
    }
    i = next;
  }
  return params;
}

/** tel: the number up to the first `;`, then uri-style params (RFC 3966 §3). */
function parseTelUri(rest: string): SipUri | null {
  const semi = rest.indexOf(';');
  const numberEnd = semi < 0 ? rest.length : semi;
  if (!allIn(OPAQUE, rest, 0, numberEnd)) return null;
  const params = semi < 0 ? [] : parseUriParams(rest, semi, rest.length);
  if (params === null) return null;
  return { scheme: 'tel', host: rest.slice(0, numberEnd), params };
}

function parseOpaqueUri(scheme: string, rest: string): SipUri | null {
  if (!allIn(OPAQUE, rest)) return null;
  return { scheme, host: rest, params: [] };
}

export function formatUri(u: SipUri): string {
  let s = `${u.scheme}:`;
  if (u.user !== undefined) {
    s += u.user;
    if (u.password !== undefined) s += `:${u.password}`;
    s += '@';
  }
  s += u.host;
  if (u.port !== undefined) s += `:${u.port}`;
  s += formatParams(u.params);
  if (u.headers !== undefined) s += `?${u.headers}`;
  return s;
}
