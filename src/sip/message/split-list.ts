/**
 * Splitting a header value at its top-level commas (RFC 3261 §7.3.1): a comma inside
 * a quoted-string (display names, `;param="a,b"`) or inside `<...>` (a URI's user part
 * may contain `,`, RFC 4475 §3.1.1.2) does not separate values.
 */
import { trimLws } from './char-classes.js';

/**
 * All elements, LWS-trimmed, including empty ones, so that validators can reject
 * `;;,;,,` (RFC 4475 §3.1.2.1). An unterminated quote or `<` swallows the rest.
 */
export function splitHeaderList(value: string): string[] {
  if (value.indexOf(',') < 0) return [trimLws(value)];
  const out: string[] = [];
  let from = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x3c) {
      inAngle = true;
    } else if (c === 0x3e) {
      inAngle = false;
    } else if (c === 0x2c && !inAngle) {
      out.push(trimLws(value.slice(from, i)));
      from = i + 1;
    }
  }
  out.push(trimLws(value.slice(from)));
  return out;
}
