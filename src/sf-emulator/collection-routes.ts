/**
 * sObject Collections. REST API Developer Guide, 'Create Records Using sObject Collections',
 * 'Update Records Using sObject Collections', 'Upsert Records Using sObject Collections':
 * - POST /composite/sobjects creates, PATCH /composite/sobjects updates (each record carries
 *   its id), PATCH /composite/sobjects/T/ExtField upserts (API 46.0+; records only of type T).
 * - "The list can contain up to 200 objects"; more is refused with 400 EXCEEDED_ID_LIMIT
 *   "record limit reached. cannot submit more than 200 records into this call".
 * - A well-formed request answers 200 with one result per record, in order:
 *   {id, success, errors[{statusCode, message, fields}]} (+ created for upserts).
 * - allOrNone (default false; forced on inside a composite request with allOrNone,
 *   'allOrNone Parameters in Composite and Collections Requests'): if any record fails, all
 *   are rolled back; the others report ALL_OR_NONE_OPERATION_ROLLED_BACK "Record rolled back
 *   because not all records were valid and the request was using AllOrNone header" (SOAP API
 *   Developer Guide, 'AllOrNoneHeader': "their errors fields indicate that they were rolled
 *   back due to other errors").
 * - Update without an id: MISSING_ARGUMENT "Id not specified in an update call"; an id of
 *   another object: MALFORMED_ID "<Type> ID: id value of incorrect type".
 * - Upsert: two records with the same external ID in one request both fail with
 *   DUPLICATE_EXTERNAL_ID; a value matching several stored records fails that record with
 *   DUPLICATE_EXTERNAL_ID (the 300 case of the single-record resource).
 */
import { errorReply, methodNotAllowed, notFound, recordError, sfError } from './api-errors.js';
import type { RestReply, SfError } from './api-errors.js';
import { badBody, isPlainObject, lockFault } from './rest-call.js';
import type { RestCall } from './rest-call.js';
import type { SaveResult, UpsertResult } from './record-writer.js';
import { normalizeId, typeOfId } from './salesforce-id.js';
import type { FieldDef } from './standard-objects.js';

export const COLLECTION_LIMIT = 200;

type Outcome = { readonly ok: true; readonly id: string; readonly created?: boolean } | { readonly ok: false; readonly id?: string; readonly errors: readonly SfError[] };
type Op = (record: Record<string, unknown>, index: number) => Outcome;

export function collectionRoute(call: RestCall): RestReply {
  const [, , typeName, fieldName, ...extra] = call.segments;
  if (extra.length > 0) return notFound();
  if (typeName === undefined) {
    if (call.method === 'POST') return runCollection(call, (r) => createOne(call, r));
    if (call.method === 'PATCH') return runCollection(call, (r) => updateOne(call, r));
    return methodNotAllowed(call.method, ['PATCH', 'POST']);
  }
  const def = call.org.schema.object(typeName);
  if (!def || fieldName === undefined || !call.user.access.object(def).read) return notFound();
  const fd = call.user.access.visibleField(call.org.schema, def, fieldName);
  if (!fd?.externalId) return errorReply(404, sfError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`));
  if (call.method !== 'PATCH') return methodNotAllowed(call.method, ['PATCH']);
  return runCollection(call, (r) => upsertOne(call, def.name, fd, r), (records) => duplicateExternalIds(records, fd));
}

function runCollection(call: RestCall, op: Op, precheck?: (records: readonly Record<string, unknown>[]) => Map<number, SfError>): RestReply {
  const body = call.body;
  if (!isPlainObject(body) || !Array.isArray(body['records']) || !body['records'].every(isPlainObject)) {
    return badBody('{"allOrNone": boolean, "records": [ {...}, … ]}');
  }
  const records = body['records'] as Record<string, unknown>[];
  if (records.length > COLLECTION_LIMIT) {
    return errorReply(400, sfError('EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`));
  }
  const allOrNone = call.inAllOrNone === true || body['allOrNone'] === true;
  const lock = lockFault(call);
  const preErrors = precheck?.(records) ?? new Map<number, SfError>();
  const { store } = call.org;
  if (allOrNone) store.begin();
  const outcomes = records.map((record, i): Outcome => {
    const pre = preErrors.get(i);
    if (pre) return { ok: false, errors: [pre] };
    if (lock && (!lock.recordIndexes || lock.recordIndexes.includes(i))) return { ok: false, errors: [lock.error] };
    return op(record, i);
  });
  const failed = outcomes.some((o) => !o.ok);
  if (allOrNone) {
    if (failed) store.rollback();
    else store.commit();
  }
  const upsert = call.segments.length === 4;
  return { status: 200, body: outcomes.map((o) => resultOf(o, allOrNone && failed, upsert)) };
}

const ROLLED_BACK = sfError('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header');

function resultOf(o: Outcome, rolledBack: boolean, upsert: boolean): Record<string, unknown> {
  if (o.ok && !rolledBack) return { id: o.id, success: true, errors: [], ...(upsert ? { created: o.created ?? false } : {}) };
  const errors = o.ok ? [ROLLED_BACK] : o.errors;
  return { ...(o.id && !(o.ok && o.created) ? { id: o.id } : {}), success: false, errors: errors.map(recordError) };
}

function fromSave(res: SaveResult | UpsertResult, id?: string): Outcome {
  if (res.ok === true) return { ok: true, id: res.record.id, created: res.created };
  if (res.ok === 'multiple') return { ok: false, errors: [sfError('DUPLICATE_EXTERNAL_ID', `more than one record found for external id field: [${res.ids.join(', ')}]`)] };
  return { ok: false, ...(id ? { id } : {}), errors: res.errors };
}

function splitRecord(record: Record<string, unknown>): { type: string | undefined; fields: Record<string, unknown> } {
  const { attributes, ...fields } = record;
  const type = isPlainObject(attributes) && typeof attributes['type'] === 'string' ? attributes['type'] : undefined;
  return { type, fields };
}

const missingType = (): Outcome => ({ ok: false, errors: [sfError('INVALID_TYPE', 'Each record must have an attributes map with a value for type')] });

function createOne(call: RestCall, record: Record<string, unknown>): Outcome {
  const { type, fields } = splitRecord(record);
  if (!type) return missingType();
  return fromSave(call.org.writer.create(type, fields, call.org.actor(call.user)));
}

function updateOne(call: RestCall, record: Record<string, unknown>): Outcome {
  const { type, fields } = splitRecord(record);
  if (!type) return missingType();
  const idKey = Object.keys(fields).find((k) => k.toLowerCase() === 'id');
  const rawId = idKey ? fields[idKey] : undefined;
  if (typeof rawId !== 'string' || rawId === '') return { ok: false, errors: [sfError('MISSING_ARGUMENT', 'Id not specified in an update call')] };
  const { [idKey!]: _omit, ...rest } = fields;
  const id = normalizeId(rawId);
  const def = call.org.schema.object(type);
  if (!id || (def && typeOfId(id) !== def.name)) {
    return { ok: false, errors: [sfError('MALFORMED_ID', `${def?.label ?? type} ID: id value of incorrect type: ${rawId}`, ['Id'])] };
  }
  return fromSave(call.org.writer.update(type, id, rest, call.org.actor(call.user)), id);
}

function upsertOne(call: RestCall, typeName: string, fd: FieldDef, record: Record<string, unknown>): Outcome {
  const { type, fields } = splitRecord(record);
  if (!type) return missingType();
  if (type.toLowerCase() !== typeName.toLowerCase()) {
    return { ok: false, errors: [sfError('INVALID_TYPE', `The records must all be of type ${typeName}`)] };
  }
  const key = Object.keys(fields).find((k) => k.toLowerCase() === fd.name.toLowerCase());
  const value = key ? fields[key] : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { ok: false, errors: [sfError('MISSING_ARGUMENT', `${fd.name} not specified`, [fd.name])] };
  }
  const { [key!]: _omit, ...rest } = fields;
  return fromSave(call.org.writer.upsert(typeName, fd, String(value), rest, call.org.actor(call.user)));
}

function duplicateExternalIds(records: readonly Record<string, unknown>[], fd: FieldDef): Map<number, SfError> {
  const seen = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = Object.keys(r).find((k) => k.toLowerCase() === fd.name.toLowerCase());
    const v = key ? r[key] : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const norm = fd.caseSensitive ? String(v) : String(v).toLowerCase();
    seen.set(norm, [...(seen.get(norm) ?? []), i]);
  });
  const errors = new Map<number, SfError>();
  for (const [value, indexes] of seen) {
    if (indexes.length < 2) continue;
    for (const i of indexes) errors.set(i, sfError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [fd.name]));
  }
  return errors;
}
