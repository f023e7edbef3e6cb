import assert from 'node:assert/strict';
import { FakeClock } from '../../helpers/fake-clock.js';
import { API, CALL_KEY, USER, get, http, list, passwordToken, patch, post, startOrg } from './sf-fixtures.js';
import type { Org } from './sf-fixtures.js';

describe('sf-emulator: sObject create, retrieve, update, upsert', () => {
  let org: Org;
  let token: string;
  const clock = new FakeClock(1_000);
  const start = Date.UTC(2024, 4, 1, 12, 0, 0);
  beforeEach(async () => {
    org = await startOrg({ clock, wallClockStart: start });
    token = await passwordToken(org.url);
  });
  afterEach(() => org.sf.close());

  const error = (body: unknown) => list(body as never)[0];

  it('creates a Contact (201, {id, success, errors}) with an 18-character 003 Id and the system fields', async () => {
    const res = await post(org.url, token, '/sobjects/Contact', { FirstName: 'Jane', LastName: 'Doe', MobilePhone: '+1 415-555-0101' });
    assert.equal(res.status, 201);
    const id = String(res.json['id']);
    assert.deepEqual(res.json, { id, success: true, errors: [] });
    assert.match(id, /^003[0-9A-Za-z]{15}$/);
    const got = await get(org.url, token, `/sobjects/Contact/${id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json['attributes'], { type: 'Contact', url: `${API}/sobjects/Contact/${id}` });
    assert.equal(got.json['Name'], 'Jane Doe');
    assert.equal(got.json['CreatedDate'], '2024-05-01T12:00:00.000+0000');
    assert.equal(got.json['SystemModstamp'], '2024-05-01T12:00:00.000+0000');
    assert.equal(got.json['OwnerId'], org.sf.userId(USER.username));
    assert.equal(got.json['CreatedById'], org.sf.userId(USER.username));
  });

  it('updates with PATCH (204), moving LastModifiedDate but not CreatedDate; a 15-character Id works too', async () => {
    const id = String((await post(org.url, token, '/sobjects/Account', { Name: 'Acme' })).json['id']);
    clock.advance(5_000);
    const res = await patch(org.url, token, `/sobjects/Account/${id.slice(0, 15)}`, { Phone: '(415) 555-0100' });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const got = await get(org.url, token, `/sobjects/Account/${id}?fields=Phone,CreatedDate,LastModifiedDate`);
    assert.deepEqual({ ...got.json, attributes: undefined }, {
      attributes: undefined, Phone: '(415) 555-0100', CreatedDate: '2024-05-01T12:00:00.000+0000', LastModifiedDate: '2024-05-01T12:00:05.000+0000',
    });
  });

  it('an unknown field is INVALID_FIELD; an Id in a create body is INVALID_FIELD too', async () => {
    const res = await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe', Shoe_Size__c: 44 });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, [{ message: "No such column 'Shoe_Size__c' on sobject of type Contact", errorCode: 'INVALID_FIELD', fields: [] }]);
    const withId = await post(org.url, token, '/sobjects/Contact', { Id: '003000000000000AAA', LastName: 'Doe' });
    assert.equal(error(withId.json)!['errorCode'], 'INVALID_FIELD');
  });

  it('required fields: Contact LastName, Account Name, Lead LastName and Company', async () => {
    const contact = await post(org.url, token, '/sobjects/Contact', { FirstName: 'Jane' });
    assert.deepEqual(contact.json, [{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }]);
    const account = await post(org.url, token, '/sobjects/Account', { Phone: '1' });
    assert.deepEqual(error(account.json)!['fields'], ['Name']);
    const lead = await post(org.url, token, '/sobjects/Lead', { FirstName: 'Pat' });
    assert.deepEqual(error(lead.json)!['fields'], ['LastName', 'Company']);
    const id = String((await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe' })).json['id']);
    const cleared = await patch(org.url, token, `/sobjects/Contact/${id}`, { LastName: null });
    assert.equal(error(cleared.json)!['errorCode'], 'REQUIRED_FIELD_MISSING');
  });

  it('TaskSubtype can be set on create but not updated (INVALID_FIELD_FOR_INSERT_UPDATE)', async () => {
    const id = String((await post(org.url, token, '/sobjects/Task', { Subject: 'Call', TaskSubtype: 'Call' })).json['id']);
    assert.match(id, /^00T/);
    const res = await patch(org.url, token, `/sobjects/Task/${id}`, { TaskSubtype: 'Call', Subject: 'x' });
    assert.equal(res.status, 400);
    assert.equal(error(res.json)!['errorCode'], 'INVALID_FIELD_FOR_INSERT_UPDATE');
    assert.deepEqual(error(res.json)!['fields'], ['TaskSubtype']);
    const bad = await post(org.url, token, '/sobjects/Task', { TaskSubtype: 'Fax' });
    assert.equal(error(bad.json)!['errorCode'], 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const system = await post(org.url, token, '/sobjects/Task', { CreatedDate: '2020-01-01T00:00:00Z' });
    assert.equal(error(system.json)!['errorCode'], 'INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('a Task whose WhoId is a Lead refuses any WhatId; with a Contact it is fine and AccountId follows', async () => {
    const account = org.sf.seed('Account', { Name: 'Acme' });
    const lead = org.sf.seed('Lead', { LastName: 'Lee', Company: 'Initech' });
    const contact = org.sf.seed('Contact', { LastName: 'Doe', AccountId: account });
    const refused = await post(org.url, token, '/sobjects/Task', { WhoId: lead, WhatId: account, Subject: 'x' });
    assert.equal(refused.status, 400);
    assert.equal(error(refused.json)!['errorCode'], 'FIELD_INTEGRITY_EXCEPTION');
    const ok = await post(org.url, token, '/sobjects/Task', { WhoId: contact, Subject: 'x' });
    const task = await get(org.url, token, `/sobjects/Task/${String(ok.json['id'])}?fields=AccountId,WhoId`);
    assert.equal(task.json['AccountId'], account);
    const leadTask = String((await post(org.url, token, '/sobjects/Task', { WhoId: lead })).json['id']);
    const later = await patch(org.url, token, `/sobjects/Task/${leadTask}`, { WhatId: account });
    assert.equal(error(later.json)!['errorCode'], 'FIELD_INTEGRITY_EXCEPTION', 'the rule holds on update too');
  });

  it('references: not an Id → MALFORMED_ID, wrong object → FIELD_INTEGRITY_EXCEPTION, missing → INVALID_CROSS_REFERENCE_KEY', async () => {
    const lead = org.sf.seed('Lead', { LastName: 'Lee', Company: 'Initech' });
    const notId = await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe', AccountId: 'NotReal' });
    assert.equal(error(notId.json)!['errorCode'], 'MALFORMED_ID');
    const wrong = await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe', AccountId: lead });
    assert.equal(error(wrong.json)!['errorCode'], 'FIELD_INTEGRITY_EXCEPTION');
    const missing = await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe', AccountId: '001000000000099AAA' });
    assert.equal(error(missing.json)!['errorCode'], 'INVALID_CROSS_REFERENCE_KEY');
    assert.equal(org.sf.records('Contact').length, 0, 'failed saves leave nothing behind');
  });

  it('value checks: STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, JSON_PARSER_ERROR for a wrong type', async () => {
    const long = await post(org.url, token, '/sobjects/Task', { Subject: 'x'.repeat(256) });
    assert.equal(error(long.json)!['errorCode'], 'STRING_TOO_LONG');
    const email = await post(org.url, token, '/sobjects/Contact', { LastName: 'Doe', Email: 'not-an-email' });
    assert.equal(error(email.json)!['errorCode'], 'INVALID_EMAIL_ADDRESS');
    const int = await post(org.url, token, '/sobjects/Task', { CallDurationInSeconds: 'long' });
    assert.equal(error(int.json)!['errorCode'], 'JSON_PARSER_ERROR');
    const malformed = await http(org.url, 'POST', `${API}/sobjects/Task`, { token, raw: '{"Subject":', contentType: 'application/json' });
    assert.equal(error(malformed.json)!['errorCode'], 'JSON_PARSER_ERROR');
  });

  it('upsert by external ID: 201 created, 200 updated, 404 for a field that is not an external ID', async () => {
    const created = await patch(org.url, token, `/sobjects/Task/${CALL_KEY}/gw1:call-1`, { Subject: 'Inbound call', TaskSubtype: 'Call' });
    assert.equal(created.status, 201);
    assert.equal(created.json['created'], true);
    const updated = await patch(org.url, token, `/sobjects/Task/${CALL_KEY}/gw1:call-1`, { Description: 'notes' });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.json, { id: created.json['id'], success: true, errors: [], created: false });
    const tasks = org.sf.records('Task');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]![CALL_KEY], 'gw1:call-1');
    assert.equal(tasks[0]!['Description'], 'notes');
    const again = await patch(org.url, token, `/sobjects/Task/${CALL_KEY}/gw1:call-1`, { TaskSubtype: 'Call' });
    assert.equal(error(again.json)!['errorCode'], 'INVALID_FIELD_FOR_INSERT_UPDATE', 'an upsert that updates is an update');
    const notExt = await patch(org.url, token, '/sobjects/Task/Subject/x', { Description: 'y' });
    assert.equal(notExt.status, 404);
    assert.equal(error(notExt.json)!['errorCode'], 'NOT_FOUND');
    const inBody = await patch(org.url, token, `/sobjects/Task/${CALL_KEY}/k2`, { [CALL_KEY]: 'k2' });
    assert.equal(inBody.status, 400);
    const byExt = await get(org.url, token, `/sobjects/Task/${CALL_KEY}/gw1:call-1`);
    assert.equal(byExt.json['Id'], created.json['id']);
  });

  it('upsert: updateOnly=true does not create; a value on several records answers 300 with their URLs', async () => {
    const only = await patch(org.url, token, `/sobjects/Task/${CALL_KEY}/nope?updateOnly=true`, { Subject: 'x' });
    assert.equal(only.status, 404);
    assert.equal(org.sf.records('Task').length, 0);
    const dup = await startOrg({ customFields: { Task: [{ name: 'Ext__c', type: 'string', externalId: true }] } });
    try {
      const t = await passwordToken(dup.url);
      const a = dup.sf.seed('Task', { Ext__c: 'same' });
      const b = dup.sf.seed('Task', { Ext__c: 'same' });
      dup.sf.seed('Task', { Ext__c: 'SAME' }); // a non-unique external ID matches case-sensitively
      const res = await patch(dup.url, t, '/sobjects/Task/Ext__c/same', { Subject: 'x' });
      assert.equal(res.status, 300);
      assert.deepEqual(list(res.json), [`${API}/sobjects/Task/${a}`, `${API}/sobjects/Task/${b}`]);
    } finally {
      await dup.sf.close();
    }
  });

  it('a unique external ID refuses a duplicate create with DUPLICATE_VALUE (case-insensitive by default)', async () => {
    const first = String((await post(org.url, token, '/sobjects/Task', { [CALL_KEY]: 'K1' })).json['id']);
    const dup = await post(org.url, token, '/sobjects/Task', { [CALL_KEY]: 'k1' });
    assert.deepEqual(dup.json, [{ message: `duplicate value found: ${CALL_KEY} duplicates value on record with id: ${first}`, errorCode: 'DUPLICATE_VALUE', fields: [CALL_KEY] }]);
  });

  it('unknown objects, records and versions answer 404 NOT_FOUND; the Versions list needs no session', async () => {
    assert.equal((await get(org.url, token, '/sobjects/Nope__c')).status, 404);
    assert.equal((await get(org.url, token, '/sobjects/Contact/003000000000099AAA')).status, 404);
    const old = await http(org.url, 'GET', '/services/data/v49.0/limits', { token });
    assert.equal(old.status, 404);
    assert.deepEqual(old.json, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND', fields: [] }]);
    const versions = await http(org.url, 'GET', '/services/data/');
    assert.equal(versions.status, 200);
    assert.deepEqual(list(versions.json)[0], { label: "Winter '21", url: '/services/data/v50.0', version: '50.0' });
    assert.deepEqual(list(versions.json).find((v) => String(v['version']) === '62.0'), { label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
    assert.equal(versions.headers.get('sforce-limit-info'), null, 'the Versions resource does not count');
  });
});
