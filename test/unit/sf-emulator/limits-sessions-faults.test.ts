import assert from 'node:assert/strict';
import { FakeClock } from '../../helpers/fake-clock.js';
import { API, get, http, list, passwordToken, post, startOrg } from './sf-fixtures.js';
import type { Org } from './sf-fixtures.js';

const HOUR = 60 * 60 * 1000;

describe('sf-emulator: API allowance, sessions and injected faults', () => {
  let org: Org;
  let clock: FakeClock;
  afterEach(() => org.sf.close());

  describe('daily API allowance', () => {
    beforeEach(async () => {
      clock = new FakeClock(0);
      org = await startOrg({ clock, dailyApiAllowance: 3 });
    });

    it('reports api-usage=N/M in Sforce-Limit-Info on every REST response and in the Limits resource', async () => {
      const token = await passwordToken(org.url);
      const first = await get(org.url, token, '/limits');
      assert.equal(first.headers.get('sforce-limit-info'), 'api-usage=1/3');
      assert.deepEqual(first.json['DailyApiRequests'], { Max: 3, Remaining: 2 });
      const failed = await post(org.url, token, '/sobjects/Contact', {});
      assert.equal(failed.status, 400);
      assert.equal(failed.headers.get('sforce-limit-info'), 'api-usage=2/3', 'failed calls count too');
      const unauth = await get(org.url, 'bogus', '/limits');
      assert.equal(unauth.status, 401);
      assert.equal(unauth.headers.get('sforce-limit-info'), 'api-usage=2/3', 'calls without a session do not');
      assert.deepEqual(org.sf.apiUsage(), { used: 2, max: 3 });
    });

    it('past the allowance answers 403 REQUEST_LIMIT_EXCEEDED until the rolling 24 hours free calls', async () => {
      const token = await passwordToken(org.url);
      for (let i = 0; i < 3; i++) assert.equal((await get(org.url, token, '/limits')).status, 200);
      clock.advance(HOUR);
      const refused = await get(org.url, token, '/limits');
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.json, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED', fields: [] }]);
      assert.equal(refused.headers.get('sforce-limit-info'), 'api-usage=3/3');
      clock.advance(23 * HOUR);
      const again = await get(org.url, await passwordToken(org.url), '/limits'); // the old session timed out meanwhile
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('sforce-limit-info'), 'api-usage=1/3');
    });

    it('setApiUsage lets a test start near the limit', async () => {
      const token = await passwordToken(org.url);
      org.sf.setApiUsage(2);
      assert.equal((await get(org.url, token, '/limits')).headers.get('sforce-limit-info'), 'api-usage=3/3');
      assert.equal((await get(org.url, token, '/limits')).status, 403);
    });
  });

  describe('sessions', () => {
    beforeEach(async () => {
      clock = new FakeClock(0);
      org = await startOrg({ clock, sessionLifetimeMs: 30 * 60 * 1000 });
    });

    it('a session expires after the lifetime without use (401 INVALID_SESSION_ID); use keeps it alive', async () => {
      const token = await passwordToken(org.url);
      clock.advance(29 * 60 * 1000);
      assert.equal((await get(org.url, token, '/limits')).status, 200);
      clock.advance(29 * 60 * 1000);
      assert.equal((await get(org.url, token, '/limits')).status, 200, 'activity restarted the timeout');
      clock.advance(30 * 60 * 1000);
      const expired = await get(org.url, token, '/limits');
      assert.equal(expired.status, 401);
      assert.deepEqual(expired.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] }]);
      assert.equal((await get(org.url, await passwordToken(org.url), '/limits')).status, 200, 'a new login works');
    });

    it('a missing Authorization header is 401; expireSessions ends every session', async () => {
      assert.equal((await http(org.url, 'GET', `${API}/limits`)).status, 401);
      const token = await passwordToken(org.url);
      org.sf.expireSessions();
      assert.equal((await get(org.url, token, '/limits')).status, 401);
    });
  });

  describe('injected faults', () => {
    beforeEach(async () => {
      org = await startOrg();
    });

    it("'invalid-session' revokes the session of the matching request: 401 until the client logs in again", async () => {
      const token = await passwordToken(org.url);
      org.sf.inject({ kind: 'invalid-session', match: { pathPrefix: '/composite' } });
      assert.equal((await get(org.url, token, '/limits')).status, 200, 'a request that does not match is untouched');
      const res = await post(org.url, token, '/composite/sobjects', { records: [] });
      assert.equal(res.status, 401);
      assert.equal(list(res.json)[0]!['errorCode'], 'INVALID_SESSION_ID');
      assert.equal((await get(org.url, token, '/limits')).status, 401, 'the session is gone');
      const fresh = await passwordToken(org.url);
      assert.equal((await post(org.url, fresh, '/composite/sobjects', { records: [] })).status, 200);
    });

    it("'5xx' answers 503 (or the given status) the given number of times, then recovers", async () => {
      const token = await passwordToken(org.url);
      org.sf.inject({ kind: '5xx', times: 2, match: { method: 'GET' } });
      const a = await get(org.url, token, '/limits');
      assert.equal(a.status, 503);
      assert.equal(list(a.json)[0]!['errorCode'], 'SERVER_UNAVAILABLE');
      assert.equal((await get(org.url, token, '/limits')).status, 503);
      assert.equal((await get(org.url, token, '/limits')).status, 200);
      org.sf.inject({ kind: '5xx', status: 502, match: { pathPrefix: '/services/oauth2/token' } });
      await assert.rejects(passwordToken(org.url), /login failed/);
      assert.ok(await passwordToken(org.url));
    });

    it('apiCalls() counts requests by kind, whatever their outcome', async () => {
      const token = await passwordToken(org.url);
      await get(org.url, token, '/limits');
      await get(org.url, token, '/sobjects/Task/describe');
      await post(org.url, token, '/sobjects/Contact', { LastName: 'x' });
      await post(org.url, token, '/sobjects/Contact', {});
      await get(org.url, token, `/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`);
      await get(org.url, token, `/search?q=${encodeURIComponent('FIND {4155550100} IN PHONE FIELDS')}`);
      await post(org.url, token, '/composite/sobjects', { records: [] });
      const calls = org.sf.apiCalls();
      assert.deepEqual(
        [calls.login, calls.limits, calls.describe, calls.create, calls.soql, calls.sosl, calls.collections, calls.upsert],
        [1, 1, 1, 2, 1, 1, 1, 0],
      );
      org.sf.resetApiCalls();
      assert.equal(org.sf.apiCalls().create, 0);
    });
  });
});
