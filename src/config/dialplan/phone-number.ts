/**
 * Phone numbers in dialplans: read with libphonenumber-js's full metadata (lengths and
 * ranges per country, not just digit counts) and normalised to E.164, so that the rest
 * of linegate compares one spelling of each number.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Issues, Path } from './issues.js';
import type { E164 } from './types.js';

export const E164_EXAMPLE = '+14155550100';

/** Whether libphonenumber-js knows the country (ISO 3166-1 alpha-2). */
export function isKnownCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/** `+14155550100`, `(415) 555-0100` with country US, … → E.164, or undefined if not a valid number. */
export function toE164(text: string, country: CountryCode | undefined): E164 | undefined {
  const number = parsePhoneNumberFromString(text, country);
  if (!number || number.ext !== undefined || !number.isValid()) return undefined;
  return number.number;
}

/** toE164, recording an issue at path when the number is not valid. */
export function checkNumber(text: string, path: Path, country: CountryCode | undefined, issues: Issues): E164 | undefined {
  const e164 = toE164(text, country);
  if (e164 === undefined) {
    issues.add(path, `${JSON.stringify(text)} is not a valid E.164 number`, `write the number in E.164 form, e.g. ${E164_EXAMPLE}`);
  }
  return e164;
}
