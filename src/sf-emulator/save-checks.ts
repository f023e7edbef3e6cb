/**
 * The checks Salesforce runs on a record being saved, after the fields themselves parsed:
 * required fields, references, the Task who/what rule, validation rules and unique indexes.
 *
 * - Required: REQUIRED_FIELD_MISSING "Required fields are missing: [LastName]" (SOAP API
 *   Developer Guide, 'StatusCode'; the AllOrNoneHeader sample fails a Contact without LastName).
 * - References: a value that is not an Id → MALFORMED_ID; an Id of the wrong object →
 *   FIELD_INTEGRITY_EXCEPTION "id value of incorrect type"; an Id of the right object that does
 *   not exist → INVALID_CROSS_REFERENCE_KEY "invalid cross reference id" (the three cases as
 *   observed in 'Demystifying Invalid Cross Reference Id errors', salto.io, 2022).
 * - Task: WhoId is a Contact or a Lead, WhatId a non-person record (Object Reference, 'Task');
 *   "If whoId is related to lead, Salesforce does not allow the whatId field to contain any
 *   value" (rioeducation.com, 'Salesforce Activity WhatID & WhoID'); the refusal is a
 *   FIELD_INTEGRITY_EXCEPTION naming WhoId/WhatId (zynbit.com, 'What does Field Integrity
 *   Exception mean?'). The message text is the emulator's own.
 * - Validation rules: FIELD_CUSTOM_VALIDATION_EXCEPTION with the rule's message (Salesforce
 *   Help, 'Validation Rules'; code from 'StatusCode').
 * - Unique fields: DUPLICATE_VALUE "duplicate value found: <field> duplicates value on record
 *   with id: <id>" ('StatusCode').
 */
import { sfError } from './api-errors.js';
import type { SfError } from './api-errors.js';
import type { RecordView, SfValue, ValidationRule } from './emulator-options.js';
import type { OrgSchema } from './org-schema.js';
import type { OrgStore } from './org-store.js';
import { normalizeId, typeOfId } from './salesforce-id.js';
import type { SObjectDef } from './standard-objects.js';

/** Fields that must have a value: not nillable, not defaulted, written by the client. */
export function missingRequired(def: SObjectDef, fields: Readonly<Record<string, SfValue>>): SfError | undefined {
  const missing = def.fields
    .filter((fd) => fd.createable && !fd.nillable && !fd.defaultedOnCreate && !fd.calculated)
    .filter((fd) => fields[fd.name] === undefined || fields[fd.name] === null)
    .map((fd) => fd.name);
  return missing.length > 0 ? sfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing) : undefined;
}

/**
 * Checks every reference field among `changed` and rewrites its value to the 18-character Id.
 * Returns the first error.
 */
export function checkReferences(def: SObjectDef, store: OrgStore, changed: Record<string, SfValue>): SfError | undefined {
  for (const fd of def.fields) {
    const raw = changed[fd.name];
    if (fd.type !== 'reference' || typeof raw !== 'string') continue;
    const id = normalizeId(raw);
    if (!id) return sfError('MALFORMED_ID', `${fd.label}: id value of incorrect type: ${raw}`, [fd.name]);
    const target = typeOfId(id);
    if (!target || !fd.referenceTo?.includes(target)) {
      return sfError('FIELD_INTEGRITY_EXCEPTION', `${fd.label}: id value of incorrect type: ${raw}`, [fd.name]);
    }
    if (!store.get(target, id)) return sfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [fd.name]);
    changed[fd.name] = id;
  }
  return undefined;
}

/** Rules of the standard objects themselves (not configurable). */
export function checkObjectRules(def: SObjectDef, fields: Readonly<Record<string, SfValue>>): SfError | undefined {
  if (def.name !== 'Task') return undefined;
  const who = fields['WhoId'];
  const what = fields['WhatId'];
  if (typeof who === 'string' && typeOfId(who) === 'Lead' && typeof what === 'string') {
    return sfError('FIELD_INTEGRITY_EXCEPTION', 'Related To ID: a task whose Name ID is a lead cannot be related to another record', ['WhatId']);
  }
  return undefined;
}

export function checkValidationRules(
  def: SObjectDef,
  rules: readonly ValidationRule[],
  view: RecordView,
  operation: 'create' | 'update',
): SfError | undefined {
  for (const rule of rules) {
    if (rule.sobject.toLowerCase() !== def.name.toLowerCase()) continue;
    if (rule.condition(view, operation)) {
      return sfError('FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.errorMessage, rule.errorField ? [rule.errorField] : []);
    }
  }
  return undefined;
}

/** A unique field whose new value is already on another record. */
export function checkUnique(
  def: SObjectDef,
  schema: OrgSchema,
  store: OrgStore,
  changed: Readonly<Record<string, SfValue>>,
  selfId: string | undefined,
): SfError | undefined {
  for (const fd of schema.indexedFields(def.name)) {
    const value = changed[fd.name];
    if (!fd.unique || value === undefined || value === null) continue;
    const other = store.findBy(def.name, { name: fd.name, caseSensitive: fd.caseSensitive ?? false }, value).find((id) => id !== selfId);
    if (other) {
      return sfError('DUPLICATE_VALUE', `duplicate value found: ${fd.name} duplicates value on record with id: ${other}`, [fd.name]);
    }
  }
  return undefined;
}
