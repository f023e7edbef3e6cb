import assert from 'node:assert/strict';
import { API, CALL_KEY, list, passwordToken, post, startOrg } from './sf-fixtures.js';
import type { J, Org } from './sf-fixtures.js';

const sub = (referenceId: string, method: string, path: string, body?: unknown) => ({ referenceId, method, url: `${API}${path}`, ...(body !== undefined ? { body } : {}) });

describe('sf-emulator: Composite', () => {
  let org: Org;
  let token: string;
  beforeEach(async () => {
    org = await startOrg();
    token = await passwordToken(org.url);
  });
  afterEach(() => org.sf.close());

  const composite = (allOrNone: boolean, compositeRequest: unknown[]) => post(org.url, token, '/composite', { allOrNone, compositeRequest });
  const results = (json: J) => list(json['compositeResponse']);

  it('runs subrequests in order, passing @{ref.id} and @{ref.records[0].Id} references, and counts as one API call', async () => {
    org.sf.seed('Account', { Name: 'Unknown Callers' });
    const before = org.sf.apiUsage().used;
    const res = await composite(true, [
      sub('acct', 'GET', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'Unknown Callers'")}`),
      sub('contact', 'POST', '/sobjects/Contact', { LastName: '+14155550100', AccountId: '@{acct.records[0].Id}' }),
      sub('call', 'PATCH', `/sobjects/Task/${CALL_KEY}/gw:1`, { Subject: 'Missed call', WhoId: '@{contact.id}' }),
    ]);
    assert.equal(res.status, 200);
    const [q, contact, task] = results(res.json);
    assert.deepEqual([q!['httpStatusCode'], contact!['httpStatusCode'], task!['httpStatusCode']], [200, 201, 201]);
    assert.equal(contact!['referenceId'], 'contact');
    assert.equal(contact!['httpHeaders']!['Location'], `${API}/sobjects/Contact/${String(contact!['body']!['id'])}`);
    assert.equal(task!['body']!['created'], true);
    const stored = org.sf.records('Task')[0]!;
    assert.equal(stored['WhoId'], contact!['body']!['id']);
    assert.equal(org.sf.apiUsage().used - before, 1);
    assert.equal(org.sf.apiCalls().composite, 1);
  });

  it('allOrNone: a failing subrequest rolls back the earlier ones; all others answer 400 PROCESSING_HALTED', async () => {
    const res = await composite(true, [
      sub('a', 'POST', '/sobjects/Account', { Name: 'Acme' }),
      sub('c', 'POST', '/sobjects/Contact', { FirstName: 'no last name', AccountId: '@{a.id}' }),
      sub('t', 'POST', '/sobjects/Task', { Subject: 'never runs' }),
    ]);
    const [a, c, t] = results(res.json);
    assert.equal(c!['httpStatusCode'], 400);
    assert.equal(list(c!['body'])[0]!['errorCode'], 'REQUIRED_FIELD_MISSING');
    for (const r of [a!, t!]) {
      assert.equal(r['httpStatusCode'], 400);
      assert.deepEqual(r['body'], [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }]);
    }
    assert.equal(org.sf.records('Account').length, 0);
    assert.equal(org.sf.records('Task').length, 0);
  });

  it('without allOrNone: earlier successes stay, a reference to a failed subrequest is PROCESSING_HALTED', async () => {
    const res = await composite(false, [
      sub('a', 'POST', '/sobjects/Account', { Name: 'Acme' }),
      sub('bad', 'POST', '/sobjects/Contact', { FirstName: 'x' }),
      sub('t', 'POST', '/sobjects/Task', { WhoId: '@{bad.id}' }),
    ]);
    const [a, bad, t] = results(res.json);
    assert.equal(a!['httpStatusCode'], 201);
    assert.equal(bad!['httpStatusCode'], 400);
    assert.equal(t!['httpStatusCode'], 400);
    assert.equal(list(t!['body'])[0]!['errorCode'], 'PROCESSING_HALTED');
    assert.match(String(list(t!['body'])[0]!['message']), /^Invalid reference specified\. No value for bad\.id found in bad\./);
    assert.equal(org.sf.records('Account').length, 1);
  });

  it('an sObject Collections subrequest inherits allOrNone from the composite request', async () => {
    const res = await composite(true, [
      sub('coll', 'POST', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Task' }, Subject: 'a' }, { attributes: { type: 'Task' }, Nope__c: 1 }] }),
    ]);
    const [coll] = results(res.json);
    assert.equal(coll!['httpStatusCode'], 200);
    assert.deepEqual(list(coll!['body']).map((r) => r['success']), [false, false]);
    assert.equal(org.sf.records('Task').length, 0);
  });

  it('an injected lock hits the matching subrequest only', async () => {
    org.sf.inject({ kind: 'lock', match: { method: 'PATCH', pathPrefix: '/sobjects/Task' } });
    const res = await composite(false, [
      sub('a', 'POST', '/sobjects/Task', { Subject: 'a' }),
      sub('b', 'PATCH', `/sobjects/Task/${CALL_KEY}/k`, { Subject: 'b' }),
    ]);
    const [a, b] = results(res.json);
    assert.equal(a!['httpStatusCode'], 201);
    assert.equal(b!['httpStatusCode'], 400);
    assert.equal(list(b!['body'])[0]!['errorCode'], 'UNABLE_TO_LOCK_ROW');
  });

  it('refuses more than 25 subrequests, more than 5 queries/collections, and bad referenceIds', async () => {
    const many = Array.from({ length: 26 }, (_, i) => sub(`r${i}`, 'GET', '/limits'));
    const tooMany = await composite(false, many);
    assert.equal(tooMany.status, 400);
    assert.equal(list(tooMany.json)[0]!['errorCode'], 'INVALID_INPUT');
    const queries = Array.from({ length: 6 }, (_, i) => sub(`q${i}`, 'GET', '/query?q=SELECT+Id+FROM+Task'));
    assert.equal((await composite(false, queries)).status, 400);
    assert.equal((await composite(false, [sub('bad-ref', 'GET', '/limits')])).status, 400);
    assert.equal((await composite(false, [sub('x', 'GET', '/limits'), sub('x', 'GET', '/limits')])).status, 400);
  });
});
