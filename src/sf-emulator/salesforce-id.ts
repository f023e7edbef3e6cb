/**
 * Salesforce record Ids: 15 case-sensitive characters whose first three are the object's key
 * prefix, and the 18-character case-insensitive form that appends a 3-character checksum of
 * the capitalisation. Object Reference, 'ID Field Type'
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/field_types.htm#i1435616):
 * "the 18-character version ... has a case-safe suffix"; the prefixes (001 Account,
 * 003 Contact, 005 User, 006 Opportunity, 00Q Lead, 00T Task, 00D Organization) are the
 * standard objects' key prefixes returned by describe (`keyPrefix`).
 */

export const KEY_PREFIXES: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  Organization: '00D',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[0-9A-Za-z]+$/;

/** The 3-character case-safe suffix: one character per 5-character chunk, bit i set when char i is upper case. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(flags);
  }
  return suffix;
}

/**
 * A 15- or 18-character Id in its 18-character form, or undefined when the text is not an Id
 * at all (what Salesforce answers with MALFORMED_ID). An 18-character Id whose suffix does not
 * match its first 15 characters is malformed too.
 */
export function normalizeId(text: string): string | undefined {
  if (!ID_CHARS.test(text)) return undefined;
  if (text.length === 15) return text + idSuffix(text);
  if (text.length !== 18) return undefined;
  const id15 = text.slice(0, 15);
  return text.slice(15).toUpperCase() === idSuffix(id15) ? id15 + idSuffix(id15) : undefined;
}

/** The sObject type an (18-character) Id belongs to, from its key prefix. */
export function typeOfId(id: string): string | undefined {
  const prefix = id.slice(0, 3);
  for (const [type, p] of Object.entries(KEY_PREFIXES)) if (p === prefix) return type;
  return undefined;
}

/** Hands out Ids for one org: key prefix + a pod-like "5e0" + a 9-digit base-62 counter + suffix. */
export class IdFactory {
  private counter = 0;

  next(type: string): string {
    const prefix = KEY_PREFIXES[type];
    if (!prefix) throw new RangeError(`no key prefix for sObject type ${type}`);
    this.counter += 1;
    let n = this.counter;
    let digits = '';
    for (let i = 0; i < 9; i++) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    const id15 = `${prefix}5e0${digits}`;
    return id15 + idSuffix(id15);
  }
}
