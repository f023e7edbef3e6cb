/**
 * Numbers at the edge of the call path: dial strings and caller numbers from SIP URIs to
 * E.164 with libphonenumber-js (the user's / domain's default country), and E.164 to the
 * form a trunk wants in its Request-URI.
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { NumberingPlan } from '../../call/index.js';
import { NANP_NUMBERING } from '../../call/index.js';

/** Dial strings this short are extensions or service numbers (911), never normalised. */
const MAX_SHORT_NUMBER = 6;

/** The core's numbering plan for a country; NANP prefixes for +1, ITU defaults ('00', '0') elsewhere. */
export function numberingFor(country: string): NumberingPlan {
  if (!isSupportedCountry(country)) return NANP_NUMBERING;
  const cc = getCountryCallingCode(country);
  if (cc === '1') return NANP_NUMBERING;
  return { countryCode: cc, internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 };
}

/**
 * E.164 for a dialled or presented number when libphonenumber-js reads it as a possible
 * number of `country`; otherwise the digits as given (extensions, emergency numbers, and
 * strings the core will answer 484 for). Never throws.
 */
export function normaliseDialled(raw: string, country: string): string {
  const s = raw.replace(/[\s\-.()]/g, '');
  if (s === '' || (/^\d+$/.test(s) && s.length <= MAX_SHORT_NUMBER)) return s;
  if (!isSupportedCountry(country)) return s;
  const parsed = parsePhoneNumberFromString(s, country);
  return parsed && parsed.isPossible() ? parsed.number : s;
}

/** The user part a trunk expects (dialplan trunk.numberFormat). */
export function trunkNumber(e164: string, format: 'e164' | 'e164-without-plus' | 'national', country: string): string {
  if (!e164.startsWith('+')) return e164;
  if (format === 'e164') return e164;
  if (format === 'e164-without-plus') return e164.slice(1);
  const parsed = isSupportedCountry(country) ? parsePhoneNumberFromString(e164) : undefined;
  return parsed && parsed.country === country ? parsed.nationalNumber : e164.slice(1);
}
