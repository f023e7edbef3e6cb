/**
 * The standard objects linegate touches, with the field properties that the Object Reference
 * lists for each (Create / Update / Nillable / Defaulted on create / Restricted picklist) —
 * Object Reference for Salesforce and Lightning Platform: 'Account', 'Contact', 'Lead',
 * 'Opportunity', 'Task', 'User'
 * (https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-task.html
 * and siblings). Only a subset of each object's fields is modelled; the rest are unknown to
 * the emulator and answer INVALID_FIELD like a misspelt name would.
 *
 * Task: TaskSubtype's properties list Create but not Update (so it is not updateable), CallType's
 * values are Internal/Inbound/Outbound, WhoId refers to Contact or Lead, WhatId to Account,
 * Opportunity and other non-person objects (only those two are modelled), and AccountId is
 * derived from WhatId/WhoId (see 'AccountId' in the Task reference).
 */
import type { SfValue } from './emulator-options.js';

export type FieldType =
  | 'id' | 'string' | 'textarea' | 'phone' | 'email' | 'url' | 'picklist' | 'combobox'
  | 'reference' | 'boolean' | 'int' | 'double' | 'currency' | 'date' | 'datetime';

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length?: number;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly nillable: boolean;
  readonly defaultedOnCreate?: boolean;
  readonly referenceTo?: readonly string[];
  readonly picklistValues?: readonly string[];
  readonly restrictedPicklist?: boolean;
  readonly externalId?: boolean;
  readonly unique?: boolean;
  readonly caseSensitive?: boolean;
  readonly custom?: boolean;
  /** Computed by the platform (Name of a person, Task.AccountId, IsClosed): never writable. */
  readonly calculated?: boolean;
  readonly nameField?: boolean;
}

export interface SObjectDef {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly searchable: boolean;
  readonly fields: readonly FieldDef[];
}

type Extra = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>>;
const W = { createable: true, updateable: true, nillable: true } as const;

function f(name: string, label: string, type: FieldType, extra: Extra = {}): FieldDef {
  const length = type === 'string' || type === 'phone' || type === 'email' || type === 'url' || type === 'picklist' || type === 'combobox'
    ? 255 : type === 'textarea' ? 32000 : undefined;
  return { name, label, type, ...W, ...(length ? { length } : {}), ...extra };
}

const readOnly = { createable: false, updateable: false } as const;

function systemFields(): FieldDef[] {
  return [
    f('Id', 'Record ID', 'id', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    f('IsDeleted', 'Deleted', 'boolean', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    f('CreatedDate', 'Created Date', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    f('CreatedById', 'Created By ID', 'reference', { ...readOnly, nillable: false, defaultedOnCreate: true, referenceTo: ['User'] }),
    f('LastModifiedDate', 'Last Modified Date', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
    f('LastModifiedById', 'Last Modified By ID', 'reference', { ...readOnly, nillable: false, defaultedOnCreate: true, referenceTo: ['User'] }),
    f('SystemModstamp', 'System Modstamp', 'datetime', { ...readOnly, nillable: false, defaultedOnCreate: true }),
  ];
}

const owner = (): FieldDef => f('OwnerId', 'Owner ID', 'reference', { nillable: false, defaultedOnCreate: true, referenceTo: ['User'] });
const personName = (): FieldDef => f('Name', 'Full Name', 'string', { ...readOnly, nillable: false, calculated: true, nameField: true });

const ACCOUNT: SObjectDef = {
  name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001', searchable: true,
  fields: [
    ...systemFields(), owner(),
    f('Name', 'Account Name', 'string', { nillable: false, nameField: true }),
    f('Phone', 'Account Phone', 'phone', { length: 40 }),
    f('Fax', 'Account Fax', 'phone', { length: 40 }),
    f('Website', 'Website', 'url'),
    f('Type', 'Account Type', 'picklist'),
    f('Industry', 'Industry', 'picklist'),
    f('BillingCity', 'Billing City', 'string', { length: 40 }),
    f('Description', 'Account Description', 'textarea'),
  ],
};

const CONTACT: SObjectDef = {
  name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003', searchable: true,
  fields: [
    ...systemFields(), owner(), personName(),
    f('FirstName', 'First Name', 'string', { length: 40 }),
    f('LastName', 'Last Name', 'string', { length: 80, nillable: false }),
    f('AccountId', 'Account ID', 'reference', { referenceTo: ['Account'] }),
    f('Email', 'Email', 'email', { length: 80 }),
    f('Phone', 'Business Phone', 'phone', { length: 40 }),
    f('MobilePhone', 'Mobile Phone', 'phone', { length: 40 }),
    f('HomePhone', 'Home Phone', 'phone', { length: 40 }),
    f('OtherPhone', 'Other Phone', 'phone', { length: 40 }),
    f('AssistantPhone', 'Asst. Phone', 'phone', { length: 40 }),
    f('Fax', 'Business Fax', 'phone', { length: 40 }),
    f('Title', 'Title', 'string', { length: 128 }),
    f('LeadSource', 'Lead Source', 'picklist'),
    f('Description', 'Contact Description', 'textarea'),
  ],
};

const LEAD: SObjectDef = {
  name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q', searchable: true,
  fields: [
    ...systemFields(), owner(), personName(),
    f('FirstName', 'First Name', 'string', { length: 40 }),
    f('LastName', 'Last Name', 'string', { length: 80, nillable: false }),
    f('Company', 'Company', 'string', { nillable: false }),
    f('Email', 'Email', 'email', { length: 80 }),
    f('Phone', 'Phone', 'phone', { length: 40 }),
    f('MobilePhone', 'Mobile Phone', 'phone', { length: 40 }),
    f('Fax', 'Fax', 'phone', { length: 40 }),
    f('Title', 'Title', 'string', { length: 128 }),
    f('Status', 'Status', 'picklist', { nillable: false, defaultedOnCreate: true }),
    f('LeadSource', 'Lead Source', 'picklist'),
    f('IsConverted', 'Converted', 'boolean', { nillable: false, defaultedOnCreate: true, updateable: false }),
    f('Description', 'Description', 'textarea'),
  ],
};

const OPPORTUNITY: SObjectDef = {
  name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006', searchable: true,
  fields: [
    ...systemFields(), owner(),
    f('Name', 'Name', 'string', { length: 120, nillable: false, nameField: true }),
    f('AccountId', 'Account ID', 'reference', { referenceTo: ['Account'] }),
    f('StageName', 'Stage', 'picklist', { nillable: false }),
    f('CloseDate', 'Close Date', 'date', { nillable: false }),
    f('Amount', 'Amount', 'currency'),
    f('Probability', 'Probability (%)', 'double'),
    f('Description', 'Description', 'textarea'),
  ],
};

const TASK: SObjectDef = {
  name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: '00T', searchable: true,
  fields: [
    ...systemFields(), owner(),
    f('Subject', 'Subject', 'combobox'),
    f('Status', 'Status', 'picklist', { nillable: false, defaultedOnCreate: true }),
    f('Priority', 'Priority', 'picklist', { nillable: false, defaultedOnCreate: true }),
    f('WhoId', 'Name ID', 'reference', { referenceTo: ['Contact', 'Lead'] }),
    f('WhatId', 'Related To ID', 'reference', { referenceTo: ['Account', 'Opportunity'] }),
    f('AccountId', 'Account ID', 'reference', { ...readOnly, calculated: true, referenceTo: ['Account'] }),
    f('ActivityDate', 'Due Date Only', 'date'),
    f('Description', 'Description', 'textarea'),
    f('Type', 'Type', 'picklist', { length: 40 }),
    f('TaskSubtype', 'Task Subtype', 'picklist', {
      updateable: false, restrictedPicklist: true, picklistValues: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
    }),
    f('CallType', 'Call Type', 'picklist', { restrictedPicklist: true, picklistValues: ['Internal', 'Inbound', 'Outbound'] }),
    f('CallDurationInSeconds', 'Call Duration', 'int'),
    f('CallObject', 'Call Object Identifier', 'string'),
    f('CallDisposition', 'Call Result', 'string'),
    f('IsClosed', 'Closed', 'boolean', { ...readOnly, nillable: false, calculated: true }),
  ],
};

const USER: SObjectDef = {
  name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', searchable: false,
  fields: [
    ...systemFields(), personName(),
    f('Username', 'Username', 'string', { length: 80, nillable: false }),
    f('FirstName', 'First Name', 'string', { length: 40 }),
    f('LastName', 'Last Name', 'string', { length: 80, nillable: false }),
    f('Email', 'Email', 'email', { length: 128, nillable: false }),
    f('IsActive', 'Active', 'boolean', { nillable: false, defaultedOnCreate: true }),
  ],
};

export const STANDARD_OBJECTS: readonly SObjectDef[] = [ACCOUNT, CONTACT, LEAD, OPPORTUNITY, TASK, USER];

/** Values Salesforce fills in on create when the request leaves them out (org defaults). */
export const CREATE_DEFAULTS: Readonly<Record<string, Readonly<Record<string, SfValue>>>> = {
  Task: { Status: 'Not Started', Priority: 'Normal' },
  Lead: { Status: 'Open - Not Contacted', IsConverted: false },
  User: { IsActive: true },
};
