/**
 * %-unescaping of URI components (RFC 3261 §19.1.2, RFC 3986 §2.1).
 *
 * Escapes decode to octets and the octets are read as UTF-8. `%00` yields a real
 * U+0000 character: nothing is truncated at NUL (RFC 4475 §3.1.1.4). A `%` not
 * followed by two hex digits is not an escape and stays as written (RFC 4475 §3.1.1.5).
 */

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

export function unescapeUriPart(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1] ?? 0);
      const lo = hexValue(bytes[i + 2] ?? 0);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.toString('utf8', 0, n);
}
