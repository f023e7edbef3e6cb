/**
 * name-addr / addr-spec values of From, To, Contact, Route, Record-Route, Reply-To,
 * Refer-To… (RFC 3261 §20.10, §25.1):
 *
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *
 * Without `<>`, everything after the first `;` is a header parameter, never a URI
 * parameter (§20.10; RFC 4475 §3.3.12 vs §3.3.13), and a URI containing `,`, `?` or
 * `;` cannot be written that way at all.
 */
import type { NameAddr } from './types.js';
import { TOKEN, endOfQuoted, hasWsp, inTable, isWsp, quote, skipWsp, trimLws, unquote } from './char-classes.js';
import { formatParams, getParam, parseHeaderParams } from './params.js';
import { parseUri } from './uri.js';

/** Parses one value (split lists first, see getHeaderValues); null when malformed. */
export function parseNameAddr(s: string): NameAddr | null {
  let i = skipWsp(s, 0);
  let displayName: string | undefined;
  if (s.charCodeAt(i) === 0x22) {
    const end = endOfQuoted(s, i);
    if (end < 0) return null; // unterminated quoted string (RFC 4475 §3.1.2.6)
    displayName = unquote(s.slice(i, end));
    i = skipWsp(s, end);
    if (s.charCodeAt(i) !== 0x3c) return null;
  } else {
    // display-name = *(token LWS): scan tokens; only a `<` right after them makes
    // this a name-addr. Anything else (`Bell, Alexander <…>`, RFC 4475 §3.1.2.15)
    // is read as an addr-spec and fails there.
    let j = i;
    while (j < s.length && (inTable(TOKEN, s.charCodeAt(j)) || isWsp(s.charCodeAt(j)))) j++;
    if (s.charCodeAt(j) === 0x3c) {
      const name = trimLws(s.slice(i, j));
      if (name.length > 0) displayName = name;
      i = j;
    }
  }
  const addr = s.charCodeAt(i) === 0x3c ? readBracketed(s, i) : readAddrSpec(s, i);
  if (addr === null) return null;
  const params = parseHeaderParams(s, addr.end);
  if (params === null) return null;
  const result: NameAddr = { uri: addr.uri, params };
  if (displayName !== undefined) result.displayName = displayName;
  return result;
}

interface AddrPart {
  uri: string;
  end: number;
}

function readBracketed(s: string, lt: number): AddrPart | null {
  const gt = s.indexOf('>', lt + 1);
  if (gt < 0) return null;
  const uri = s.slice(lt + 1, gt);
  // No LWS inside <> (RFC 4475 §3.1.2.14): a space there is not part of any URI.
  if (hasWsp(uri) || parseUri(uri) === null) return null;
  return { uri, end: gt + 1 };
}

function readAddrSpec(s: string, start: number): AddrPart | null {
  let j = start;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 0x3b || isWsp(c)) break;
    // `?` and `,` require the <> form (§20.10; RFC 4475 §3.1.2.13).
    if (c === 0x3f || c === 0x2c || c === 0x3c || c === 0x3e || c === 0x22) return null;
    j++;
  }
  const uri = s.slice(start, j);
  if (parseUri(uri) === null) return null;
  return { uri, end: j };
}

/** Always writes the `<>` form, which is valid for every URI; display names are quoted. */
export function formatNameAddr(na: NameAddr): string {
  const name = na.displayName === undefined ? '' : `${quote(na.displayName)} `;
  return `${name}<${na.uri}>${formatParams(na.params)}`;
}

/** The tag parameter of a From/To value, or undefined (absent, valueless or unparsable). */
export function tagOf(nameAddr: string): string | undefined {
  const parsed = parseNameAddr(nameAddr);
  if (parsed === null) return undefined;
  const tag = getParam(parsed.params, 'tag');
  return typeof tag === 'string' ? tag : undefined;
}
