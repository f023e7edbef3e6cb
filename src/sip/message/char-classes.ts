/**
 * Character classes of the RFC 3261 §25.1 grammar as 128-entry lookup tables.
 *
 * Every parser in this folder scans untrusted input with these tables and index
 * arithmetic instead of regular expressions: the cost is linear in the input and no
 * pattern can backtrack.
 */

function table(extra: string, withAlnum = true): Uint8Array {
  const t = new Uint8Array(128);
  if (withAlnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (let i = 0; i < extra.length; i++) t[extra.charCodeAt(i)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~");
/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"; plus "%" (escaped). */
const UNRESERVED_ESCAPED = "-_.!~*'()%";
/** user = 1*( unreserved / escaped / user-unreserved ); user-unreserved = & = + $ , ; ? / */
export const USER = table(UNRESERVED_ESCAPED + '&=+$,;?/');
/** password = *( unreserved / escaped / & = + $ , ) */
export const PASSWORD = table(UNRESERVED_ESCAPED + '&=+$,');
/** paramchar = param-unreserved / unreserved / escaped; param-unreserved = [ ] / : & + $ */
export const PARAMCHAR = table(UNRESERVED_ESCAPED + '[]/:&+$');
/** hname / hvalue chars (hnv-unreserved = [ ] / ? : + $) plus the `=` and `&` separators. */
export const URI_HEADERS = table(UNRESERVED_ESCAPED + '[]/?:+$=&');
/** hostname / IPv4address characters; `_` is tolerated because real DNS names carry it. */
export const HOSTNAME = table('-._');
/** Inside an IPv6 reference `[...]`: hex digits, `:` and `.` (IPv4-mapped tail). */
export const IPV6 = table(':.0123456789abcdefABCDEF', false);
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (first char checked separately). */
export const SCHEME = table('+-.');
/** gen-value = token / host / quoted-string: token chars plus the host-only `[ ] :`. */
export const GEN_VALUE = table("-.!%*_+`'~[]:");
/** Opaque part of a URI in another scheme: visible ASCII except the delimiters `< > " \`. */
export const OPAQUE = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 0x21; c < 0x7f; c++) t[c] = 1;
  for (const ch of '<>"\\') t[ch.charCodeAt(0)] = 0;
  return t;
})();

export function inTable(t: Uint8Array, code: number): boolean {
  return code < 128 && t[code] === 1;
}

/** True when every char of s[start, end) is in table t (and the range is not empty). */
export function allIn(t: Uint8Array, s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) return false;
  }
  return true;
}

export function isToken(s: string): boolean {
  return allIn(TOKEN, s);
}

export function isWsp(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

export function skipWsp(s: string, i: number): number {
  while (i < s.length && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Trims SP and HTAB only. String.prototype.trim would also eat U+FEFF and other
 * Unicode spaces, which are legitimate header content (RFC 4475 §3.1.1.2 sends a BOM).
 */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function hasWsp(s: string): boolean {
  return s.indexOf(' ') >= 0 || s.indexOf('\t') >= 0;
}

/**
 * Index just past the closing DQUOTE of the quoted-string starting at s[i] (which
 * must be `"`), honouring quoted-pairs (RFC 3261 §25.1); -1 when unterminated.
 */
export function endOfQuoted(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) j += 2;
    else if (c === 0x22) return j + 1;
    else j++;
  }
  return -1;
}

/** Removes the quotes of a quoted-string and undoes its quoted-pairs. */
export function unquote(quoted: string): string {
  const inner = quoted.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner.charCodeAt(i) === 0x5c) {
      parts.push(inner.slice(from, i));
      from = i + 1;
      i++;
    }
  }
  parts.push(inner.slice(from));
  return parts.join('');
}

/** Quotes a display name or parameter value, escaping `"` and `\` as quoted-pairs. */
export function quote(s: string): string {
  if (s.indexOf('"') < 0 && s.indexOf('\\') < 0) return `"${s}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) {
      out += s.slice(from, i) + '\\';
      from = i;
    }
  }
  return out + s.slice(from) + '"';
}
