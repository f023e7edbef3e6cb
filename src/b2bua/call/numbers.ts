/**
 * Numbers at the edge of the call path: dial strings and caller numbers from SIP URIs to
 * E.164 with libphonenumber-js (the user's / domain's default country), and E.164 to the
 * form a trunk wants in its Request-URI.
 *
 * libphonenumber-js parses with its full metadata, ~10 µs a number, and every call has
 * a caller and a dialled number (issue #3 load: 2.5 % of the app's CPU). The answers depend
 * on the input and the country only, so they are kept in a BoundedCache; the callers of a
 * business line and its own numbers repeat, and the cap keeps memory flat when they do not.
 */
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { NumberingPlan } from '../../call/index.js';
import { NANP_NUMBERING } from '../../call/index.js';
import { BoundedCache } from '../../shared/index.js';

export { BoundedCache };

/** Dial strings this short are extensions or service numbers (911), never normalised. */
const MAX_SHORT_NUMBER = 6;

/** Entries of the numbers cache; with keys of at most MAX_CACHED_LENGTH characters, a few MB at most. */
export const NUMBER_CACHE_SIZE = 20_000;

/** Longer inputs (no phone number is) are answered without the cache, so that they cannot fill it. */
export const MAX_CACHED_LENGTH = 64;

/** The cache of normaliseDialled and trunkNumber answers (exported for its tests: read its size only). */
export const numberCache = new BoundedCache<string>(NUMBER_CACHE_SIZE);

/** `fn` of (input, country) through numberCache; the key names the function and the country unambiguously. */
function cached(kind: string, input: string, country: string, fn: (input: string, country: string) => string): string {
  if (input.length > MAX_CACHED_LENGTH) return fn(input, country);
  const key = `${kind}${country.length}:${country}:${input}`;
  let value = numberCache.get(key);
  if (value === undefined) {
    value = fn(input, country);
    numberCache.set(key, value);
  }
  return value;
}

const plans = new Map<string, NumberingPlan>();

/** The core's numbering plan for a country; NANP prefixes for +1, ITU defaults ('00', '0') elsewhere. */
export function numberingFor(country: string): NumberingPlan {
  let plan = plans.get(country);
  if (plan === undefined) {
    plan = planFor(country);
    // Country codes are a closed set (a few hundred), but the argument is a string: stay bounded.
    if (plans.size < 1000) plans.set(country, plan);
  }
  return plan;
}

function planFor(country: string): NumberingPlan {
  if (!isSupportedCountry(country)) return NANP_NUMBERING;
  const cc = getCountryCallingCode(country);
  if (cc === '1') return NANP_NUMBERING;
  return Object.freeze({ countryCode: cc, internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 });
}

/**
 * E.164 for a dialled or presented number when libphonenumber-js reads it as a possible
 * number of `country`; otherwise the digits as given (extensions, emergency numbers, and
 * strings the core will answer 484 for). Never throws.
 */
export function normaliseDialled(raw: string, country: string): string {
  return cached('d', raw, country, normaliseDialledUncached);
}

/** normaliseDialled without the cache (its reference in tests and the bench). */
export function normaliseDialledUncached(raw: string, country: string): string {
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
  return cached('n', e164, country, nationalUncached);
}

function nationalUncached(e164: string, country: string): string {
  const parsed = isSupportedCountry(country) ? parsePhoneNumberFromString(e164) : undefined;
  return parsed && parsed.country === country ? parsed.nationalNumber : e164.slice(1);
}
