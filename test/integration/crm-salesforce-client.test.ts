/**
 * SalesforceClient against the Salesforce emulator over real HTTP (127.0.0.1, port 0):
 * every login flow, re-login once, backoff on 5xx / limit / lock, permanent errors, and the
 * governor reading Sforce-Limit-Info.
 */
import assert from 'node:assert/strict';
import { JsforceConnector, SalesforceError, SANDBOX_LOGIN_URL, PRODUCTION_LOGIN_URL } from '../../src/crm/index.js';
import type { SalesforceClient } from '../../src/crm/index.js';
import { clientFor, CONSUMER_KEY, jwtOptions, passwordOptions, startSf, USER } from './crm-salesforce-bed.js';
import type { Bed } from './crm-salesforce-bed.js';

const isSfError = (code: string, permanent: boolean) => (e: unknown) =>
  e instanceof SalesforceError && e.code === code && e.permanent === permanent;

const countContacts = (client: SalesforceClient) =>
  client.call('soql', async (conn) => (await conn.query('SELECT Id FROM Contact')).records.length);

describe('crm SalesforceClient against the emulator', function () {
  this.timeout(10_000);
  let bed: Bed;
  let client: SalesforceClient | undefined;

  beforeEach(async () => {
    bed = await startSf();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await bed.sf.close();
  });

  describe('logging in', () => {
    it('JWT bearer flow: signs an assertion, gets a token and uses it', async () => {
      client = clientFor(jwtOptions(bed.url));
      bed.sf.seed('Contact', { LastName: 'Doe' });
      assert.equal(await countContacts(client), 1);
      const id = await client.identity();
      assert.equal(id.userId, bed.sf.userId('integration@linegate.test'));
      assert.equal(id.orgId, bed.sf.orgId);
      assert.deepEqual(client.apiCallCounts().login, 1);
      assert.equal(bed.sf.apiCalls().login, 1);
    });

    it('username + password + token through SOAP login()', async () => {
      client = clientFor(passwordOptions(bed.url, false));
      assert.equal(await countContacts(client), 0);
      assert.equal((await client.identity()).orgId, bed.sf.orgId);
    });

    it('username + password + token through the OAuth password grant when clientId/secret are set', async () => {
      client = clientFor(passwordOptions(bed.url, true));
      assert.equal(await countContacts(client), 0);
      assert.equal((await client.identity()).userId, bed.sf.userId('integration@linegate.test'));
    });

    it('refuses bad credentials as a permanent error, without retrying', async () => {
      const wrong = passwordOptions(bed.url, false);
      client = clientFor({ ...wrong, auth: { ...wrong.auth, kind: 'password', password: 'nope', securityToken: 'x' } });
      await assert.rejects(client.connect(), isSfError('INVALID_LOGIN', true));
      assert.equal(client.apiCallCounts().login, 1);
    });

    it('sandbox: login at test.salesforce.com signs aud=https://test.salesforce.com', async () => {
      await bed.sf.close();
      bed = await startSf({ jwtAudiences: [SANDBOX_LOGIN_URL] });
      const sandbox = jwtOptions(SANDBOX_LOGIN_URL);
      // The emulator stands in for test.salesforce.com; it accepts only its own URL and the sandbox audience.
      client = clientFor(sandbox, { connector: new JsforceConnector(sandbox, { epochNow: Date.now, loginEndpoint: bed.url }) });
      assert.equal(await countContacts(client), 0);
      await client.close();
      const production = jwtOptions(PRODUCTION_LOGIN_URL);
      client = clientFor(production, { connector: new JsforceConnector(production, { epochNow: Date.now, loginEndpoint: bed.url }) });
      await assert.rejects(client.connect(), (e: unknown) => isSfError('invalid_grant', true)(e) && /audience/.test((e as Error).message));
    });

    it('My Domain: login at <name>.my.salesforce.com signs the production audience', async () => {
      await bed.sf.close();
      bed = await startSf({ jwtAudiences: [PRODUCTION_LOGIN_URL] });
      const myDomain = jwtOptions('https://acme.my.salesforce.com');
      client = clientFor(myDomain, { connector: new JsforceConnector(myDomain, { epochNow: Date.now, loginEndpoint: bed.url }) });
      await client.connect();
    });

    it('a JWT key that is not an RSA private key fails before any request', async () => {
      const garbage = '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----';
      client = clientFor({ ...jwtOptions(bed.url), auth: { kind: 'jwt', clientId: CONSUMER_KEY, username: USER.username, privateKeyPem: garbage } });
      await assert.rejects(client.connect(), isSfError('INVALID_CONFIG', true));
      assert.equal(bed.sf.apiCalls().login, 0);
    });

    it('a login URL that is not https (outside loopback) fails before any request', async () => {
      client = clientFor(jwtOptions('http://login.salesforce.com'));
      await assert.rejects(client.connect(), isSfError('INVALID_CONFIG', true));
      assert.equal(bed.sf.apiCalls().login, 0);
    });
  });

  describe('failures', () => {
    it('logs in again once when the session expired, then succeeds', async () => {
      client = clientFor(jwtOptions(bed.url));
      await client.connect();
      bed.sf.expireSessions();
      assert.equal(await countContacts(client), 0);
      assert.equal(bed.sf.apiCalls().login, 2);
      assert.equal(client.apiCallCounts().login, 2);
    });

    it('re-logs in only once per call: a second INVALID_SESSION_ID is thrown', async () => {
      client = clientFor(jwtOptions(bed.url));
      await client.connect();
      bed.sf.inject({ kind: 'invalid-session', times: 2 });
      await assert.rejects(countContacts(client), isSfError('INVALID_SESSION_ID', false));
      assert.equal(bed.sf.apiCalls().login, 2);
    });

    it('backs off on 503 and succeeds when the service is back', async () => {
      client = clientFor(jwtOptions(bed.url));
      await client.connect();
      bed.sf.inject({ kind: '5xx', times: 2 });
      assert.equal(await countContacts(client), 0);
      assert.equal(client.apiCallCounts().soql, 3);
    });

    it('gives up after maxAttempts on a persistent 500, not permanently', async () => {
      client = clientFor(jwtOptions(bed.url));
      await client.connect();
      bed.sf.inject({ kind: '5xx', times: 10, status: 500 });
      await assert.rejects(countContacts(client), (e: unknown) => isSfError('SERVER_UNAVAILABLE', false)(e) && (e as SalesforceError).httpStatus === 500);
      assert.equal(client.apiCallCounts().soql, 4);
    });

    it('retries a create that hit UNABLE_TO_LOCK_ROW', async () => {
      client = clientFor(jwtOptions(bed.url));
      bed.sf.inject({ kind: 'lock', times: 1, match: { method: 'POST' } });
      const r = await client.call('create', (conn) => conn.sobject('Contact').create({ LastName: 'Locked' }), { idempotent: false });
      assert.equal(r.success, true);
      assert.equal(bed.sf.records('Contact').length, 1);
      assert.equal(client.apiCallCounts().create, 2);
    });

    it('backs off on REQUEST_LIMIT_EXCEEDED, and reports exhaustion as retryable', async () => {
      bed = await restartWith(bed, { dailyApiAllowance: 100 });
      client = clientFor(jwtOptions(bed.url));
      await client.connect();
      bed.sf.setApiUsage(100);
      await assert.rejects(client.call('soql', (conn) => conn.query('SELECT Id FROM Contact'), { critical: true }),
        isSfError('REQUEST_LIMIT_EXCEEDED', false));
      assert.equal(client.apiCallCounts().soql, 4);
      assert.deepEqual(client.apiUsage(), { used: 100, max: 100 });
      assert.equal(client.governorState(), 'paused');
    });

    it('throws permanent errors at once with the field at fault', async () => {
      client = clientFor(jwtOptions(bed.url));
      await assert.rejects(
        client.call('create', (conn) => conn.sobject('Contact').create({ LastName: 'X', No_Such_Field__c: 'y' })),
        (e: unknown) => isSfError('INVALID_FIELD', true)(e),
      );
      await assert.rejects(
        client.call('create', (conn) => conn.sobject('Contact').create({ FirstName: 'No last name' })),
        (e: unknown) => isSfError('REQUIRED_FIELD_MISSING', true)(e) && (e as SalesforceError).fields.includes('LastName'),
      );
      assert.equal(client.apiCallCounts().create, 2);
    });
  });

  describe('governor', () => {
    it('reads Sforce-Limit-Info and spaces calls once the allowance is nearly used', async () => {
      bed = await restartWith(bed, { dailyApiAllowance: 1000 });
      client = clientFor(jwtOptions(bed.url), { governor: { maxShare: 0.8, slowShare: 0.7, maxSpacingMs: 150 } });
      await countContacts(client);
      assert.equal(client.governorState(), 'normal');
      assert.deepEqual(client.apiUsage(), bed.sf.apiUsage());
      bed.sf.setApiUsage(720);
      await countContacts(client);
      assert.equal(client.governorState(), 'slow');
      const t0 = performance.now();
      await countContacts(client);
      await countContacts(client);
      const spent = performance.now() - t0;
      assert.ok(spent >= 140, `two slowed calls took ${spent.toFixed(0)} ms, expected ≥ 150 ms spacing`);
    });

    it('pauses non-critical calls past maxShare and resumes when a probe shows room', async () => {
      bed = await restartWith(bed, { dailyApiAllowance: 1000 });
      client = clientFor(jwtOptions(bed.url), { governor: { maxShare: 0.8, probeIntervalMs: 400 } });
      bed.sf.setApiUsage(850);
      await countContacts(client);
      assert.equal(client.governorState(), 'paused');
      assert.equal(await client.call('sosl', async () => 'critical goes at once', { critical: true }), 'critical goes at once');
      const before = bed.sf.apiCalls().soql;
      const held = countContacts(client);
      await new Promise((r) => setTimeout(r, 40));
      assert.equal(bed.sf.apiCalls().soql, before, 'held while paused');
      bed.sf.setApiUsage(100); // the rolling window moved on
      assert.equal(await held, 0);
      assert.equal(client.governorState(), 'normal');
    });
  });
});

async function restartWith(bed: Bed, options: Parameters<typeof startSf>[0]): Promise<Bed> {
  await bed.sf.close();
  return startSf(options);
}
