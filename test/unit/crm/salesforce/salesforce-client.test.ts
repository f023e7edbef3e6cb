import assert from 'node:assert/strict';
import { SalesforceClient, SalesforceError } from '../../../../src/crm/index.js';
import type { ApiCallKind, GovernorState, SalesforceClientOptions } from '../../../../src/crm/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeConnector, networkError, sessionOf, settle, sfError } from './fake-connector.js';

const OPTIONS = {
  connection: { auth: { kind: 'password', username: 'u', password: 'p', securityToken: 't' }, loginUrl: 'https://login.salesforce.com', apiVersion: '62.0' },
} as const;

function setup(extra: Partial<SalesforceClientOptions> = {}) {
  const clock = new FakeClock(0);
  const connector = new FakeConnector();
  const counted: ApiCallKind[] = [];
  const states: GovernorState[] = [];
  const client = new SalesforceClient({
    ...OPTIONS,
    clock,
    connector,
    random: () => 0.5,
    retry: { baseMs: 100, maxMs: 1000, maxAttempts: 4 },
    metrics: { apiCalls: (k) => counted.push(k), governorState: (s) => states.push(s) },
    epochNow: () => Date.UTC(2024, 0, 1, 12),
    ...extra,
  });
  return { clock, connector, client, counted, states };
}

/** Runs the clock through every timer the call sets, until it settles. */
async function drive<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let done = false;
  const watched = p.finally(() => { done = true; });
  watched.catch(() => undefined);
  for (let i = 0; i < 100 && !done; i++) {
    await settle();
    const due = clock.nextDue();
    if (due !== undefined) clock.advanceTo(due);
  }
  return watched;
}

const isSfError = (code: string, permanent: boolean) => (e: unknown) =>
  e instanceof SalesforceError && e.code === code && e.permanent === permanent;

describe('SalesforceClient', () => {
  it('logs in once, lends the connection and counts each HTTP request by kind', async () => {
    const { client, connector, counted, states } = setup();
    const r1 = await client.call('sosl', async (conn) => { connector.respond(200); return sessionOf(conn); });
    const r2 = await client.call('soql', async () => { connector.respond(200); return 'x'; });
    assert.equal(r1, 1);
    assert.equal(r2, 'x');
    assert.equal(connector.opens, 1);
    assert.deepEqual(counted, ['login', 'sosl', 'soql']);
    assert.equal(client.apiCallCounts().sosl, 1);
    assert.equal(client.apiCallCounts().login, 1);
    assert.deepEqual(states, ['normal']);
    assert.deepEqual(await client.identity(), { userId: '005000000000001AAA', orgId: '00D000000000001AAA', instanceUrl: 'https://fake.my.salesforce.com' });
    await client.close();
  });

  it('logs in again once on INVALID_SESSION_ID and retries with the new session', async () => {
    const { client, connector } = setup();
    const seen: number[] = [];
    const result = await client.call('create', async (conn) => {
      seen.push(sessionOf(conn));
      connector.respond(seen.length === 1 ? 401 : 201);
      if (seen.length === 1) throw sfError('INVALID_SESSION_ID', 'Session expired or invalid');
      return 'ok';
    });
    assert.equal(result, 'ok');
    assert.deepEqual(seen, [1, 2]);
    assert.equal(connector.opens, 2);
    await client.close();
  });

  it('gives up after one re-login when the new session is refused too', async () => {
    const { client, connector } = setup();
    await assert.rejects(client.call('create', async () => {
      connector.respond(401);
      throw sfError('INVALID_SESSION_ID');
    }), isSfError('INVALID_SESSION_ID', false));
    assert.equal(connector.opens, 2);
    await client.close();
  });

  it('shares one re-login among concurrent calls that found the session expired', async () => {
    const { client, connector } = setup();
    await client.connect();
    const expired = new Set<number>([1]);
    const call = () => client.call('soql', async (conn) => {
      connector.respond(expired.has(sessionOf(conn)) ? 401 : 200);
      await settle(1);
      if (expired.has(sessionOf(conn))) throw sfError('INVALID_SESSION_ID');
      return sessionOf(conn);
    });
    assert.deepEqual(await Promise.all([call(), call(), call()]), [2, 2, 2]);
    assert.equal(connector.opens, 2);
    await client.close();
  });

  for (const [name, make, status] of [
    ['503', () => sfError('SERVER_UNAVAILABLE'), 503],
    ['REQUEST_LIMIT_EXCEEDED', () => sfError('REQUEST_LIMIT_EXCEEDED'), 403],
    ['a network error', () => networkError('ECONNRESET'), undefined],
    ['UNABLE_TO_LOCK_ROW', () => sfError('UNABLE_TO_LOCK_ROW'), 400],
  ] as const) {
    it(`backs off with full jitter on ${name}, on the injected clock`, async () => {
      const { client, connector, clock } = setup();
      await client.connect();
      const started: number[] = [];
      const p = client.call('update', async () => {
        started.push(clock.now());
        if (status !== undefined) connector.respond(started.length < 3 ? status : 204);
        if (started.length < 3) throw make();
        return 'done';
      });
      assert.equal(await drive(clock, p), 'done');
      // random() = 0.5: 0.5·100 after the first failure, 0.5·200 after the second.
      assert.deepEqual(started, [0, 50, 150]);
      assert.equal(clock.pending(), 0);
      await client.close();
    });
  }

  it('throws a non-permanent SalesforceError after maxAttempts', async () => {
    const { client, connector, clock } = setup();
    let attempts = 0;
    const p = client.call('collections', async () => {
      attempts += 1;
      connector.respond(503);
      throw sfError('SERVER_UNAVAILABLE');
    });
    await assert.rejects(drive(clock, p), (e: unknown) => isSfError('SERVER_UNAVAILABLE', false)(e) && (e as SalesforceError).httpStatus === 503);
    assert.equal(attempts, 4);
    await client.close();
  });

  it('treats a 5xx without a Salesforce error body as backoff (jsforce says ERROR_HTTP_502)', async () => {
    const { client, connector, clock } = setup();
    let attempts = 0;
    const p = client.call('soql', async () => {
      attempts += 1;
      connector.respond(attempts === 1 ? 502 : 200);
      if (attempts === 1) throw sfError('ERROR_HTTP_502', '<html>Bad gateway</html>');
      return attempts;
    });
    assert.equal(await drive(clock, p), 2);
    await client.close();
  });

  it('throws permanent errors at once, with the fields Salesforce blamed', async () => {
    const { client, connector } = setup();
    let attempts = 0;
    await assert.rejects(client.call('create', async () => {
      attempts += 1;
      connector.respond(400);
      throw sfError('INVALID_FIELD', "No such column 'Foo__c'", ['Foo__c']);
    }), (e: unknown) => isSfError('INVALID_FIELD', true)(e) && (e as SalesforceError).fields[0] === 'Foo__c');
    assert.equal(attempts, 1);
    await client.close();
  });

  it('does not repeat a non-idempotent request after an unknown outcome, but does after a refusal', async () => {
    const { client, connector, clock } = setup();
    let attempts = 0;
    await assert.rejects(client.call('collections', async () => {
      attempts += 1;
      connector.respond(503);
      throw sfError('SERVER_UNAVAILABLE');
    }, { idempotent: false }), isSfError('SERVER_UNAVAILABLE', false));
    assert.equal(attempts, 1);
    attempts = 0;
    const p = client.call('collections', async () => {
      attempts += 1;
      connector.respond(attempts === 1 ? 403 : 200);
      if (attempts === 1) throw sfError('REQUEST_LIMIT_EXCEEDED');
      return 'created';
    }, { idempotent: false });
    assert.equal(await drive(clock, p), 'created');
    await client.close();
  });

  it('fails connect() at once on refused credentials and retries a login that hit the network', async () => {
    const refused = setup();
    const grant = new Error('authentication failure');
    grant.name = 'invalid_grant';
    refused.connector.openFailures.push(Object.assign(grant, { status: 400 }));
    await assert.rejects(refused.client.connect(), isSfError('invalid_grant', true));
    assert.equal(refused.connector.opens, 1);
    await refused.client.close();

    const flaky = setup();
    flaky.connector.openFailures.push(networkError('ECONNREFUSED'), undefined);
    await drive(flaky.clock, flaky.client.connect());
    assert.equal(flaky.connector.opens, 2);
    assert.deepEqual(flaky.counted, ['login', 'login']);
    await flaky.client.close();
  });

  it('reads Sforce-Limit-Info from responses and slows, then pauses, non-critical calls', async () => {
    const { client, connector, clock, states } = setup({ governor: { maxShare: 0.8, maxSpacingMs: 1000, probeIntervalMs: 60_000 } });
    await client.call('soql', async () => connector.respond(200, { used: 75, max: 100 }));
    assert.equal(client.governorState(), 'slow');
    assert.deepEqual(client.apiUsage(), { used: 75, max: 100 });
    const started: number[] = [];
    const spaced = Promise.all([1, 2].map(() => client.call('soql', async () => { started.push(clock.now()); connector.respond(200, { used: 76, max: 100 }); })));
    await drive(clock, spaced);
    assert.deepEqual(started, [0, 1000], 'the first slowed call goes at once, the next one maxSpacingMs later');

    await drive(clock, client.call('soql', async () => connector.respond(200, { used: 81, max: 100 })));
    assert.equal(client.governorState(), 'paused');
    const critical = await client.call('sosl', async () => { connector.respond(200, { used: 82, max: 100 }); return clock.now(); }, { critical: true });
    assert.equal(critical, clock.now());
    const t0 = clock.now();
    const held = client.call('update', async () => { connector.respond(200, { used: 40, max: 100 }); return clock.now(); });
    const resumed = await drive(clock, held);
    assert.equal(resumed - t0, 60_000, 'released as the probe after probeIntervalMs');
    assert.equal(client.governorState(), 'normal');
    assert.deepEqual(states, ['normal', 'slow', 'paused', 'normal']);
    await client.close();
    assert.equal(clock.pending(), 0);
  });

  it('close() rejects calls waiting on a backoff and leaves no timer', async () => {
    const { client, connector, clock } = setup();
    const p = client.call('soql', async () => { connector.respond(503); throw sfError('SERVER_UNAVAILABLE'); });
    const outcome = p.then(() => 'resolved', (e: unknown) => e);
    await settle();
    assert.equal(clock.pending(), 1);
    await client.close();
    assert.ok(isSfError('CLIENT_CLOSED', false)(await outcome));
    assert.equal(clock.pending(), 0);
    await assert.rejects(client.call('soql', async () => 1), isSfError('CLIENT_CLOSED', false));
  });
});
