import assert from 'node:assert/strict';
import { CallerResolver, callerKeys, CrmContactDirectory } from '../../../../src/crm/index.js';
import type { CallerResolverOptions } from '../../../../src/crm/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeOrg } from './fake-org.js';

const JANE = '+14155550100';
const MINUTE = 60_000;

function setup(over: Partial<CallerResolverOptions> = {}, shared?: { org: FakeOrg; store: MemoryStore; clock: FakeClock }) {
  const clock = shared?.clock ?? new FakeClock(0);
  const org = shared?.org ?? new FakeOrg();
  const store = shared?.store ?? new MemoryStore({ clock });
  const resolver = new CallerResolver({
    client: org, kv: store, clock, defaultCountry: 'US',
    unknownCallers: { mode: 'contact' },
    ...over,
  });
  return { clock, org, store, resolver };
}

describe('CallerResolver.resolve', () => {
  it('finds a Contact stored in any of the three formats with one SOSL request', async () => {
    for (const stored of ['(415) 555-0100', '+1 415-555-0100', '4155550100']) {
      const { org, resolver } = setup();
      const acct = org.seed('Account', { Name: 'Acme' });
      const id = org.seed('Contact', { Name: 'Jane Doe', MobilePhone: stored, AccountId: acct });
      assert.deepEqual(await resolver.resolve(JANE), { e164: JANE, whoId: id, whoType: 'Contact', name: 'Jane Doe', accountId: acct }, stored);
      assert.equal(org.count('sosl'), 1);
      assert.match(org.calls[0]?.detail ?? '', /^FIND \{4155550100\} IN PHONE FIELDS RETURNING Contact\(/);
    }
  });

  it('applies Contact > Account > Lead with the same number on all three', async () => {
    const { org, resolver } = setup();
    org.seed('Lead', { Name: 'Lena Lead', Phone: JANE }, '2024-09-01T00:00:00.000+0000');
    const acct = org.seed('Account', { Name: 'Acme', Phone: '(415) 555-0100' }, '2024-08-01T00:00:00.000+0000');
    const contact = org.seed('Contact', { Name: 'Jane Doe', Phone: '4155550100', AccountId: acct }, '2020-01-01T00:00:00.000+0000');
    assert.equal((await resolver.resolve(JANE)).whoId, contact);
  });

  it('names the Account (no WhoId) when only an Account has the number, and a Lead after that', async () => {
    const { org, resolver } = setup();
    org.seed('Lead', { Name: 'Lena Lead', Phone: JANE });
    const acct = org.seed('Account', { Name: 'Acme', Phone: JANE });
    assert.deepEqual(await resolver.resolve(JANE), { e164: JANE, accountId: acct, name: 'Acme' });
    const other = setup();
    const lead = other.org.seed('Lead', { Name: 'Lena Lead', MobilePhone: JANE });
    assert.deepEqual(await other.resolver.resolve(JANE), { e164: JANE, whoId: lead, whoType: 'Lead', name: 'Lena Lead' });
  });

  it('takes the most recently modified record within an object', async () => {
    const { org, resolver } = setup();
    org.seed('Contact', { Name: 'Old Jane', Phone: JANE }, '2023-01-01T00:00:00.000+0000');
    const newest = org.seed('Contact', { Name: 'New Jane', Phone: JANE }, '2024-03-01T00:00:00.000+0000');
    org.seed('Contact', { Name: 'Mid Jane', Phone: JANE }, '2023-06-01T00:00:00.000+0000');
    assert.equal((await resolver.resolve(JANE)).whoId, newest);
  });

  it('caches hits for cacheTtlMs: no request until it expires', async () => {
    const { org, resolver, clock, store } = setup({ cacheTtlMs: 10 * MINUTE });
    org.seed('Contact', { Name: 'Jane Doe', Phone: JANE });
    await resolver.resolve(JANE);
    await resolver.resolve('(415) 555-0100');
    assert.equal(org.count('sosl'), 1);
    assert.equal(await store.kvGet(callerKeys.directoryName(JANE)), 'Jane Doe');
    clock.advance(10 * MINUTE);
    await resolver.resolve(JANE);
    assert.equal(org.count('sosl'), 2);
  });

  it('caches misses for negativeTtlMs', async () => {
    const { org, resolver, clock } = setup({ negativeTtlMs: 2 * MINUTE });
    assert.deepEqual(await resolver.resolve(JANE), { e164: JANE });
    clock.advance(2 * MINUTE - 1);
    assert.deepEqual(await resolver.resolve(JANE), { e164: JANE });
    assert.equal(org.count('sosl'), 1);
    org.seed('Contact', { Name: 'Jane Doe', Phone: JANE });
    clock.advance(1);
    assert.equal((await resolver.resolve(JANE)).name, 'Jane Doe');
    assert.equal(org.count('sosl'), 2);
  });

  it('makes no request for what is not a number, and shares one request among concurrent lookups', async () => {
    const { org, resolver } = setup();
    assert.deepEqual(await resolver.resolve('anonymous'), { e164: 'anonymous' });
    assert.equal(org.calls.length, 0);
    org.seed('Contact', { Name: 'Jane Doe', Phone: JANE });
    const all = await Promise.all([resolver.resolve(JANE), resolver.resolve('4155550100'), resolver.resolve('+1 415 555 0100')]);
    assert.ok(all.every((c) => c.name === 'Jane Doe'));
    assert.equal(org.count('sosl'), 1);
  });

  it('resolveMany: one SOSL per uncached number', async () => {
    const { org, resolver } = setup();
    org.seed('Contact', { Name: 'Jane Doe', Phone: JANE });
    await resolver.resolve(JANE);
    const nums = [JANE, '+14155550101', '+14155550102', '+14155550101'];
    const got = await resolver.resolveMany(nums);
    assert.equal(got.size, 3);
    assert.equal(got.get(JANE)?.name, 'Jane Doe');
    assert.deepEqual(got.get('+14155550102'), { e164: '+14155550102' });
    assert.equal(org.count('sosl'), 3);
  });

  it('the contact directory answers names from the cache or one lookup, as critical calls', async () => {
    const { org, resolver } = setup();
    org.seed('Contact', { Name: 'Jane Doe', Phone: JANE });
    const dir = new CrmContactDirectory(resolver);
    assert.equal(await dir.lookupName(JANE), 'Jane Doe');
    assert.equal(org.calls[0]?.options.critical, true);
    assert.equal(await dir.lookupName('+14155550199'), undefined);
    await dir.warm(['+14155550177']);
    assert.equal(org.calls[2]?.options.critical, undefined);
    assert.equal(await dir.lookupName(JANE), 'Jane Doe');
    assert.equal(org.count('sosl'), 3);
  });
});
