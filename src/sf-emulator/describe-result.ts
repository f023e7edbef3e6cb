/**
 * describeGlobal (GET /sobjects), sObject Basic Information (GET /sobjects/T) and sObject
 * Describe (GET /sobjects/T/describe), as the logged-in user sees them. REST API Developer
 * Guide, 'sObject Describe' and SOAP API 'DescribeSObjectResult' / 'Field': object-level
 * createable / updateable / queryable follow the user's object permissions; the fields list
 * leaves out fields hidden by field-level security, and a field's createable / updateable are
 * false when it is read-only for the user.
 */
import type { OrgSchema, UserAccess } from './org-schema.js';
import type { FieldDef, SObjectDef } from './standard-objects.js';

function urls(version: string, name: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

export function objectSummary(def: SObjectDef, access: UserAccess, version: string): Record<string, unknown> {
  const a = access.object(def);
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: a.create,
    updateable: a.edit,
    queryable: a.read,
    retrieveable: a.read,
    searchable: a.read && def.searchable,
    deletable: false,
    layoutable: true,
    urls: urls(version, def.name),
  };
}

export function describeGlobal(schema: OrgSchema, access: UserAccess, version: string): Record<string, unknown> {
  const visible = schema.allObjects().filter((def) => access.object(def).read);
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: visible.map((def) => objectSummary(def, access, version)) };
}

export function describeSObject(def: SObjectDef, access: UserAccess, version: string): Record<string, unknown> {
  const fields = def.fields.filter((fd) => access.fieldVisible(def, fd)).map((fd) => describeField(def, fd, access));
  return { ...objectSummary(def, access, version), fields };
}

function describeField(def: SObjectDef, fd: FieldDef, access: UserAccess): Record<string, unknown> {
  const writable = access.fieldWritable(def, fd) && !fd.calculated;
  return {
    name: fd.name,
    label: fd.label,
    type: fd.type,
    length: fd.length ?? 0,
    createable: fd.createable && writable,
    updateable: fd.updateable && writable,
    nillable: fd.nillable,
    defaultedOnCreate: fd.defaultedOnCreate ?? false,
    calculated: fd.calculated ?? false,
    custom: fd.custom ?? false,
    externalId: fd.externalId ?? false,
    unique: fd.unique ?? false,
    caseSensitive: fd.caseSensitive ?? false,
    idLookup: fd.name === 'Id' || (fd.externalId ?? false),
    nameField: fd.nameField ?? false,
    filterable: fd.type !== 'textarea',
    sortable: fd.type !== 'textarea',
    referenceTo: fd.referenceTo ? [...fd.referenceTo] : [],
    relationshipName: fd.type === 'reference' && fd.name.endsWith('Id') && fd.name !== 'Id' ? fd.name.slice(0, -2) : null,
    restrictedPicklist: fd.restrictedPicklist ?? false,
    picklistValues: (fd.picklistValues ?? []).map((value) => ({ active: true, defaultValue: false, label: value, validFor: null, value })),
  };
}
