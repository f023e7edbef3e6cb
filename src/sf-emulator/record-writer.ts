/**
 * Create, update and upsert of one record with Salesforce's checks, in Salesforce's order:
 * object access, unknown fields (INVALID_FIELD), fields that cannot be written
 * (INVALID_FIELD_FOR_INSERT_UPDATE), value types, defaults, required fields, references,
 * object rules, validation rules, unique indexes. A failed save changes nothing.
 *
 * - Unknown field: INVALID_FIELD "No such column 'X' on sobject of type T"; a field hidden by
 *   field-level security is unknown to that user ('Factors that Affect Data Access').
 * - Id in a create body: INVALID_FIELD "The Id field should not be specified in the sobject
 *   data." (REST API Developer Guide, 'Create a Record', error example).
 * - Not createable/updateable (system and computed fields, TaskSubtype on update, FLS
 *   read-only): INVALID_FIELD_FOR_INSERT_UPDATE "Unable to create/update fields: …". Sending a
 *   non-updateable field on an update fails the whole update even when the value is unchanged,
 *   and an upsert that matches an existing record is an update: it fails the same way (as
 *   integrators report: drupal.org/node/2601416, github.com/tablexi/restforce-db/pull/49
 *   "upsert … createable fields which are not also updateable … will result in an error",
 *   github.com/forceworkbench/forceworkbench/issues/754).
 * - No Create/Edit permission on the object: INSUFFICIENT_ACCESS_OR_READONLY ('StatusCode').
 */
import { sfError, unsupportedType } from './api-errors.js';
import type { SfError } from './api-errors.js';
import type { SfValue, ValidationRule } from './emulator-options.js';
import { coerceValue } from './field-values.js';
import type { OrgSchema, UserAccess } from './org-schema.js';
import type { OrgRecord, OrgStore, SearchVersion } from './org-store.js';
import { viewOf } from './record-view.js';
import type { IdFactory } from './salesforce-id.js';
import { checkObjectRules, checkReferences, checkUnique, checkValidationRules, missingRequired } from './save-checks.js';
import { CREATE_DEFAULTS } from './standard-objects.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';
import { phoneDigits } from './phone-match.js';

export interface Actor {
  readonly userId: string;
  readonly access: UserAccess;
}

export interface OrgEnv {
  readonly schema: OrgSchema;
  readonly store: OrgStore;
  readonly ids: IdFactory;
  readonly rules: readonly ValidationRule[];
  /** Wall-clock now, ms since the epoch. */
  now(): number;
  searchIndexLagMs(): number;
}

export type SaveResult =
  | { readonly ok: true; readonly record: OrgRecord; readonly created: boolean }
  | { readonly ok: false; readonly errors: readonly SfError[] };

export type UpsertResult = SaveResult | { readonly ok: 'multiple'; readonly ids: readonly string[] };

type Input = Readonly<Record<string, unknown>>;
type Parsed = { readonly ok: true; readonly values: Record<string, SfValue> } | { readonly ok: false; readonly error: SfError };

const fail = (error: SfError): SaveResult => ({ ok: false, errors: [error] });

export class RecordWriter {
  constructor(private readonly env: OrgEnv) {}

  create(typeName: string, input: Input, actor: Actor, options: { createdAt?: number; skipRules?: boolean } = {}): SaveResult {
    const def = this.env.schema.object(typeName);
    const access = def && actor.access.object(def);
    if (!def || !access?.read) return fail(unsupportedType(typeName));
    if (!access.create) return fail(sfError('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights: cannot create ${def.name}`));
    if (Object.keys(input).some((k) => k.toLowerCase() === 'id')) {
      return fail(sfError('INVALID_FIELD', 'The Id field should not be specified in the sobject data.'));
    }
    const parsed = this.parseFields(def, input, actor, 'create');
    if (!parsed.ok) return fail(parsed.error);
    const fields: Record<string, SfValue> = { ...CREATE_DEFAULTS[def.name], ...parsed.values };
    if (def.fields.some((fd) => fd.name === 'OwnerId') && (fields['OwnerId'] === undefined || fields['OwnerId'] === null)) fields['OwnerId'] = actor.userId;
    const at = options.createdAt ?? this.env.now();
    const record = this.build(def, fields, { id: this.env.ids.next(def.name), createdAt: at, modifiedAt: at, createdById: actor.userId, modifiedById: actor.userId, searchVersions: [] });
    const error = this.checkSave(def, record, fields, undefined, 'create', options.skipRules ?? false);
    if (error) return fail(error);
    this.env.store.put(record);
    return { ok: true, record, created: true };
  }

  update(typeName: string, id: string, input: Input, actor: Actor): SaveResult {
    const def = this.env.schema.object(typeName);
    const access = def && actor.access.object(def);
    if (!def || !access?.read) return fail(unsupportedType(typeName));
    const existing = this.env.store.get(def.name, id);
    if (!existing) return fail(sfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    if (!access.edit) return fail(sfError('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object id: ${id}`));
    const parsed = this.parseFields(def, input, actor, 'update');
    if (!parsed.ok) return fail(parsed.error);
    const fields: Record<string, SfValue> = { ...existing.fields, ...parsed.values };
    const record = this.build(def, fields, {
      id: existing.id, createdAt: existing.createdAt, createdById: existing.createdById, searchVersions: existing.searchVersions,
      modifiedAt: Math.max(this.env.now(), existing.modifiedAt), modifiedById: actor.userId,
    });
    const error = this.checkSave(def, record, parsed.values, id, 'update', false);
    if (error) return fail(error);
    this.env.store.put(record);
    return { ok: true, record, created: false };
  }

  /** Upsert on an external-ID field: create when no record has `value`, update when one has. */
  upsert(typeName: string, field: FieldDef, value: string, input: Input, actor: Actor): UpsertResult {
    const matches = this.env.store.findBy(typeName, { name: field.name, caseSensitive: field.caseSensitive ?? false }, value);
    if (matches.length > 1) return { ok: 'multiple', ids: matches };
    if (matches.length === 1) return this.update(typeName, matches[0]!, input, actor);
    return this.create(typeName, { ...input, [field.name]: value }, actor);
  }

  private parseFields(def: SObjectDef, input: Input, actor: Actor, op: 'create' | 'update'): Parsed {
    const values: Record<string, SfValue> = {};
    const locked: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const fd = actor.access.visibleField(this.env.schema, def, key);
      if (!fd) return { ok: false, error: sfError('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`) };
      const writable = (op === 'create' ? fd.createable : fd.updateable) && !fd.calculated && actor.access.fieldWritable(def, fd);
      if (!writable) {
        locked.push(fd.name);
        continue;
      }
      const coerced = coerceValue(fd, raw);
      if (!coerced.ok) return { ok: false, error: coerced.error };
      values[fd.name] = coerced.value;
    }
    if (locked.length > 0) {
      return {
        ok: false,
        error: sfError('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${locked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your role or profile.`, locked),
      };
    }
    return { ok: true, values };
  }

  private checkSave(
    def: SObjectDef,
    record: OrgRecord,
    changed: Record<string, SfValue>,
    selfId: string | undefined,
    op: 'create' | 'update',
    skipRules: boolean,
  ): SfError | undefined {
    const { store, schema } = this.env;
    const error = missingRequired(def, record.fields)
      ?? checkReferences(def, store, changed)
      ?? checkObjectRules(def, { ...record.fields, ...changed })
      ?? checkUnique(def, schema, store, changed, selfId);
    if (error) return error;
    // References were rewritten to 18-character Ids in `changed`; keep them.
    Object.assign(record.fields as Record<string, SfValue>, changed);
    return skipRules ? undefined : checkValidationRules(def, this.env.rules, viewOf(store, record, def.fields), op);
  }

  private build(def: SObjectDef, fields: Record<string, SfValue>, base: Omit<OrgRecord, 'type' | 'fields'>): OrgRecord {
    const digits = this.env.schema.phoneFields(def.name)
      .map((fd) => fields[fd.name])
      .filter((v): v is string => typeof v === 'string')
      .map(phoneDigits)
      .filter((d) => d !== '');
    return { type: def.name, fields, ...base, searchVersions: this.nextVersions(base.searchVersions, base.modifiedAt, digits) };
  }

  /**
   * The search index sees a new version only when the phone digits change, and keeps the
   * versions that may still be what a search finds: all those younger than the lag, plus the
   * newest older one.
   */
  private nextVersions(versions: readonly SearchVersion[], at: number, digits: readonly string[]): readonly SearchVersion[] {
    const last = versions.at(-1);
    const next = last && sameDigits(last.phoneDigits, digits) ? [...versions] : [...versions, { at, phoneDigits: digits }];
    const horizon = this.env.now() - this.env.searchIndexLagMs();
    let firstKept = 0;
    for (let i = 0; i < next.length; i++) if (next[i]!.at <= horizon) firstKept = i;
    return next.slice(firstKept);
  }
}

function sameDigits(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
