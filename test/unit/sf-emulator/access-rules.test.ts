import assert from 'node:assert/strict';
import type { EmulatedUser } from '../../../src/sf-emulator/index.js';
import { CALL_KEY, get, list, passwordToken, patch, post, startOrg } from './sf-fixtures.js';
import type { J, Org } from './sf-fixtures.js';

const LIMITED: EmulatedUser = {
  username: 'limited@example.com',
  password: 'pw',
  securityToken: 'T',
  permissions: { Task: { create: false }, Lead: { read: false } },
  hiddenFields: { Task: ['CallDisposition'] },
  readOnlyFields: { Contact: ['Email'] },
};

describe('sf-emulator: permissions, field-level security, validation rules, describe', () => {
  let org: Org;
  let admin: string;
  let limited: string;
  beforeEach(async () => {
    org = await startOrg({
      users: [
        { username: 'admin@example.com', password: 'pw', securityToken: 'T' },
        LIMITED,
      ],
      validationRules: [{
        sobject: 'Task',
        errorMessage: 'Calls need a duration',
        errorField: 'CallDurationInSeconds',
        condition: (r) => r['TaskSubtype'] === 'Call' && r['CallDurationInSeconds'] === null,
      }],
    });
    admin = await passwordToken(org.url, { username: 'admin@example.com', password: 'pw', securityToken: 'T' });
    limited = await passwordToken(org.url, LIMITED);
  });
  afterEach(() => org.sf.close());

  const fieldsOf = (describe: J) => list(describe['fields']).map((f) => String(f['name']));
  const field = (describe: J, name: string) => list(describe['fields']).find((f) => String(f['name']) === name)!;

  it('describe reports object permissions per user', async () => {
    const full = await get(org.url, admin, '/sobjects/Task/describe');
    assert.equal(full.status, 200);
    assert.deepEqual([full.json['createable'], full.json['updateable'], full.json['queryable']], [true, true, true]);
    const task = await get(org.url, limited, '/sobjects/Task/describe');
    assert.deepEqual([task.json['createable'], task.json['updateable'], task.json['queryable']], [false, true, true]);
    assert.equal((await get(org.url, limited, '/sobjects/Lead/describe')).status, 404, 'no Read: the object does not exist for the user');
    const global = await get(org.url, limited, '/sobjects');
    assert.ok(!list(global.json['sobjects']).some((o) => String(o['name']) === 'Lead'));
  });

  it('describe reports field properties: TaskSubtype createable not updateable; hidden and read-only fields', async () => {
    const task = await get(org.url, admin, '/sobjects/Task/describe');
    assert.deepEqual([field(task.json, 'TaskSubtype')['createable'], field(task.json, 'TaskSubtype')['updateable']], [true, false]);
    assert.equal(field(task.json, CALL_KEY)['externalId'], true);
    assert.equal(field(task.json, CALL_KEY)['unique'], true);
    assert.deepEqual(field(task.json, 'WhoId')['referenceTo'], ['Contact', 'Lead']);
    assert.ok(fieldsOf((await get(org.url, limited, '/sobjects/Task/describe')).json).includes('Subject'));
    assert.ok(!fieldsOf((await get(org.url, limited, '/sobjects/Task/describe')).json).includes('CallDisposition'));
    const contact = await get(org.url, limited, '/sobjects/Contact/describe');
    assert.deepEqual([field(contact.json, 'Email')['createable'], field(contact.json, 'Email')['updateable']], [false, false]);
  });

  it('a user without Create gets INSUFFICIENT_ACCESS_OR_READONLY; without Read the object is unsupported', async () => {
    const res = await post(org.url, limited, '/sobjects/Task', { Subject: 'x' });
    assert.equal(res.status, 400);
    assert.equal(list(res.json)[0]!['errorCode'], 'INSUFFICIENT_ACCESS_OR_READONLY');
    const coll = await post(org.url, limited, '/composite/sobjects', { records: [{ attributes: { type: 'Lead' }, LastName: 'x', Company: 'y' }] });
    assert.equal(list(coll.json)[0]!['success'], false);
    assert.equal(list(list(coll.json)[0]!['errors'])[0]!['statusCode'], 'INVALID_TYPE');
    const q = await get(org.url, limited, `/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`);
    assert.equal(list(q.json)[0]!['errorCode'], 'INVALID_TYPE');
  });

  it('a field hidden by field-level security is INVALID_FIELD to write, query or retrieve; a read-only one cannot be written', async () => {
    const task = org.sf.seed('Task', { Subject: 'x', CallDisposition: 'answered' });
    const write = await patch(org.url, limited, `/sobjects/Task/${task}`, { CallDisposition: 'missed' });
    assert.equal(list(write.json)[0]!['errorCode'], 'INVALID_FIELD');
    const q = await get(org.url, limited, `/query?q=${encodeURIComponent('SELECT CallDisposition FROM Task')}`);
    assert.equal(list(q.json)[0]!['errorCode'], 'INVALID_FIELD');
    const got = await get(org.url, limited, `/sobjects/Task/${task}`);
    assert.equal(got.status, 200);
    assert.equal('CallDisposition' in got.json, false);
    const email = await post(org.url, limited, '/sobjects/Contact', { LastName: 'Doe', Email: 'a@b.example' });
    assert.equal(list(email.json)[0]!['errorCode'], 'INVALID_FIELD_FOR_INSERT_UPDATE');
    assert.equal((await post(org.url, admin, '/sobjects/Task', { CallDisposition: 'ok' })).status, 201, 'the admin sees the field');
  });

  it('a validation rule fails the save with FIELD_CUSTOM_VALIDATION_EXCEPTION and its message', async () => {
    const res = await post(org.url, admin, '/sobjects/Task', { Subject: 'Call', TaskSubtype: 'Call' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, [{ message: 'Calls need a duration', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['CallDurationInSeconds'] }]);
    const ok = await post(org.url, admin, '/sobjects/Task', { Subject: 'Call', TaskSubtype: 'Call', CallDurationInSeconds: 30 });
    assert.equal(ok.status, 201);
    const clear = await patch(org.url, admin, `/sobjects/Task/${String(ok.json['id'])}`, { CallDurationInSeconds: null });
    assert.equal(list(clear.json)[0]!['errorCode'], 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'rules see the record as it would be saved');
  });
});
