/**
 * Running a parsed SOQL query against the org, with the user's object and field access.
 *
 * - Unknown or inaccessible object: INVALID_TYPE "sObject type 'X' is not supported."; unknown
 *   or hidden field: INVALID_FIELD "No such column 'X' on entity 'T'…" (SOQL and SOSL
 *   Reference; field-level security hides fields from query(), 'Factors that Affect Data Access').
 * - Filter values must have the field's type: a quoted value on a number field, an unquoted one
 *   on a text field, or a malformed Id answer INVALID_QUERY_FILTER_OPERATOR ('StatusCode').
 * - Text comparisons with = / != / IN are case-insensitive (SOQL and SOSL Reference,
 *   'Comparison Operators'); Ids compare in their 18-character form, so 15- and 18-character Ids
 *   both match.
 */
import { noSuchColumn, sfError, unsupportedType } from './api-errors.js';
import type { SfError } from './api-errors.js';
import type { SfValue } from './emulator-options.js';
import type { OrgSchema, UserAccess } from './org-schema.js';
import type { OrgRecord, OrgStore } from './org-store.js';
import { fieldValue } from './record-view.js';
import { normalizeId } from './salesforce-id.js';
import type { Condition, Literal, OrderItem, SoqlQuery } from './soql-parser.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';

export interface QueryContext {
  readonly schema: OrgSchema;
  readonly store: OrgStore;
  readonly access: UserAccess;
}

export type Selection =
  | { readonly ok: true; readonly def: SObjectDef; readonly fields: readonly FieldDef[]; readonly rows: readonly OrgRecord[] }
  | { readonly ok: false; readonly error: SfError };

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SfError };
type Predicate = (record: OrgRecord) => boolean;

export function runSoql(ctx: QueryContext, query: SoqlQuery): Selection {
  const def = resolveObject(ctx, query.from);
  if (!def.ok) return def;
  const fields = resolveFields(ctx, def.value, query.fields);
  if (!fields.ok) return fields;
  const rows = selectRows(ctx, def.value, ctx.store.all(def.value.name), query);
  return rows.ok ? { ok: true, def: def.value, fields: fields.value, rows: rows.value } : rows;
}

/** Filters, sorts and pages `candidates` by the query's WHERE, ORDER BY, OFFSET and LIMIT. */
export function selectRows(ctx: QueryContext, def: SObjectDef, candidates: readonly OrgRecord[], query: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'>): Outcome<OrgRecord[]> {
  const where = compileWhere(ctx, def, query.where);
  if (!where.ok) return where;
  const order = resolveOrder(ctx, def, query.orderBy);
  if (!order.ok) return order;
  const rows = candidates.filter(where.value);
  sortRows(ctx.store, rows, order.value);
  const start = query.offset ?? 0;
  return { ok: true, value: rows.slice(start, query.limit !== undefined ? start + query.limit : undefined) };
}

export function resolveObject(ctx: QueryContext, name: string): Outcome<SObjectDef> {
  const def = ctx.schema.object(name);
  if (!def || !ctx.access.object(def).read) return { ok: false, error: unsupportedType(name) };
  return { ok: true, value: def };
}

export function resolveFields(ctx: QueryContext, def: SObjectDef, names: readonly string[]): Outcome<FieldDef[]> {
  const out: FieldDef[] = [];
  for (const name of names) {
    const fd = ctx.access.visibleField(ctx.schema, def, name);
    if (!fd) return { ok: false, error: noSuchEntityColumn(def.name, name) };
    out.push(fd);
  }
  return { ok: true, value: out };
}

function noSuchEntityColumn(type: string, field: string): SfError {
  const base = noSuchColumn(type, field);
  return sfError(base.errorCode, `No such column '${field}' on entity '${type}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
}

function compileWhere(ctx: QueryContext, def: SObjectDef, conditions: readonly Condition[]): Outcome<Predicate> {
  const tests: Predicate[] = [];
  for (const cond of conditions) {
    const fd = ctx.access.visibleField(ctx.schema, def, cond.field);
    if (!fd) return { ok: false, error: noSuchEntityColumn(def.name, cond.field) };
    const wanted: SfValue[] = [];
    for (const literal of cond.values) {
      const v = literalFor(fd, literal);
      if (!v.ok) return v;
      wanted.push(v.value);
    }
    const keys = new Set(wanted.map((w) => comparable(fd, w)));
    const positive = cond.op === '=' || cond.op === 'IN';
    tests.push((r) => keys.has(comparable(fd, fieldValue(ctx.store, r, fd.name))) === positive);
  }
  return { ok: true, value: (r) => tests.every((t) => t(r)) };
}

function literalFor(fd: FieldDef, literal: Literal): Outcome<SfValue> {
  if (literal.kind === 'null') return { ok: true, value: null };
  const numeric = fd.type === 'int' || fd.type === 'double' || fd.type === 'currency';
  const expect = numeric ? 'number' : fd.type === 'boolean' ? 'boolean' : fd.type === 'date' || fd.type === 'datetime' ? 'date' : 'string';
  if (literal.kind !== expect) {
    const how = expect === 'string' ? 'of type string and should be enclosed in quotes' : `of type ${expect} and should not be enclosed in quotes`;
    return { ok: false, error: sfError('INVALID_QUERY_FILTER_OPERATOR', `value of filter criterion for field '${fd.name}' must be ${how}`) };
  }
  if ((fd.type === 'id' || fd.type === 'reference') && literal.kind === 'string') {
    const id = normalizeId(literal.value);
    if (!id) return { ok: false, error: sfError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`) };
    return { ok: true, value: id };
  }
  return { ok: true, value: literal.value };
}

/** A key under which equal values (by SOQL's rules for the field) compare equal. */
function comparable(fd: FieldDef, value: SfValue): string {
  if (value === null) return '\u0000null';
  if (typeof value === 'string' && fd.type !== 'id' && fd.type !== 'reference') return `s:${value.toLowerCase()}`;
  if (fd.type === 'datetime' && typeof value === 'string') return `d:${Date.parse(value.replace(/\+0000$/, 'Z'))}`;
  return `${typeof value}:${String(value)}`;
}

export interface ResolvedOrder {
  readonly field: FieldDef;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

export function resolveOrder(ctx: QueryContext, def: SObjectDef, items: readonly OrderItem[]): Outcome<ResolvedOrder[]> {
  const out: ResolvedOrder[] = [];
  for (const item of items) {
    const fd = ctx.access.visibleField(ctx.schema, def, item.field);
    if (!fd) return { ok: false, error: noSuchEntityColumn(def.name, item.field) };
    out.push({ field: fd, descending: item.descending, nullsLast: item.nullsLast });
  }
  return { ok: true, value: out };
}

/** Sorts in place; ties keep Id order (creation order), so results are deterministic. */
export function sortRows(store: OrgStore, rows: OrgRecord[], order: readonly ResolvedOrder[]): void {
  rows.sort((a, b) => {
    for (const o of order) {
      const c = compareValues(fieldValue(store, a, o.field.name), fieldValue(store, b, o.field.name), o);
      if (c !== 0) return c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function compareValues(x: SfValue, y: SfValue, o: ResolvedOrder): number {
  if (x === y) return 0;
  if (x === null) return o.nullsLast ? 1 : -1;
  if (y === null) return o.nullsLast ? -1 : 1;
  const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).toLowerCase().localeCompare(String(y).toLowerCase());
  return o.descending ? -c : c;
}
