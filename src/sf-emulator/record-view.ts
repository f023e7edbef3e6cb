/**
 * Reading a stored record as the API shows it: system fields (Id, CreatedDate, SystemModstamp …),
 * fields the platform computes (a person's Name, Task.AccountId, Task.IsClosed) and the stored
 * ones, under canonical names, with `attributes { type, url }` in responses.
 *
 * Task.AccountId — Object Reference, 'Task', AccountId: "If the value of WhatId is … Account,
 * Opportunity … Salesforce uses that object's AccountId. If the value of the WhatId field is any
 * other object, and the value of the WhoId field is a Contact object, then Salesforce uses that
 * contact's AccountId … Otherwise, Salesforce sets the value of the AccountId field to null."
 */
import type { RecordView, SfValue } from './emulator-options.js';
import { formatDateTime } from './field-values.js';
import type { OrgRecord, OrgStore } from './org-store.js';
import { typeOfId } from './salesforce-id.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';

export function fieldValue(store: OrgStore, record: OrgRecord, name: string): SfValue {
  switch (name) {
    case 'Id':
      return record.id;
    case 'IsDeleted':
      return false;
    case 'CreatedDate':
      return formatDateTime(record.createdAt);
    case 'LastModifiedDate':
    case 'SystemModstamp':
      return formatDateTime(record.modifiedAt);
    case 'CreatedById':
      return record.createdById;
    case 'LastModifiedById':
      return record.modifiedById;
    default:
      return computedValue(store, record, name);
  }
}

function computedValue(store: OrgStore, record: OrgRecord, name: string): SfValue {
  const stored = record.fields;
  if (name === 'Name' && (record.type === 'Contact' || record.type === 'Lead' || record.type === 'User')) {
    return [stored['FirstName'], stored['LastName']].filter((p) => typeof p === 'string' && p !== '').join(' ') || null;
  }
  if (record.type === 'Task' && name === 'IsClosed') return stored['Status'] === 'Completed';
  if (record.type === 'Task' && name === 'AccountId') return taskAccountId(store, record);
  return stored[name] ?? null;
}

function taskAccountId(store: OrgStore, task: OrgRecord): SfValue {
  const what = task.fields['WhatId'];
  if (typeof what === 'string') {
    const whatType = typeOfId(what);
    if (whatType === 'Account') return what;
    if (whatType === 'Opportunity') return store.get('Opportunity', what)?.fields['AccountId'] ?? null;
  }
  const who = task.fields['WhoId'];
  if (typeof who === 'string' && typeOfId(who) === 'Contact') return store.get('Contact', who)?.fields['AccountId'] ?? null;
  return null;
}

/** Every listed field's value, keyed by canonical name. */
export function viewOf(store: OrgStore, record: OrgRecord, fields: readonly FieldDef[]): RecordView {
  const out: Record<string, SfValue> = {};
  for (const fd of fields) out[fd.name] = fieldValue(store, record, fd.name);
  return out;
}

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** A record as REST returns it: attributes first, then the requested fields in order. */
export function formatRecord(store: OrgStore, def: SObjectDef, record: OrgRecord, fields: readonly FieldDef[], version: string): Record<string, unknown> {
  return { attributes: { type: def.name, url: recordUrl(version, def.name, record.id) }, ...viewOf(store, record, fields) };
}
