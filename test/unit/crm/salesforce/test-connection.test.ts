import assert from 'node:assert/strict';
import type { Connection } from 'jsforce';
import { formatVerdict, objectChecks, requirementsFor, testConnection } from '../../../../src/crm/index.js';
import type { HttpObserver, ObjectDescription, SalesforceConnectionOptions, SalesforceConnector, SalesforceSession } from '../../../../src/crm/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { sfError } from './fake-connector.js';

const JWT: SalesforceConnectionOptions = {
  auth: { kind: 'jwt', clientId: '3MVG9', username: 'int@acme.com', privateKeyPem: 'unused by the fake' },
  loginUrl: 'https://login.salesforce.com',
  apiVersion: '62.0',
};

/** Every field the requirements name, creatable and updatable, plus overrides. */
function describeOf(name: string, over: Partial<ObjectDescription> = {}, drop: string[] = [], readOnly: string[] = []): ObjectDescription {
  const names = new Set(requirementsFor({ externalIdField: 'Linegate_Call_Key__c', unknownCallers: 'contact' })
    .filter((r) => r.object === name)
    .flatMap((r) => [...(r.read ?? []), ...(r.create ?? []), ...(r.edit ?? [])]));
  const fields = [...names].filter((f) => !drop.includes(f)).map((f) => ({ name: f, createable: !readOnly.includes(f), updateable: !readOnly.includes(f) }));
  return { name, createable: true, updateable: true, queryable: true, fields, ...over };
}

class DescribingConnector implements SalesforceConnector {
  constructor(private readonly objects: Map<string, ObjectDescription | Error>, private readonly loginError?: Error) {}

  async open(observer: HttpObserver): Promise<SalesforceSession> {
    observer.onRequest();
    if (this.loginError) throw this.loginError;
    const objects = this.objects;
    const connection = {
      instanceUrl: 'https://acme.my.salesforce.com',
      sobject: (name: string) => ({
        describe: async () => {
          observer.onRequest();
          observer.onResponse(200, { 'sforce-limit-info': 'api-usage=120/15000' });
          const d = objects.get(name) ?? sfError('NOT_FOUND', `The requested resource does not exist`);
          if (d instanceof Error) throw d;
          return d;
        },
      }),
    } as unknown as Connection;
    return { connection, userId: '005A', orgId: '00DA' };
  }
}

const ALL = ['Task', 'Contact', 'Account', 'Lead', 'Opportunity'];

describe('testConnection', () => {
  it('passes when the user may do everything the worker does', async () => {
    const objects = new Map(ALL.map((n) => [n, describeOf(n)] as const));
    const v = await testConnection(JWT, { connector: new DescribingConnector(objects), clock: new FakeClock(), externalIdField: 'Linegate_Call_Key__c' });
    assert.equal(v.ok, true, formatVerdict(v));
    assert.deepEqual(v.usage, { used: 120, max: 15000 });
    assert.equal(v.instanceUrl, 'https://acme.my.salesforce.com');
    assert.ok(v.checks.every((c) => c.status === 'ok'));
    assert.match(formatVerdict(v), /Salesforce connection: OK/);
    assert.match(formatVerdict(v), /API usage \(last 24 h\): 120 of 15000/);
  });

  it('fails with a fix for each missing permission', async () => {
    const objects = new Map<string, ObjectDescription | Error>(ALL.map((n) => [n, describeOf(n)] as const));
    objects.set('Task', describeOf('Task', { createable: false }, ['CallDisposition'], ['CallObject']));
    objects.set('Opportunity', sfError('NOT_FOUND'));
    const v = await testConnection(JWT, { connector: new DescribingConnector(objects), clock: new FakeClock() });
    assert.equal(v.ok, false);
    const text = formatVerdict(v);
    assert.match(text, /Salesforce connection: FAILED/);
    assert.match(text, /\[FAIL\] Create Task/);
    assert.match(text, /fix: grant Create on Task in the integration user's permission set/);
    assert.match(text, /Task\.CallDisposition is hidden/);
    assert.match(text, /grant Edit on Task\.CallObject in the field-level security/);
    assert.match(text, /fix: grant Read on Opportunity in the integration user's permission set/);
    assert.match(text, /\[ok\] {3}Edit Task/);
  });

  it('reports a refused login with what to check', async () => {
    const grant = new Error('user hasn\'t approved this consumer');
    grant.name = 'invalid_grant';
    const v = await testConnection(JWT, { connector: new DescribingConnector(new Map(), grant), clock: new FakeClock() });
    assert.equal(v.ok, false);
    assert.equal(v.checks.length, 1);
    assert.equal(v.checks[0]?.name, 'log in');
    assert.match(v.checks[0]?.fix ?? '', /pre-authorized/);
  });

  it('rejects a bad login URL before any request, and warns about password logins', async () => {
    const bad = await testConnection({ ...JWT, loginUrl: 'http://login.salesforce.com' }, { clock: new FakeClock() });
    assert.equal(bad.ok, false);
    assert.match(bad.checks[0]?.fix ?? '', /https/);
    const objects = new Map(ALL.map((n) => [n, describeOf(n)] as const));
    const pw = await testConnection({ ...JWT, auth: { kind: 'password', username: 'u', password: 'p', securityToken: 't' } },
      { connector: new DescribingConnector(objects), clock: new FakeClock() });
    assert.equal(pw.ok, true);
    assert.match(formatVerdict(pw), /\[warn\] login method — SOAP login\(\) is unavailable from API 65\.0/);
  });
});

describe('objectChecks', () => {
  it('turns an optional requirement into warnings', () => {
    const checks = objectChecks({ object: 'Account', access: ['create'], optional: 'needed once' }, describeOf('Account', { createable: false }));
    assert.deepEqual(checks.map((c) => c.status), ['warn']);
  });
});
