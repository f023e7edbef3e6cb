/**
 * CallerResolver and CrmContactDirectory against the Salesforce emulator (real SOSL, SOQL
 * and sObject Collections over HTTP). The Store (a MemoryStore, test-only) runs on a fake
 * clock so that cache TTLs can be crossed at once; the emulator's search-index lag runs on
 * real time and is set long enough never to catch up during a test.
 */
import assert from 'node:assert/strict';
import { CallerResolver, CrmContactDirectory } from '../../src/crm/index.js';
import type { CallerResolverOptions, SalesforceClient } from '../../src/crm/index.js';
import { lookupWithin, StoreContactDirectory } from '../../src/b2bua/call/index.js';
import { systemClock } from '../../src/shared/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { clientFor, jwtOptions, startSf } from './crm-salesforce-bed.js';
import type { Bed } from './crm-salesforce-bed.js';

const JANE = '+14155550100';
const MINUTE = 60_000;
const day = (d: number) => Date.UTC(2024, 0, d);

describe('crm lookup against the emulator', function () {
  this.timeout(10_000);
  let bed: Bed;
  let client: SalesforceClient;
  let clock: FakeClock;
  let store: MemoryStore;

  beforeEach(async () => {
    bed = await startSf();
    client = clientFor(jwtOptions(bed.url));
    clock = new FakeClock(0);
    store = new MemoryStore({ clock });
  });
  afterEach(async () => {
    await client.close();
    await bed.sf.close();
  });

  const resolver = (over: Partial<CallerResolverOptions> = {}) => new CallerResolver({
    client, kv: store, clock, defaultCountry: 'US', unknownCallers: { mode: 'contact' }, ...over,
  });
  const sosl = () => bed.sf.apiCalls().sosl;

  it('Contact before Account before Lead for one number stored on all three', async () => {
    bed.sf.seed('Lead', { LastName: 'Lead', FirstName: 'Lena', Company: 'Prospects', Phone: '+1 415-555-0100' }, { createdAt: day(20) });
    const acct = bed.sf.seed('Account', { Name: 'Acme', Phone: '4155550100' }, { createdAt: day(10) });
    const jane = bed.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', MobilePhone: '(415) 555-0100', AccountId: acct }, { createdAt: day(1) });
    assert.deepEqual(await resolver().resolve(JANE), { e164: JANE, whoId: jane, whoType: 'Contact', name: 'Jane Doe', accountId: acct });
    assert.equal(sosl(), 1);
  });

  it('an Account match gives accountId and no WhoId; a Lead alone is the WhoId', async () => {
    const acct = bed.sf.seed('Account', { Name: 'Acme', Phone: '(415) 555-0100' });
    const lead = bed.sf.seed('Lead', { LastName: 'Lead', Company: 'Prospects', MobilePhone: '(415) 555-0101' });
    const r = resolver();
    assert.deepEqual(await r.resolve(JANE), { e164: JANE, accountId: acct, name: 'Acme' });
    assert.deepEqual(await r.resolve('+14155550101'), { e164: '+14155550101', whoId: lead, whoType: 'Lead', name: 'Lead' });
  });

  it('the most recently modified record wins within an object', async () => {
    bed.sf.seed('Contact', { LastName: 'Old', Phone: '(415) 555-0100' }, { createdAt: day(1) });
    const newest = bed.sf.seed('Contact', { LastName: 'New', Phone: '415.555.0100' }, { createdAt: day(3) });
    bed.sf.seed('Contact', { LastName: 'Middle', Phone: '4155550100' }, { createdAt: day(2) });
    assert.equal((await resolver().resolve(JANE)).whoId, newest);
  });

  it('finds numbers stored as (415) 555-0100, +1 415-555-0100 and 4155550100', async () => {
    const ids = ['(415) 555-0101', '+1 415-555-0102', '4155550103'].map((phone, i) => bed.sf.seed('Contact', { LastName: `C${i}`, Phone: phone }));
    const found = await resolver().resolveMany(['+14155550101', '+14155550102', '+14155550103']);
    assert.deepEqual([...found.values()].map((c) => c.whoId), ids);
    assert.equal(sosl(), 3);
  });

  it('a cache hit makes no API call; a miss is cached for negativeTtlMs', async () => {
    bed.sf.seed('Contact', { LastName: 'Doe', FirstName: 'Jane', Phone: '(415) 555-0100' });
    const r = resolver({ negativeTtlMs: 2 * MINUTE });
    await r.resolve(JANE);
    await r.resolve(JANE);
    await r.resolve('+14155550199');
    await r.resolve('+14155550199');
    assert.equal(sosl(), 2);
    bed.sf.seed('Contact', { LastName: 'Late', Phone: '4155550199' });
    clock.advance(2 * MINUTE);
    assert.equal((await r.resolve('+14155550199')).name, 'Late');
    assert.equal(sosl(), 3);
  });

  it('remembers created Contacts, so a second call before the index catches up reuses them', async () => {
    bed.sf.setSearchIndexLag(10 * MINUTE);
    const first = await resolver({ owner: 'worker-1' }).createUnknown([JANE]);
    const contact = first.get(JANE);
    assert.equal(contact?.createdByUs, true);
    clock.advance(60 * MINUTE); // every cache entry expired; the emulator's index still lags
    const other = resolver({ owner: 'worker-2' });
    assert.deepEqual(await other.resolve(JANE), contact);
    const second = await other.createUnknown([JANE]);
    assert.equal(second.get(JANE)?.whoId, contact?.whoId);
    assert.equal(bed.sf.records('Contact').length, 1);
    const made = bed.sf.records('Contact')[0];
    assert.equal(made?.['MobilePhone'], JANE);
    assert.equal(made?.['Email'], '14155550100@unknown.invalid');
    assert.equal(made?.['AccountId'], contact?.accountId);
    assert.equal(bed.sf.records('Account').filter((a) => a['Name'] === 'Unknown Callers').length, 1);
  });

  it('creates many unknown callers in one sObject Collections request per 200', async () => {
    const numbers = Array.from({ length: 250 }, (_, i) => `+1415555${String(1000 + i).padStart(4, '0')}`);
    const created = await resolver().createUnknown(numbers);
    assert.equal(created.size, 250);
    assert.equal(bed.sf.apiCalls().collections, 2);
    assert.equal(bed.sf.records('Contact').length, 250);
    const again = await resolver().createUnknown(numbers.slice(0, 150));
    assert.equal(again.size, 150);
    assert.equal(bed.sf.apiCalls().collections, 2, 'remembered: nothing created twice');
  });

  it('leaves out a number whose record hit UNABLE_TO_LOCK_ROW, and creates it on the next try', async () => {
    bed.sf.inject({ kind: 'lock', match: { pathPrefix: '/composite/sobjects' }, recordIndexes: [0] });
    const r = resolver();
    const first = await r.createUnknown([JANE, '+14155550101']);
    assert.deepEqual([...first.keys()], ['+14155550101']);
    const retry = await r.createUnknown([JANE]);
    assert.equal(retry.get(JANE)?.createdByUs, true);
    assert.equal(bed.sf.records('Contact').length, 2);
  });

  it('creates Leads in lead mode', async () => {
    const got = await resolver({ unknownCallers: { mode: 'lead', leadCompany: 'Inbound calls' } }).createUnknown([JANE]);
    assert.equal(got.get(JANE)?.whoType, 'Lead');
    assert.equal(bed.sf.records('Lead')[0]?.['Company'], 'Inbound calls');
    assert.equal(bed.sf.records('Contact').length, 0);
  });

  it('answers the call path within its budget, and fills the Store for StoreContactDirectory', async () => {
    bed.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', Phone: '(415) 555-0100' });
    const dir = new CrmContactDirectory(resolver());
    assert.equal(await lookupWithin(dir, JANE, 2000, systemClock), 'Jane Doe');
    assert.equal(await new StoreContactDirectory(store).lookupName(JANE), 'Jane Doe');
    assert.equal(await lookupWithin(dir, '+14155550199', 2000, systemClock), undefined);
  });
});
