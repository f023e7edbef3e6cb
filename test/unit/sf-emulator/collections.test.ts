import assert from 'node:assert/strict';
import { CALL_KEY, list, passwordToken, patch, post, startOrg } from './sf-fixtures.js';
import type { J, Org } from './sf-fixtures.js';

const task = (fields: Record<string, unknown>) => ({ attributes: { type: 'Task' }, ...fields });
const codes = (result: J) => list(result['errors']).map((e) => String(e['statusCode']));

describe('sf-emulator: sObject Collections', () => {
  let org: Org;
  let token: string;
  beforeEach(async () => {
    org = await startOrg();
    token = await passwordToken(org.url);
  });
  afterEach(() => org.sf.close());

  it('creates mixed records in order and reports each result; failures do not stop the others', async () => {
    const res = await post(org.url, token, '/composite/sobjects', {
      allOrNone: false,
      records: [task({ Subject: 'a' }), { attributes: { type: 'Contact' }, FirstName: 'no last name' }, task({ Subject: 'c' })],
    });
    assert.equal(res.status, 200);
    const [a, b, c] = list(res.json);
    assert.equal(a!['success'], true);
    assert.match(String(a!['id']), /^00T/);
    assert.deepEqual(b, { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }] });
    assert.equal(c!['success'], true);
    assert.deepEqual(org.sf.records('Task').map((t) => t['Subject']), ['a', 'c']);
  });

  it('allOrNone: one failure rolls everything back; the others say ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const res = await post(org.url, token, '/composite/sobjects', {
      allOrNone: true,
      records: [task({ Subject: 'a' }), task({ Subject: 'b', Bogus__c: 1 }), task({ Subject: 'c' })],
    });
    assert.equal(res.status, 200);
    const results = list(res.json);
    assert.deepEqual(results.map((r) => r['success']), [false, false, false]);
    assert.deepEqual(results.map(codes), [['ALL_OR_NONE_OPERATION_ROLLED_BACK'], ['INVALID_FIELD'], ['ALL_OR_NONE_OPERATION_ROLLED_BACK']]);
    assert.equal(org.sf.records('Task').length, 0);
  });

  it('200 records are accepted; 201 are refused with 400 EXCEEDED_ID_LIMIT and nothing is written', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => task({ Subject: `t${i}` }));
    const ok = await post(org.url, token, '/composite/sobjects', { records: many(200) });
    assert.equal(ok.status, 200);
    assert.equal(list(ok.json).length, 200);
    assert.ok(list(ok.json).every((r) => (r['success'] as unknown) === true));
    const tooMany = await post(org.url, token, '/composite/sobjects', { records: many(201) });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.json, [{ message: 'record limit reached. cannot submit more than 200 records into this call', errorCode: 'EXCEEDED_ID_LIMIT', fields: [] }]);
    assert.equal(org.sf.records('Task').length, 200);
  });

  it('updates by id; a missing id is MISSING_ARGUMENT, an id of another object MALFORMED_ID, TaskSubtype is refused', async () => {
    const t1 = org.sf.seed('Task', { Subject: 'a', TaskSubtype: 'Call' });
    const contact = org.sf.seed('Contact', { LastName: 'Doe' });
    const res = await patch(org.url, token, '/composite/sobjects', {
      records: [task({ id: t1, Subject: 'a2' }), task({ Subject: 'no id' }), task({ id: contact, Subject: 'x' }), task({ id: t1, TaskSubtype: 'Call' })],
    });
    const [ok, noId, wrong, subtype] = list(res.json);
    assert.deepEqual(ok, { id: t1, success: true, errors: [] });
    assert.deepEqual(codes(noId!), ['MISSING_ARGUMENT']);
    assert.deepEqual(codes(wrong!), ['MALFORMED_ID']);
    assert.deepEqual(codes(subtype!), ['INVALID_FIELD_FOR_INSERT_UPDATE']);
    assert.equal(org.sf.records('Task')[0]!['Subject'], 'a2');
  });

  it('upserts on an external ID: created true/false per record; duplicates in one request fail both', async () => {
    org.sf.seed('Task', { [CALL_KEY]: 'gw:1', Subject: 'old' });
    const res = await patch(org.url, token, `/composite/sobjects/Task/${CALL_KEY}`, {
      allOrNone: false,
      records: [task({ [CALL_KEY]: 'gw:1', Subject: 'new' }), task({ [CALL_KEY]: 'gw:2', Subject: 'two', TaskSubtype: 'Call' }), task({ [CALL_KEY]: 'gw:3' }), task({ [CALL_KEY]: 'gw:3' })],
    });
    assert.equal(res.status, 200);
    const [updated, created, dupA, dupB] = list(res.json);
    assert.equal(updated!['created'], false);
    assert.equal(updated!['success'], true);
    assert.equal(created!['created'], true);
    assert.deepEqual(codes(dupA!), ['DUPLICATE_EXTERNAL_ID']);
    assert.deepEqual(codes(dupB!), ['DUPLICATE_EXTERNAL_ID']);
    const byKey = new Map(org.sf.records('Task').map((t) => [t[CALL_KEY], t]));
    assert.equal(byKey.get('gw:1')!['Subject'], 'new');
    assert.equal(byKey.get('gw:2')!['TaskSubtype'], 'Call');
    assert.equal(byKey.size, 2);
    const notExt = await patch(org.url, token, '/composite/sobjects/Task/Subject', { records: [task({ Subject: 'x' })] });
    assert.equal(notExt.status, 404);
  });

  it('an injected lock fails the chosen records with UNABLE_TO_LOCK_ROW inside a 200; the next request succeeds', async () => {
    org.sf.inject({ kind: 'lock', match: { pathPrefix: '/composite/sobjects' }, recordIndexes: [1] });
    const records = [task({ [CALL_KEY]: 'k1' }), task({ [CALL_KEY]: 'k2' }), task({ [CALL_KEY]: 'k3' })];
    const first = await patch(org.url, token, `/composite/sobjects/Task/${CALL_KEY}`, { records });
    assert.equal(first.status, 200);
    assert.deepEqual(list(first.json).map((r) => r['success']), [true, false, true]);
    assert.deepEqual(codes(list(first.json)[1]!), ['UNABLE_TO_LOCK_ROW']);
    const retry = await patch(org.url, token, `/composite/sobjects/Task/${CALL_KEY}`, { records: [records[1]] });
    assert.deepEqual(list(retry.json).map((r) => r['created']), [true]);
    assert.equal(org.sf.records('Task').length, 3);
  });

  it('a lock on every record (the default) with allOrNone writes nothing', async () => {
    org.sf.inject({ kind: 'lock', times: 1 });
    const res = await post(org.url, token, '/composite/sobjects', { allOrNone: true, records: [task({ Subject: 'a' }), task({ Subject: 'b' })] });
    assert.deepEqual(list(res.json).map(codes), [['UNABLE_TO_LOCK_ROW'], ['UNABLE_TO_LOCK_ROW']]);
    assert.equal(org.sf.records('Task').length, 0);
  });

  it('a malformed body is refused with 400', async () => {
    const res = await post(org.url, token, '/composite/sobjects', { records: 'nope' });
    assert.equal(res.status, 400);
    assert.equal(list(res.json)[0]!['errorCode'], 'JSON_PARSER_ERROR');
  });
});
