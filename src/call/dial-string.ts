/**
 * Dial strings to E.164 (ITU-T E.164: '+', country code, at most 15 digits), with the few
 * rules a business line needs. The shell may have normalised already (libphonenumber-js);
 * E.164 input passes through unchanged.
 */
import type { NumberingPlan } from './policy.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const DIGITS = /^\d+$/;

/** Removes the visual separators phones and people put in numbers (RFC 3966 §5.1.1 lists them). */
export function stripVisualSeparators(raw: string): string {
  return raw.replace(/[\s\-.()]/g, '');
}

export function isE164(s: string): boolean {
  return E164.test(s);
}

/** The E.164 form of a dial string, or null when it is not a complete number. */
export function normaliseNumber(raw: string, plan: NumberingPlan): string | null {
  const s = stripVisualSeparators(raw);
  if (isE164(s)) return s;
  if (!DIGITS.test(s)) return null;
  const intl = plan.internationalPrefix;
  if (intl !== '' && s.startsWith(intl)) return e164OrNull(`+${s.slice(intl.length)}`);
  const nat = plan.nationalPrefix;
  if (nat !== '' && s.startsWith(nat) && s.length === nat.length + plan.nationalNumberLength) {
    return e164OrNull(`+${plan.countryCode}${s.slice(nat.length)}`);
  }
  if (s.length === plan.nationalNumberLength) return e164OrNull(`+${plan.countryCode}${s}`);
  return null;
}

/** International = outside the home country code (in NANP that counts Canada as domestic). */
export function isInternational(e164: string, plan: NumberingPlan): boolean {
  return !e164.startsWith(`+${plan.countryCode}`);
}

/**
 * True when `number` equals one of `numbers` or starts with one of `prefixes`, comparing both
 * the raw string and its E.164 form so lists written either way match.
 */
export function matchesNumberList(
  number: string,
  plan: NumberingPlan,
  numbers: readonly string[],
  prefixes: readonly string[],
): boolean {
  if (numbers.length === 0 && prefixes.length === 0) return false; // the usual empty block list: nothing to normalise
  const forms = numberForms(number, plan);
  const listed = new Set(numbers.flatMap((n) => numberForms(n, plan)));
  return forms.some((f) => listed.has(f) || prefixes.some((p) => p !== '' && f.startsWith(p)));
}

function numberForms(raw: string, plan: NumberingPlan): string[] {
  const stripped = stripVisualSeparators(raw);
  const e164 = normaliseNumber(raw, plan);
  return e164 === null || e164 === stripped ? [stripped] : [stripped, e164];
}

function e164OrNull(s: string): string | null {
  return isE164(s) ? s : null;
}
