/**
 * Phone numbers on the Salesforce side: callers arrive as E.164 (or are normalised to it
 * with libphonenumber-js and the deployment's default country); numbers stored in
 * Salesforce are free text in whatever format a user typed ("Salesforce preserves whatever
 * phone number format you enter", Salesforce Help 000385963), so both sides are compared as
 * numbers, never as strings.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

/** The digits of a number, every separator and the '+' dropped. */
export function phoneDigits(raw: string): string {
  return raw.replace(/\D/g, '');
}

function country(code: string): CountryCode | undefined {
  return isSupportedCountry(code) ? code : undefined;
}

/**
 * E.164 for a caller's number or a stored one ("(415) 555-0100" with country US →
 * "+14155550100"), or undefined when it is not a possible number (anonymous, extensions,
 * junk). An extension ("x123") is ignored: the main number is the caller.
 */
export function toE164(raw: string, defaultCountry: string): string | undefined {
  if (!/\d/.test(raw)) return undefined;
  const parsed = parsePhoneNumberFromString(raw, country(defaultCountry));
  return parsed && parsed.isPossible() ? parsed.number : undefined;
}

/** The national significant number of an E.164 number ("+14155550100" → "4155550100"). */
export function nationalDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.nationalNumber : phoneDigits(e164);
}

/**
 * Whether a number stored in Salesforce is the caller's. Stored numbers without a country
 * code are read in the default country; failing that (a foreign number written nationally,
 * e.g. "020 7946 0958" in a US org), the digits must be the national number, optionally
 * behind a trunk prefix '0', the country code, or an international prefix ('00', '011').
 */
export function samePhoneNumber(stored: string, e164: string, defaultCountry: string): boolean {
  if (toE164(stored, defaultCountry) === e164) return true;
  const d = phoneDigits(stored.replace(/\s*(?:x|ext\.?|#)\s*\d+\s*$/i, ''));
  const national = nationalDigits(e164);
  const full = phoneDigits(e164);
  if (d === national || d === `0${national}` || d === full) return true;
  return d.endsWith(full) && /^(00|011)$/.test(d.slice(0, d.length - full.length));
}

/**
 * SOSL reserved characters, escaped with a backslash (SOQL and SOSL Reference, "FIND
 * {SearchQuery}": ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + - are reserved).
 */
export function escapeSosl(text: string): string {
  return text.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (c) => `\\${c}`);
}

/** SOQL string literal escaping (SOQL and SOSL Reference, "Reserved Characters": ' and \). */
export function escapeSoql(text: string): string {
  return text.replace(/[\\']/g, (c) => `\\${c}`);
}

/**
 * The FIND term for a caller: the national significant number, digits only. Salesforce's
 * own search() sample (SOAP API Developer Guide, "Sample search Call") searches
 * `FIND {4155551212} IN Phone FIELDS` for contacts, leads and accounts whatever their stored
 * formatting: the search index tokenises phone fields by their digits, so "(415) 555-0100",
 * "+1 415-555-0100" and "4155550100" are all found by 4155550100. Searching the full
 * international digits (14155550100) would miss the national spellings, which are the
 * common case. We rely on that documented sample, not on a specification of the phone
 * tokenizer (none is published); the caller re-checks every hit with samePhoneNumber, so
 * a looser index can only cost a wasted row, never a wrong name.
 */
export function soslPhoneTerm(e164: string): string {
  return escapeSosl(nationalDigits(e164));
}
