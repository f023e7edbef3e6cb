/**
 * Reads the Content-Length of a header block without parsing the message: the stream
 * framer needs only this one number to find where a message ends (RFC 3261 §18.3).
 */
import type { StreamFramingErrorCode } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const MINUS = 0x2d;
const CRLF = Buffer.from('\r\n', 'latin1');

/** Digits beyond this cannot be a sane size; the value is then reported as Infinity. */
const MAX_DIGITS = 15;

export type ContentLengthResult =
  | { ok: true; length: number }
  | { ok: false; code: StreamFramingErrorCode; detail: string };

/**
 * Finds the Content-Length (or compact `l`, RFC 3261 §7.3.3) header in the header block
 * `buf[start, end)`, where `end` is the offset of the CRLFCRLF that closes the block.
 * Names are case-insensitive, whitespace may surround the colon (HCOLON) and the value
 * may be folded over several lines (RFC 3261 §7.3.1). Repeating the header with the same
 * value is tolerated; two different values make the message boundary ambiguous.
 */
export function readContentLength(buf: Buffer, start: number, end: number): ContentLengthResult {
  let found: number | undefined;
  // Skip the start line: a Request-URI like `sip:l:5@host` must never match a header.
  let pos = buf.indexOf(CRLF, start);
  while (pos >= 0 && pos < end) {
    const lineStart = pos + 2;
    const logicalEnd = endOfHeader(buf, lineStart, end);
    const colon = contentLengthColon(buf, lineStart, logicalEnd);
    if (colon >= 0) {
      const value = parseValue(buf, colon + 1, logicalEnd);
      if (!value.ok) return value;
      if (found !== undefined && found !== value.length) {
        return { ok: false, code: 'content-length-conflict', detail: `Content-Length ${found} and ${value.length}` };
      }
      found = value.length;
    }
    pos = logicalEnd;
  }
  if (found === undefined) {
    return { ok: false, code: 'content-length-missing', detail: 'Content-Length is mandatory on a stream (RFC 3261 §18.3)' };
  }
  return { ok: true, length: found };
}

/** Offset of the CRLF that ends the header starting at `lineStart`, continuation lines included. */
function endOfHeader(buf: Buffer, lineStart: number, end: number): number {
  let lineEnd = buf.indexOf(CRLF, lineStart);
  // The block is closed by CRLFCRLF at `end`, so a CRLF is always found at or before it.
  while (lineEnd >= 0 && lineEnd < end) {
    const next = buf[lineEnd + 2];
    if (next !== SP && next !== HTAB) break;
    lineEnd = buf.indexOf(CRLF, lineEnd + 2);
  }
  return lineEnd < 0 || lineEnd > end ? end : lineEnd;
}

/** Offset of the colon when the header is Content-Length or `l`, else -1. */
function contentLengthColon(buf: Buffer, lineStart: number, lineEnd: number): number {
  const first = buf[lineStart] ?? 0;
  const lower = first | 0x20;
  if (lower !== 0x6c /* l */ && lower !== 0x63 /* c */) return -1;
  let nameEnd = lineStart;
  while (nameEnd < lineEnd) {
    const b = buf[nameEnd];
    if (b === COLON || b === SP || b === HTAB) break;
    nameEnd++;
  }
  let colon = nameEnd;
  while (colon < lineEnd && (buf[colon] === SP || buf[colon] === HTAB)) colon++;
  if (buf[colon] !== COLON || colon >= lineEnd) return -1;
  const length = nameEnd - lineStart;
  if (length === 1) return lower === 0x6c ? colon : -1;
  if (length !== 14) return -1;
  return buf.toString('latin1', lineStart, nameEnd).toLowerCase() === 'content-length' ? colon : -1;
}

function isLws(b: number | undefined): boolean {
  return b === SP || b === HTAB || b === CR || b === LF;
}

/** Parses `SWS 1*DIGIT SWS` in `buf[from, to)`. */
function parseValue(buf: Buffer, from: number, to: number): ContentLengthResult {
  let i = from;
  while (i < to && isLws(buf[i])) i++;
  let last = to;
  while (last > i && isLws(buf[last - 1])) last--;
  const text = (): string => JSON.stringify(buf.toString('latin1', from, to).trim());
  if (i === last) return { ok: false, code: 'content-length-invalid', detail: 'empty Content-Length' };
  if (buf[i] === MINUS) return { ok: false, code: 'content-length-negative', detail: `Content-Length ${text()}` };
  let value = 0;
  for (let j = i; j < last; j++) {
    const d = (buf[j] ?? 0) - 0x30;
    if (d < 0 || d > 9) return { ok: false, code: 'content-length-invalid', detail: `Content-Length ${text()}` };
    value = value * 10 + d;
  }
  return { ok: true, length: last - i > MAX_DIGITS ? Infinity : value };
}
