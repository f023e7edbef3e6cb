/**
 * The one SOSL request per uncached number, and how its rows become a caller.
 *
 * `FIND {…} IN PHONE FIELDS` searches every phone-typed field (SOQL and SOSL Reference,
 * "IN SearchGroup": PHONE FIELDS = "Search only phone number fields"), Fax and HomePhone
 * included. linegate matches on Phone and MobilePhone plus the configured extra fields only,
 * so RETURNING asks for those fields and each row is kept only when one of them is the
 * caller's number (phone-number.ts samePhoneNumber).
 *
 * Precedence (issue #4): Contact before Account before Lead; within one object the most
 * recently modified record wins. An Account match names the caller's company and gives
 * accountId, but no WhoId (a Task's WhoId is a Contact or a Lead).
 */
import { LinegateError } from '../../shared/index.js';
import { samePhoneNumber, soslPhoneTerm } from './phone-number.js';
import type { ResolvedCaller } from './resolved-caller.js';

export const SEARCHED_OBJECTS = ['Contact', 'Account', 'Lead'] as const;
export type SearchedObject = (typeof SEARCHED_OBJECTS)[number];

const STANDARD_PHONE_FIELDS: Readonly<Record<SearchedObject, readonly string[]>> = {
  Contact: ['Phone', 'MobilePhone'],
  Account: ['Phone'],
  Lead: ['Phone', 'MobilePhone'],
};
const RESULT_FIELDS: Readonly<Record<SearchedObject, readonly string[]>> = {
  Contact: ['Id', 'Name', 'AccountId', 'LastModifiedDate'],
  Account: ['Id', 'Name', 'LastModifiedDate'],
  Lead: ['Id', 'Name', 'LastModifiedDate'],
};

export type PhoneFields = Readonly<Record<SearchedObject, readonly string[]>>;

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Phone fields per object: the standard ones plus `extra`, where "Contact.HomePhone" names
 * one object's field and an unqualified "Direct_Line__c" is a field all three objects have.
 */
export function phoneFieldsFor(extra: readonly string[] = []): PhoneFields {
  const fields = { Contact: [...STANDARD_PHONE_FIELDS.Contact], Account: [...STANDARD_PHONE_FIELDS.Account], Lead: [...STANDARD_PHONE_FIELDS.Lead] };
  for (const spec of extra) {
    const [first, second, ...rest] = spec.split('.');
    const objects = second === undefined ? SEARCHED_OBJECTS : SEARCHED_OBJECTS.filter((o) => o === first);
    const field = second ?? first ?? '';
    if (rest.length > 0 || objects.length === 0 || !API_NAME.test(field)) {
      throw new LinegateError('INVALID_CONFIG', `extra phone field ${JSON.stringify(spec)}: use Field__c or Contact|Account|Lead.Field`);
    }
    for (const o of objects) if (!fields[o].includes(field)) fields[o].push(field);
  }
  return fields;
}

export function callerSosl(e164: string, phoneFields: PhoneFields): string {
  const returning = SEARCHED_OBJECTS.map((o) => `${o}(${[...RESULT_FIELDS[o], ...phoneFields[o]].join(', ')})`).join(', ');
  return `FIND {${soslPhoneTerm(e164)}} IN PHONE FIELDS RETURNING ${returning}`;
}

/** A row of `searchRecords` in the SOSL response. */
export interface SearchRow {
  readonly attributes?: { readonly type?: string };
  readonly [field: string]: unknown;
}

/** The caller, or undefined when no row has the number in a searched field. */
export function pickCaller(rows: readonly SearchRow[], e164: string, defaultCountry: string, phoneFields: PhoneFields): ResolvedCaller | undefined {
  const best = (object: SearchedObject): SearchRow | undefined => rows
    .filter((r) => r.attributes?.type === object && typeof r['Id'] === 'string')
    .filter((r) => phoneFields[object].some((f) => typeof r[f] === 'string' && samePhoneNumber(r[f], e164, defaultCountry)))
    .reduce<SearchRow | undefined>((a, r) => (a === undefined || modifiedAt(r) > modifiedAt(a) ? r : a), undefined);
  const contact = best('Contact');
  if (contact) return { e164, whoId: str(contact['Id']), whoType: 'Contact', name: str(contact['Name']), accountId: str(contact['AccountId']) };
  const account = best('Account');
  if (account) return { e164, accountId: str(account['Id']), name: str(account['Name']) };
  const lead = best('Lead');
  if (lead) return { e164, whoId: str(lead['Id']), whoType: 'Lead', name: str(lead['Name']) };
  return undefined;
}

/** Salesforce datetimes look like 2024-05-01T10:00:00.000+0000; Date.parse wants +00:00. */
export function modifiedAt(row: SearchRow): number {
  const raw = row['LastModifiedDate'];
  if (typeof raw !== 'string') return Number.NEGATIVE_INFINITY;
  const t = Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
