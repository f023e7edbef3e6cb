import { Buffer } from 'node:buffer';

/**
 * `s` as a flat string of its own (same characters), holding no reference to a larger
 * string it was sliced or concatenated from.
 *
 * Why: V8 makes a substring (every header value a SIP parser hands out, drachtio-srf's
 * included) a "sliced string" that points at the whole message text, and a concatenation a
 * "cons string" that points at its parts. A short value kept long after its message (a
 * transaction key for 32 s, a Call-ID in a user's recent calls, a cache key) then keeps the
 * whole message alive: the recent calls of 200 users held 10,000 INVITEs (~7 MB) that way in
 * the trunk-users load (load-tests/RESULTS.md). A new string with the same characters pins
 * nothing (test/unit/shared/own-string.test.ts checks the memory effect, so a V8 that behaves
 * otherwise fails the build rather than silently pinning memory again).
 */
export function ownString(s: string): string {
  // Under 13 characters V8 copies a substring outright: one new flat string.
  if (s.length < SLICE_MIN) return (' ' + s).slice(1);
  // Longer, a slice would be a second object (a sliced string over the flattened copy): a
  // UTF-8 round trip gives one flat string instead. It is exact for every string without
  // a lone surrogate (all of SIP text, which arrives as decoded UTF-8); others keep the slice.
  const copy = Buffer.from(s, 'utf8').toString('utf8');
  return copy === s ? copy : (' ' + s).slice(1);
}

/** V8's SlicedString::kMinLength: shorter substrings are copied. */
const SLICE_MIN = 13;
