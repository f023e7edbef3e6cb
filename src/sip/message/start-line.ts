/**
 * The start line (RFC 3261 §7.1, §7.2):
 *
 *   Request-Line = Method SP Request-URI SP SIP-Version
 *   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase
 *
 * Strict: exactly one SP between elements, no LWS inside the Request-URI. RFC 4475
 * §3.1.2.8-10 allow rejecting extra or embedded whitespace with 400, and a request
 * whose start line fails strictly is still read liberally (`liberal`) so that the
 * caller has a partial message to answer 400 with, without forwarding the odd form.
 */
import type { ParseErrorCode } from './types.js';
import { hasWsp, isDigit, isToken, isWsp, trimLws } from './char-classes.js';
import { StringInterner } from '../../shared/index.js';

/**
 * Methods as shared strings: a request's method ends up on records kept 32 s after the call
 * (~23,000 copies of "INVITE" at 360 calls/s). Bounded, so extension methods cannot grow it.
 */
const methods = new StringInterner(64);

export type StartLine =
  | { type: 'request'; method: string; uri: string; version: string }
  | { type: 'response'; version: string; status: number; reason: string };

export type StartLineResult =
  | { ok: true; line: StartLine }
  | { ok: false; code: ParseErrorCode; error: string; liberal?: StartLine };

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; case-insensitive (§7.1). */
export function isSipVersion(v: string): boolean {
  if (v.length < 7 || v.slice(0, 4).toUpperCase() !== 'SIP/') return false;
  const dot = v.indexOf('.', 4);
  return dot > 4 && allDigits(v, 4, dot) && allDigits(v, dot + 1, v.length);
}

function allDigits(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

export function parseStartLine(line: string): StartLineResult {
  // A bare CR would end the line for the next parser of what we forward.
  if (line.indexOf('\r') >= 0) return { ok: false, code: 'BAD_START_LINE', error: 'bare CR in start line' };
  if (line.length >= 4 && line.slice(0, 4).toUpperCase() === 'SIP/') return parseStatusLine(line);
  return parseRequestLine(line);
}

function parseStatusLine(line: string): StartLineResult {
  const sp = line.indexOf(' ');
  if (sp < 0) return { ok: false, code: 'BAD_START_LINE', error: 'status line without status code' };
  const version = line.slice(0, sp);
  if (!isSipVersion(version)) return { ok: false, code: 'BAD_VERSION', error: 'malformed SIP-Version' };
  let end = sp + 1;
  while (end < line.length && isDigit(line.charCodeAt(end))) end++;
  // Exactly 3 digits: a long digit run (4294967301, RFC 4475 §3.1.2.19) must not wrap.
  const status = end - sp - 1 === 3 ? Number(line.slice(sp + 1, end)) : NaN;
  if (!(status >= 100 && status <= 699)) return { ok: false, code: 'BAD_STATUS', error: 'status code not in 100..699' };
  if (end < line.length && line.charCodeAt(end) !== 0x20) {
    return { ok: false, code: 'BAD_STATUS', error: 'status code not followed by SP' };
  }
  // Reason-Phrase may be empty (RFC 4475 §3.1.1.13) and is kept as written.
  const reason = end < line.length ? line.slice(end + 1) : '';
  return { ok: true, line: { type: 'response', version, status, reason } };
}

function parseRequestLine(line: string): StartLineResult {
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  const method = sp1 < 0 ? line : line.slice(0, sp1);
  if (!isToken(method)) return { ok: false, code: 'BAD_START_LINE', error: 'method is not a token' };
  if (sp1 < 0 || sp2 === sp1) return { ok: false, code: 'BAD_START_LINE', error: 'request line needs 3 elements' };
  const uri = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (uri.length === 0 || hasWsp(uri)) {
    return { ok: false, code: 'BAD_START_LINE', error: 'whitespace in request line', liberal: liberalRequest(line) };
  }
  if (!isSipVersion(version)) {
    return { ok: false, code: 'BAD_VERSION', error: 'malformed SIP-Version', liberal: liberalRequest(line) };
  }
  return { ok: true, line: { type: 'request', method: methods.intern(method), uri, version } };
}

/**
 * Method = first word, version = last word, Request-URI = what lies between, trimmed
 * (embedded LWS kept, so checkRequest still sees it). Undefined for fewer than 3 words.
 */
function liberalRequest(line: string): StartLine | undefined {
  const t = trimLws(line);
  let a = 0;
  while (a < t.length && !isWsp(t.charCodeAt(a))) a++;
  let b = t.length;
  while (b > a && !isWsp(t.charCodeAt(b - 1))) b--;
  const uri = trimLws(t.slice(a, b));
  if (uri.length === 0) return undefined;
  return { type: 'request', method: methods.intern(t.slice(0, a)), uri, version: t.slice(b) };
}
