/**
 * The header section: `name HCOLON value` lines with folding undone (RFC 3261 §7.3.1).
 *
 * A continuation line (starting with SP or HTAB) belongs to the previous header; the
 * whole LWS (trailing WSP, line break, leading WSP) becomes one SP. A malformed line
 * is skipped and reported, so that the well-formed ones can still serve a 400.
 */
import type { SipHeader } from './types.js';
import { isToken, isWsp, trimLws } from './char-classes.js';

export interface HeaderLines {
  headers: SipHeader[];
  /** The first problem found, if any. */
  error?: string;
}

function trimEnd(s: string): string {
  let b = s.length;
  while (b > 0 && isWsp(s.charCodeAt(b - 1))) b--;
  return b === s.length ? s : s.slice(0, b);
}

/** Strips the CR of a CRLF line end (bare LF line ends are tolerated). */
export function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/** lines[first..] are the header lines, each without its LF (a trailing CR is removed here). */
export function parseHeaderLines(lines: string[], first: number): HeaderLines {
  const result: HeaderLines = { headers: [] };
  let name: string | undefined;
  let value = '';
  const flush = (): void => {
    if (name !== undefined) result.headers.push({ name, value: trimLws(value) });
    name = undefined;
  };
  const fail = (error: string): void => {
    flush();
    result.error ??= error;
  };
  for (let k = first; k < lines.length; k++) {
    const line = withoutCr(lines[k] ?? '');
    // A bare CR inside a line would become a line break for the next parser that
    // reads what we forward (header injection); refuse it here.
    if (line.length === 0 || line.indexOf('\r') >= 0) {
      fail('empty line or bare CR in header section');
    } else if (isWsp(line.charCodeAt(0))) {
      if (name === undefined) fail('continuation line without a header');
      else value = `${trimEnd(value)} ${trimLws(line)}`;
    } else {
      flush();
      const colon = line.indexOf(':');
      const headerName = colon < 0 ? '' : trimEnd(line.slice(0, colon));
      if (!isToken(headerName)) fail(`malformed header line ${k}`);
      else {
        name = headerName;
        value = line.slice(colon + 1);
      }
    }
  }
  flush();
  return result;
}
