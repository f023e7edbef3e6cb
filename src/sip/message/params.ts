/**
 * `;name=value` parameter lists, shared by name-addr (header params), Via and URIs.
 * Values are kept exactly as written (a quoted-string keeps its quotes) so that a
 * formatted value gives back what the peer sent.
 */
import { GEN_VALUE, TOKEN, endOfQuoted, inTable, skipWsp } from './char-classes.js';
import { unescapeUriPart } from './unescape.js';

/** A parameter without `=` has value null. */
export type Params = Array<[string, string | null]>;

/**
 * Parses `*( SEMI generic-param )` from s[start] to the end of s, with the LWS that
 * SEMI and EQUAL allow (RFC 3261 §25.1). Returns null on an empty name (`;;`),
 * an unterminated quoted value or any trailing garbage.
 */
export function parseHeaderParams(s: string, start: number): Params | null {
  const params: Params = [];
  let i = skipWsp(s, start);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b) return null;
    i = skipWsp(s, i + 1);
    const nameStart = i;
    while (i < s.length && inTable(TOKEN, s.charCodeAt(i))) i++;
    if (i === nameStart) return null;
    const name = s.slice(nameStart, i);
    i = skipWsp(s, i);
    if (s.charCodeAt(i) !== 0x3d) {
      params.push([name, null]);
      continue;
    }
    i = skipWsp(s, i + 1);
    const valueEnd = s.charCodeAt(i) === 0x22 ? endOfQuoted(s, i) : scanGenValue(s, i);
    if (valueEnd < 0) return null;
    params.push([name, s.slice(i, valueEnd)]);
    i = skipWsp(s, valueEnd);
  }
  return params;
}

function scanGenValue(s: string, i: number): number {
  while (i < s.length && inTable(GEN_VALUE, s.charCodeAt(i))) i++;
  return i;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

function sameName(a: string, b: string): boolean {
  if (a.length === b.length && a.toLowerCase() === b.toLowerCase()) return true;
  // URI parameter names may be %-escaped (`%6C%72` is `lr`, RFC 4475 §3.1.1.3);
  // RFC 3261 §19.1.4 compares them unescaped.
  if (a.indexOf('%') < 0 && b.indexOf('%') < 0) return false;
  return unescapeUriPart(a).toLowerCase() === unescapeUriPart(b).toLowerCase();
}

/**
 * The value of the first parameter called `name` (case-insensitive, escapes undone
 * for the comparison): a string, null for a flag parameter, undefined when absent.
 */
export function getParam(params: Params, name: string): string | null | undefined {
  for (const [n, v] of params) if (sameName(n, name)) return v;
  return undefined;
}

/** Sets (in place) the first parameter called `name`, removing any others; appends if absent. */
export function setParam(params: Params, name: string, value: string | null): void {
  let found = false;
  for (let i = 0; i < params.length; i++) {
    const entry = params[i];
    if (entry === undefined || !sameName(entry[0], name)) continue;
    if (found) {
      params.splice(i, 1);
      i--;
    } else {
      params[i] = [entry[0], value];
      found = true;
    }
  }
  if (!found) params.push([name, value]);
}

/** Removes (in place) every parameter called `name`; returns how many were removed. */
export function removeParam(params: Params, name: string): number {
  let removed = 0;
  for (let i = params.length - 1; i >= 0; i--) {
    const entry = params[i];
    if (entry !== undefined && sameName(entry[0], name)) {
      params.splice(i, 1);
      removed++;
    }
  }
  return removed;
}
