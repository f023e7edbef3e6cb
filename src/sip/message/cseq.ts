/**
 * CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16).
 *
 * §8.1.1.5: the number "MUST be expressible as a 32-bit unsigned integer and MUST be
 * less than 2**31". We send < 2^31 but accept up to 2^32-1 from peers; anything
 * larger is rejected (RFC 4475 §3.1.2.4/§3.1.2.5), never wrapped.
 */
import type { CSeq } from './types.js';
import { isDigit, isToken, isWsp, trimLws } from './char-classes.js';

export const MAX_CSEQ = 0xffffffff;

export function parseCSeq(s: string): CSeq | null {
  const v = trimLws(s);
  let i = 0;
  while (i < v.length && isDigit(v.charCodeAt(i))) i++;
  if (i === 0 || i === v.length || !isWsp(v.charCodeAt(i))) return null;
  const seq = parseBoundedInt(v.slice(0, i), MAX_CSEQ);
  if (seq === undefined) return null;
  let j = i;
  while (j < v.length && isWsp(v.charCodeAt(j))) j++;
  const method = v.slice(j);
  return isToken(method) ? { seq, method } : null;
}

export function formatCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}

/**
 * A string of digits (leading zeros allowed, `0068`) as a number ≤ max; undefined
 * when not all digits or too large. Never loses precision: overlong strings are
 * rejected before Number() sees them.
 */
export function parseBoundedInt(digits: string, max: number): number | undefined {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 0x30) i++;
  const significant = digits.slice(i);
  if (significant.length === 0 || significant.length > 15) return undefined;
  for (let k = 0; k < significant.length; k++) if (!isDigit(significant.charCodeAt(k))) return undefined;
  const n = Number(significant);
  return n <= max ? n : undefined;
}
