/**
 * `s` as a flat string of its own (same characters), holding no reference to a larger
 * string it was sliced or concatenated from.
 *
 * Why: V8 makes a substring (every header value a SIP parser hands out, drachtio-srf's
 * included) a "sliced string" that points at the whole message text, and a concatenation a
 * "cons string" that points at its parts. A short value kept long after its message (a
 * transaction key for 32 s, a Call-ID in a user's recent calls, a cache key) then keeps the
 * whole message alive: the recent calls of 200 users held 10,000 INVITEs (~7 MB) that way in
 * the trunk-users load (load-tests/RESULTS.md). Prepending a character makes a cons string;
 * slicing it forces V8 to flatten that into a new sequential string, and the slice refers to
 * that copy only (test/unit/shared/own-string.test.ts checks the memory effect, so a V8 that
 * behaves otherwise fails the build rather than silently pinning memory again).
 */
export function ownString(s: string): string {
  return (' ' + s).slice(1);
}
