/**
 * The org's metadata: standard objects plus configured custom fields, and what one user may
 * see and do with them (object permissions and field-level security).
 *
 * Names are case-insensitive in the API (an sObject or field name matches whatever its case);
 * responses use the canonical API name. Object Reference, 'Factors that Affect Data Access'
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/obj_ref_data_access.htm):
 * "The API respects object-level and field-level security … fields that are not visible to a
 * given user are not returned in a query() or describeSObjects() call. Similarly, read-only
 * fields can't be updated."
 */
import { LinegateError } from '../shared/index.js';
import type { CustomFieldSpec, EmulatedUser } from './emulator-options.js';
import { STANDARD_OBJECTS } from './standard-objects.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';

export const SF_EMULATOR_CONFIG = 'SF_EMULATOR_CONFIG';

export interface ObjectAccess {
  readonly read: boolean;
  readonly create: boolean;
  readonly edit: boolean;
}

export class OrgSchema {
  private readonly objects = new Map<string, SObjectDef>();

  constructor(customFields: Readonly<Record<string, readonly CustomFieldSpec[]>> = {}) {
    for (const def of STANDARD_OBJECTS) this.objects.set(def.name.toLowerCase(), def);
    for (const [type, specs] of Object.entries(customFields)) this.addCustomFields(type, specs);
  }

  /** The object by any-case name, or undefined. */
  object(name: string): SObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  allObjects(): SObjectDef[] {
    return [...this.objects.values()];
  }

  field(def: SObjectDef, name: string): FieldDef | undefined {
    const lower = name.toLowerCase();
    return def.fields.find((fd) => fd.name.toLowerCase() === lower);
  }

  /** Fields with a uniqueness or external-ID index: what upsert and DUPLICATE_VALUE look up. */
  indexedFields(type: string): readonly FieldDef[] {
    return this.object(type)?.fields.filter((fd) => fd.externalId || fd.unique) ?? [];
  }

  /** Phone-type fields: what SOSL's IN PHONE FIELDS searches. */
  phoneFields(type: string): readonly FieldDef[] {
    return this.object(type)?.fields.filter((fd) => fd.type === 'phone') ?? [];
  }

  private addCustomFields(type: string, specs: readonly CustomFieldSpec[]): void {
    const def = this.object(type);
    if (!def) throw new LinegateError(SF_EMULATOR_CONFIG, `customFields: unknown sObject type ${type}`);
    const added = specs.map((spec) => customField(def.name, spec));
    for (const fd of added) {
      if (this.field(def, fd.name)) throw new LinegateError(SF_EMULATOR_CONFIG, `customFields: ${def.name}.${fd.name} defined twice`);
    }
    this.objects.set(def.name.toLowerCase(), { ...def, fields: [...def.fields, ...added] });
  }
}

function customField(type: string, spec: CustomFieldSpec): FieldDef {
  if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(spec.name)) {
    throw new LinegateError(SF_EMULATOR_CONFIG, `customFields: ${type}.${spec.name}: a custom field name ends in __c`);
  }
  const length = spec.length ?? (spec.type === 'textarea' ? 32768 : spec.type === 'string' || spec.type === 'email' || spec.type === 'phone' ? 255 : undefined);
  return {
    name: spec.name,
    label: spec.label ?? spec.name.slice(0, -3).replace(/_/g, ' '),
    type: spec.type,
    ...(length ? { length } : {}),
    createable: true,
    updateable: true,
    nillable: !spec.required,
    custom: true,
    externalId: spec.externalId ?? false,
    unique: spec.unique ?? false,
    // Apex Developer Guide, 'Upserting Records': external ID matching is case-insensitive only
    // for fields that are Unique with "Treat ABC and abc as duplicate values" (the default for
    // a unique field here); a non-unique external ID matches case-sensitively.
    caseSensitive: spec.unique ? (spec.caseSensitive ?? false) : true,
  };
}

/** What one logged-in user may do; `undefined` user = the platform itself (seeding). */
export class UserAccess {
  constructor(private readonly user: EmulatedUser | undefined) {}

  object(def: SObjectDef): ObjectAccess {
    if (!this.user) return { read: true, create: true, edit: true };
    const base = def.name === 'User' ? { read: true, create: false, edit: false } : { read: true, create: true, edit: true };
    const override = findCaseless(this.user.permissions, def.name) ?? {};
    const read = override.read ?? base.read;
    // Create and Edit require Read (Salesforce Help, 'Object Permissions').
    return { read, create: read && (override.create ?? base.create), edit: read && (override.edit ?? base.edit) };
  }

  fieldVisible(def: SObjectDef, field: FieldDef): boolean {
    if (!this.user || field.name === 'Id') return true;
    return !listed(this.user.hiddenFields, def.name, field.name);
  }

  fieldWritable(def: SObjectDef, field: FieldDef): boolean {
    if (!this.user) return true;
    return this.fieldVisible(def, field) && !listed(this.user.readOnlyFields, def.name, field.name);
  }

  /** A field by any-case name, but only if this user can see it: hidden fields do not exist for them. */
  visibleField(schema: OrgSchema, def: SObjectDef, name: string): FieldDef | undefined {
    const fd = schema.field(def, name);
    return fd && this.fieldVisible(def, fd) ? fd : undefined;
  }
}

function findCaseless<T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  if (!map) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function listed(map: Readonly<Record<string, readonly string[]>> | undefined, type: string, field: string): boolean {
  const names = findCaseless(map, type);
  return !!names && names.some((n) => n.toLowerCase() === field.toLowerCase());
}
