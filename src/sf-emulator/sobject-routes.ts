/**
 * /sobjects resources. REST API Developer Guide:
 * - 'sObject Basic Information' — GET /sobjects/T; POST /sobjects/T creates (201, {id, success,
 *   errors}, 'Create a Record').
 * - 'sObject Describe' — GET /sobjects/T/describe.
 * - 'sObject Rows' — GET /sobjects/T/id[?fields=…]; PATCH /sobjects/T/id updates (204).
 * - 'sObject Rows by External ID' / 'Insert or Update (Upsert) a Record Using an External ID' —
 *   PATCH /sobjects/T/Field/value: 201 with created:true when a record is created, 200 with
 *   created:false when one is updated (API 46.0 and later), 300 with the matching records' URLs
 *   when the value matches several, 404 NOT_FOUND when the field does not exist or is not an
 *   external ID; `updateOnly=true` never creates. "Do not specify Id or an external ID field in
 *   the request body or an error is generated" (INVALID_FIELD here). GET on the same path
 *   retrieves by external ID.
 * Unknown objects and records answer 404 NOT_FOUND "The requested resource does not exist".
 */
import { errorReply, methodNotAllowed, notFound, sfError } from './api-errors.js';
import type { RestReply } from './api-errors.js';
import { describeSObject, objectSummary } from './describe-result.js';
import { formatRecord, recordUrl } from './record-view.js';
import { badBody, created, isPlainObject, lockFault } from './rest-call.js';
import type { RestCall } from './rest-call.js';
import { normalizeId, typeOfId } from './salesforce-id.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';

export function sobjectRoute(call: RestCall): RestReply {
  const [, typeName, second, third, ...extra] = call.segments;
  const def = typeName ? call.org.schema.object(typeName) : undefined;
  if (!def || !call.user.access.object(def).read || extra.length > 0) return notFound();
  if (second === undefined) return basicInfo(call, def);
  if (third === undefined) return second === 'describe' ? describe(call, def) : byId(call, def, second);
  return byExternalId(call, def, second, third);
}

function basicInfo(call: RestCall, def: SObjectDef): RestReply {
  if (call.method === 'GET') return { status: 200, body: { objectDescribe: objectSummary(def, call.user.access, call.version), recentItems: [] } };
  if (call.method !== 'POST') return methodNotAllowed(call.method, ['GET', 'HEAD', 'POST']);
  if (!isPlainObject(call.body)) return badBody('a JSON object');
  const lock = lockFault(call);
  if (lock) return errorReply(400, lock.error);
  const res = call.org.writer.create(def.name, call.body, call.org.actor(call.user));
  if (!res.ok) return errorReply(400, res.errors);
  return created({ id: res.record.id, success: true, errors: [] }, recordUrl(call.version, def.name, res.record.id));
}

function describe(call: RestCall, def: SObjectDef): RestReply {
  if (call.method !== 'GET') return methodNotAllowed(call.method, ['GET', 'HEAD']);
  return { status: 200, body: describeSObject(def, call.user.access, call.version) };
}

function byId(call: RestCall, def: SObjectDef, rawId: string): RestReply {
  const id = normalizeId(rawId);
  const record = id && typeOfId(id) === def.name ? call.org.store.get(def.name, id) : undefined;
  if (!record) return notFound();
  if (call.method === 'GET') return retrieve(call, def, record.id);
  if (call.method !== 'PATCH') return methodNotAllowed(call.method, ['GET', 'HEAD', 'PATCH']);
  if (!isPlainObject(call.body)) return badBody('a JSON object');
  const { Id: bodyId, ...fields } = call.body;
  if (bodyId !== undefined && normalizeId(String(bodyId)) !== record.id) {
    return errorReply(400, sfError('INVALID_FIELD', 'The Id field should not be specified in the sobject data.'));
  }
  const lock = lockFault(call);
  if (lock) return errorReply(400, lock.error);
  const res = call.org.writer.update(def.name, record.id, fields, call.org.actor(call.user));
  return res.ok ? { status: 204 } : errorReply(400, res.errors);
}

function retrieve(call: RestCall, def: SObjectDef, id: string): RestReply {
  const record = call.org.store.get(def.name, id)!;
  const wanted = call.query.get('fields');
  const fields: FieldDef[] = [];
  const access = call.user.access;
  if (wanted) {
    for (const name of wanted.split(',').map((n) => n.trim()).filter(Boolean)) {
      const fd = access.visibleField(call.org.schema, def, name);
      if (!fd) return errorReply(400, sfError('INVALID_FIELD', `No such column '${name}' on sobject of type ${def.name}`));
      fields.push(fd);
    }
  } else {
    fields.push(...def.fields.filter((fd) => access.fieldVisible(def, fd)));
  }
  return { status: 200, body: formatRecord(call.org.store, def, record, fields, call.version) };
}

function externalIdField(call: RestCall, def: SObjectDef, name: string): FieldDef | undefined {
  const fd = call.user.access.visibleField(call.org.schema, def, name);
  return fd?.externalId ? fd : undefined;
}

function byExternalId(call: RestCall, def: SObjectDef, fieldName: string, value: string): RestReply {
  const fd = externalIdField(call, def, fieldName);
  if (!fd) return errorReply(404, sfError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`));
  if (call.method === 'GET') {
    const ids = call.org.store.findBy(def.name, { name: fd.name, caseSensitive: fd.caseSensitive ?? false }, value);
    if (ids.length > 1) return { status: 300, body: ids.map((id) => recordUrl(call.version, def.name, id)) };
    return ids[0] ? retrieve(call, def, ids[0]) : notFound();
  }
  if (call.method !== 'PATCH') return methodNotAllowed(call.method, ['GET', 'HEAD', 'PATCH']);
  return upsert(call, def, fd, value);
}

function upsert(call: RestCall, def: SObjectDef, fd: FieldDef, value: string): RestReply {
  if (!isPlainObject(call.body)) return badBody('a JSON object');
  const present = Object.keys(call.body).find((k) => k.toLowerCase() === 'id' || k.toLowerCase() === fd.name.toLowerCase());
  if (present) return errorReply(400, sfError('INVALID_FIELD', `${present} should not be specified in the sobject data of an upsert by ${fd.name}`, [present]));
  const matches = call.org.store.findBy(def.name, { name: fd.name, caseSensitive: fd.caseSensitive ?? false }, value);
  if (matches.length === 0 && call.query.get('updateOnly') === 'true') return notFound();
  const lock = lockFault(call);
  if (lock) return errorReply(400, lock.error);
  const res = call.org.writer.upsert(def.name, fd, value, call.body, call.org.actor(call.user));
  if (res.ok === 'multiple') return { status: 300, body: res.ids.map((id) => recordUrl(call.version, def.name, id)) };
  if (!res.ok) return errorReply(400, res.errors);
  const body = { id: res.record.id, success: true, errors: [], created: res.created };
  return res.created ? created(body, recordUrl(call.version, def.name, res.record.id)) : { status: 200, body };
}
