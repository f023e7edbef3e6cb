/**
 * How a SOSL term matches a phone field. Salesforce stores phone numbers as typed
 * (Salesforce Help, 'Standard Phone field length and formatting', article 000385963: "Salesforce
 * preserves whichever phone number format you enter") and its search finds them by the number
 * whatever the formatting: the SOAP API's 'Sample search Call' searches phone fields with a
 * bare "4155551212" and expects Contacts, Leads and Accounts holding that number.
 *
 * The emulator compares digit strings: a stored number matches when its digits equal the
 * term's, or when one is the other with a 1–3 digit country code in front (so "+1 415-555-0100"
 * and "4155550100" match each other) and the shorter has at least 8 digits (so a
 * 7-digit local number never matches a number with an area code). Salesforce's exact
 * tokenisation of phone numbers is not documented; this rule is an approximation that is
 * deliberately no looser than "same number, with or without country code".
 */

export function phoneDigits(text: string): string {
  return text.replace(/\D/g, '');
}

export function phoneMatches(storedDigits: string, termDigits: string): boolean {
  if (storedDigits === '' || termDigits === '') return false;
  if (storedDigits === termDigits) return true;
  const [shorter, longer] = storedDigits.length < termDigits.length ? [storedDigits, termDigits] : [termDigits, storedDigits];
  return shorter.length >= 8 && longer.length - shorter.length <= 3 && longer.endsWith(shorter);
}
