/**
 * parseMessage: bytes → SipMessage (RFC 3261 §7, grammar §25). Never throws.
 *
 * The header section is located in the Buffer (so that the body is framed in bytes,
 * §20.14), decoded once as UTF-8 and cut into lines; the body is a copy of exactly
 * Content-Length bytes.
 */
import type { ParseErrorCode, ParseResult, SipHeader, SipMessage } from './types.js';
import { parseStartLine, type StartLine } from './start-line.js';
import { parseHeaderLines, withoutCr } from './header-lines.js';
import { headerKey } from './headers.js';
import { isDigits, trimLws } from './char-classes.js';
import { parseBoundedInt } from './cseq.js';

export interface ParseOptions {
  /** Larger buffers are refused with TOO_LARGE. Default 65535. */
  maxSize?: number;
  /**
   * The buffer is one UDP datagram (RFC 3261 §18.3): without Content-Length the body
   * is the rest of the datagram. Otherwise it is a frame cut by a stream framer, for
   * which a missing Content-Length means an empty body (Content-Length is mandatory
   * on streams, §20.14). In both cases octets after the body are ignored.
   */
  datagram?: boolean;
}

export const DEFAULT_MAX_SIZE = 65535;
const EMPTY_BODY = Buffer.alloc(0);
const LF_CRLF = Buffer.from('\n\r\n');
const LF_LF = Buffer.from('\n\n');

export function parseMessage(buf: Buffer, opts: ParseOptions = {}): ParseResult {
  try {
    return parseFrame(buf, opts.maxSize ?? DEFAULT_MAX_SIZE, opts.datagram === true);
  } catch {
    // Defence in depth only: nothing below is expected to throw.
    return fail('BAD_HEADER', 'unparsable message');
  }
}

function fail(code: ParseErrorCode, error: string, partial?: SipMessage): ParseResult {
  return partial === undefined ? { ok: false, code, error } : { ok: false, code, error, partial };
}

interface Head {
  /** Offset of the LF that ends the last header line (exclusive end of the head). */
  end: number;
  bodyStart: number;
  /** False when no empty line was found. */
  complete: boolean;
}

/** Finds the empty line (CRLF CRLF, or LF LF from sloppy senders) after the headers. */
function findHead(buf: Buffer, start: number): Head {
  const crlf = buf.indexOf(LF_CRLF, start);
  const limit = crlf < 0 ? buf.length : crlf;
  const lf = buf.subarray(start, limit).indexOf(LF_LF);
  if (lf >= 0) return { end: start + lf, bodyStart: start + lf + 2, complete: true };
  if (crlf >= 0) return { end: crlf, bodyStart: crlf + 3, complete: true };
  return { end: buf.length, bodyStart: buf.length, complete: false };
}

function parseFrame(buf: Buffer, maxSize: number, datagram: boolean): ParseResult {
  if (buf.length > maxSize) return fail('TOO_LARGE', `message of ${buf.length} bytes exceeds ${maxSize}`);
  // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives).
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= buf.length) return fail('EMPTY', 'no message');
  const head = findHead(buf, start);
  const lines = buf.toString('utf8', start, head.end).split('\n');
  const sl = parseStartLine(withoutCr(lines[0] ?? ''));
  const hl = parseHeaderLines(lines, 1);
  if (!sl.ok) {
    const partial = sl.liberal === undefined ? undefined : build(sl.liberal, hl.headers, EMPTY_BODY);
    return fail(sl.code, sl.error, partial);
  }
  const partial = build(sl.line, hl.headers, EMPTY_BODY);
  if (hl.error !== undefined) return fail('BAD_HEADER', hl.error, partial);
  if (!head.complete) return fail('BAD_HEADER', 'no empty line after the headers', partial);
  const available = buf.length - head.bodyStart;
  const length = bodyLength(hl.headers, datagram ? available : 0);
  if (typeof length === 'string') return fail('BAD_CONTENT_LENGTH', length, partial);
  if (length > available) {
    return fail('TRUNCATED_BODY', `Content-Length ${length} but ${available} bytes follow`, partial);
  }
  const body = length === 0 ? EMPTY_BODY : Buffer.from(buf.subarray(head.bodyStart, head.bodyStart + length));
  return { ok: true, message: build(sl.line, hl.headers, body) };
}

/**
 * The body length from Content-Length, `whenAbsent` without one, or an error text:
 * not 1*DIGIT (RFC 4475 §3.1.2.3) or several lines that disagree (§3.3.9).
 */
function bodyLength(headers: SipHeader[], whenAbsent: number): number | string {
  let length: number | undefined;
  for (const h of headers) {
    if (h.name.length !== 1 && h.name.length !== 14) continue;
    if (headerKey(h.name) !== 'content-length') continue;
    const v = trimLws(h.value);
    if (!isDigits(v)) return `Content-Length is not a number: ${v.slice(0, 20)}`;
    // Above any maxSize: report it as larger than the message, not as malformed.
    const n = parseBoundedInt(v, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER;
    if (length !== undefined && n !== length) return 'differing Content-Length values';
    length = n;
  }
  return length ?? whenAbsent;
}

function build(line: StartLine, headers: SipHeader[], body: Buffer): SipMessage {
  if (line.type === 'request') {
    return { type: 'request', method: line.method, uri: line.uri, version: line.version, headers, body };
  }
  return { type: 'response', status: line.status, reason: line.reason, version: line.version, headers, body };
}
