/**
 * `linegate crm test-connection`: log in as the integration user, then describe the objects
 * the worker touches and check the user may do what the worker does — create and edit Tasks
 * (notes update the Task), create Contacts (unknown callers), read Contacts, Accounts,
 * Leads and Opportunities (lookups, opportunity tags) — field by field.
 */
import { systemClock } from '../../shared/index.js';
import type { Clock } from '../../shared/index.js';
import { loginFix, objectChecks } from './connection-verdict.js';
import type { ConnectionCheck, ConnectionVerdict, ObjectDescription, ObjectRequirement } from './connection-verdict.js';
import type { SalesforceConnector } from './jsforce-connector.js';
import { SalesforceClient } from './salesforce-client.js';
import { errorFacts } from './salesforce-error.js';
import type { SalesforceConnectionOptions } from './types.js';

export interface TestConnectionOptions {
  /** The Task external id field the worker upserts by, if configured. */
  readonly externalIdField?: string;
  /** What unknown callers become (default 'contact'). */
  readonly unknownCallers?: 'contact' | 'lead' | 'none';
  readonly clock?: Clock;
  readonly epochNow?: () => number;
  /** Tests only. */
  readonly connector?: SalesforceConnector;
}

const TASK_CREATE = ['Subject', 'Status', 'TaskSubtype', 'Type', 'CallType', 'CallDurationInSeconds', 'CallObject',
  'CallDisposition', 'ActivityDate', 'WhoId', 'WhatId', 'OwnerId', 'Description'];
const TASK_EDIT = ['Subject', 'Description', 'WhoId', 'WhatId', 'CallDisposition', 'CallDurationInSeconds'];
const PERSON_CREATE = ['FirstName', 'LastName', 'MobilePhone', 'Email'];

export function requirementsFor(options: Pick<TestConnectionOptions, 'externalIdField' | 'unknownCallers'>): ObjectRequirement[] {
  const mode = options.unknownCallers ?? 'contact';
  const ext = options.externalIdField ? [options.externalIdField] : [];
  return [
    { object: 'Task', access: ['create', 'edit'], create: [...TASK_CREATE, ...ext], edit: TASK_EDIT },
    {
      object: 'Contact',
      access: mode === 'contact' ? ['read', 'create'] : ['read'],
      read: ['Name', 'Phone', 'MobilePhone', 'AccountId', 'LastModifiedDate'],
      create: mode === 'contact' ? [...PERSON_CREATE, 'AccountId'] : [],
    },
    { object: 'Account', access: ['read'], read: ['Name', 'Phone', 'LastModifiedDate'] },
    {
      object: 'Lead',
      access: mode === 'lead' ? ['read', 'create'] : ['read'],
      read: ['Name', 'Phone', 'MobilePhone', 'LastModifiedDate'],
      create: mode === 'lead' ? [...PERSON_CREATE, 'Company'] : [],
    },
    { object: 'Opportunity', access: ['read'], read: ['Name', 'AccountId'] },
    ...(mode === 'contact'
      ? [{ object: 'Account', access: ['create'], create: ['Name'], optional: 'needed once, if the default Account for unknown callers does not exist yet' } satisfies ObjectRequirement]
      : []),
  ];
}

export async function testConnection(options: SalesforceConnectionOptions, extra: TestConnectionOptions = {}): Promise<ConnectionVerdict> {
  const base = {
    loginUrl: options.loginUrl,
    apiVersion: options.apiVersion,
    username: options.auth.username,
    authKind: options.auth.kind,
  };
  const client = new SalesforceClient({
    connection: options,
    clock: extra.clock ?? systemClock,
    epochNow: extra.epochNow,
    connector: extra.connector,
    retry: { maxAttempts: 2, baseMs: 250, maxMs: 1000 },
  });
  try {
    const login = await client.identity().then((id) => ({ id }), (err: unknown) => ({ err }));
    if ('err' in login) {
      const f = errorFacts(login.err);
      const check: ConnectionCheck = { name: 'log in', status: 'fail', detail: `${f.code}: ${f.message}`, fix: loginFix(f.code, f.message, options.loginUrl, options.auth.kind) };
      return { ...base, ok: false, checks: [check] };
    }
    const identity = login.id;
    const checks: ConnectionCheck[] = [{ name: 'log in', status: 'ok', detail: `user ${identity.userId ?? '?'} in org ${identity.orgId ?? '?'}` }];
    if (options.auth.kind === 'password') checks.push(passwordWarning(options.auth.clientId !== undefined));
    checks.push(...await describeChecks(client, requirementsFor(extra)));
    return {
      ...base,
      ok: checks.every((c) => c.status !== 'fail'),
      instanceUrl: identity.instanceUrl,
      usage: client.apiUsage(),
      checks,
    };
  } finally {
    await client.close();
  }
}

async function describeChecks(client: SalesforceClient, requirements: readonly ObjectRequirement[]): Promise<ConnectionCheck[]> {
  const objects = [...new Set(requirements.map((r) => r.object))];
  const described = new Map<string, { describe?: ObjectDescription; error?: string }>();
  await Promise.all(objects.map(async (name) => {
    try {
      const d: ObjectDescription = await client.call('describe', (conn) => conn.sobject(name).describe(), { critical: true });
      described.set(name, { describe: d });
    } catch (err) {
      const f = errorFacts(err);
      described.set(name, { error: `${f.code}: ${f.message}` });
    }
  }));
  return requirements.flatMap((req) => {
    const result = described.get(req.object);
    return objectChecks(req, result?.describe, result?.error);
  });
}

/** Salesforce Help 005132110 and "Block Authorization Flows to Improve Security". */
function passwordWarning(oauth: boolean): ConnectionCheck {
  return {
    name: 'login method',
    status: 'warn',
    detail: oauth
      ? 'the OAuth username-password flow is blocked by default in orgs created since Summer \'23'
      : 'SOAP login() is unavailable from API 65.0 and retired for all versions in Summer \'27',
    fix: 'switch to auth kind "jwt" (docs/crm.md, "Connecting")',
  };
}
