/**
 * `linegate crm test-connection`'s verdict against the emulator: a fully permitted
 * integration user passes; a user lacking a permission fails with the fix for each gap.
 */
import assert from 'node:assert/strict';
import { formatVerdict, testConnection } from '../../src/crm/index.js';
import type { EmulatedUser } from '../../src/sf-emulator/index.js';
import { jwtOptions, passwordOptions, startSf, USER } from './crm-salesforce-bed.js';
import type { Bed } from './crm-salesforce-bed.js';

const LIMITED: EmulatedUser = {
  ...USER,
  username: 'limited@linegate.test',
  permissions: { Task: { create: false }, Opportunity: { read: false } },
  hiddenFields: { Task: ['CallDisposition'] },
  readOnlyFields: { Contact: ['MobilePhone'] },
};

describe('crm testConnection against the emulator', function () {
  this.timeout(10_000);
  let bed: Bed;
  beforeEach(async () => {
    bed = await startSf({ users: [USER, LIMITED] });
  });
  afterEach(() => bed.sf.close());

  it('passes for an integration user with every permission the worker needs', async () => {
    const v = await testConnection(jwtOptions(bed.url));
    assert.equal(v.ok, true, formatVerdict(v));
    assert.equal(v.instanceUrl, bed.url);
    assert.deepEqual(v.usage, bed.sf.apiUsage());
    assert.equal(bed.sf.apiCalls().describe, 5);
  });

  it('fails for a user lacking permissions, saying what to grant', async () => {
    const v = await testConnection(jwtOptions(bed.url, LIMITED));
    assert.equal(v.ok, false);
    const text = formatVerdict(v);
    assert.match(text, /\[FAIL\] Create Task — not allowed\n\s+fix: grant Create on Task in the integration user's permission set/);
    assert.match(text, /Task\.CallDisposition is hidden/);
    assert.match(text, /fix: .*grant Edit on Contact\.MobilePhone in the field-level security/);
    assert.match(text, /fix: grant Read on Opportunity in the integration user's permission set/);
    assert.match(text, /\[ok\] {3}Read Account/);
  });

  it('reports a wrong password with what to check, and warns that password login is retiring', async () => {
    const wrong = passwordOptions(bed.url, false);
    const bad = await testConnection({ ...wrong, auth: { ...wrong.auth, kind: 'password', password: 'wrong', securityToken: '' } });
    assert.equal(bad.ok, false);
    assert.match(formatVerdict(bad), /\[FAIL\] log in — INVALID_LOGIN[^\n]*\n\s+fix: check username, password and security token/);
    const good = await testConnection(passwordOptions(bed.url, true));
    assert.equal(good.ok, true, formatVerdict(good));
    assert.match(formatVerdict(good), /\[warn\] login method — the OAuth username-password flow is blocked by default/);
  });
});
