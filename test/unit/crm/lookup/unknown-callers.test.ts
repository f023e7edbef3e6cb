import assert from 'node:assert/strict';
import { CallerResolver, callerKeys } from '../../../../src/crm/index.js';
import type { CallerResolverOptions } from '../../../../src/crm/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeOrg } from './fake-org.js';

const A = '+14155550100';
const B = '+14155550101';
const C = '+442079460958';
const MINUTE = 60_000;

function world() {
  const clock = new FakeClock(0);
  return { clock, org: new FakeOrg(), store: new MemoryStore({ clock }) };
}

function resolverIn(w: ReturnType<typeof world>, over: Partial<CallerResolverOptions> = {}) {
  return new CallerResolver({
    client: w.org, kv: w.store, clock: w.clock, defaultCountry: 'US',
    unknownCallers: { mode: 'contact' },
    ...over,
  });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

const contacts = (org: FakeOrg) => org.records.filter((r) => r.type === 'Contact');

describe('CallerResolver.createUnknown', () => {
  it('creates all unknown numbers in ONE sObject Collections request, under the default Account', async () => {
    const w = world();
    const r = resolverIn(w, { unknownCallers: { mode: 'contact', accountName: 'Walk-ins', emailDomain: 'calls.example' } });
    const got = await r.createUnknown([A, B, C, A]);
    assert.equal(got.size, 3);
    assert.equal(w.org.count('collections'), 1);
    const account = w.org.records.find((x) => x.type === 'Account');
    assert.equal(account?.['Name'], 'Walk-ins');
    const made = contacts(w.org).find((x) => x['MobilePhone'] === A);
    assert.deepEqual(
      { FirstName: made?.['FirstName'], LastName: made?.['LastName'], Email: made?.['Email'], AccountId: made?.['AccountId'] },
      { FirstName: A, LastName: A, Email: '14155550100@calls.example', AccountId: account?.Id },
    );
    assert.deepEqual(got.get(A), { e164: A, whoId: made?.Id, whoType: 'Contact', accountId: account?.Id, createdByUs: true });
    assert.equal(w.org.calls.find((c) => c.kind === 'collections')?.options.idempotent, false);
  });

  it('finds the default Account by name instead of creating it, and remembers its Id', async () => {
    const w = world();
    const acct = w.org.seed('Account', { Name: 'Unknown Callers' });
    const r = resolverIn(w);
    await r.createUnknown([A]);
    await r.createUnknown([B]);
    assert.equal(w.org.records.filter((x) => x.type === 'Account').length, 1);
    assert.ok(contacts(w.org).every((x) => x['AccountId'] === acct));
    assert.equal(w.org.calls.filter((c) => /FROM Account/.test(c.detail)).length, 1, 'one SOQL for the Account, then kv');
    assert.equal(await w.store.kvGet(callerKeys.defaultAccount('Unknown Callers')), acct);
  });

  it('remembers created records, so a second call before the index catches up reuses them', async () => {
    const w = world();
    const first = resolverIn(w);
    const made = await first.createUnknown([A]);
    const second = resolverIn(w); // another worker, same Store
    w.clock.advance(60 * MINUTE); // caches expired, the search index still lags
    const seen = await second.resolve(A);
    assert.deepEqual(seen, made.get(A));
    const again = await second.createUnknown([A]);
    assert.equal(again.get(A)?.whoId, made.get(A)?.whoId);
    assert.equal(contacts(w.org).length, 1);
    assert.equal(w.org.count('collections'), 1);
  });

  it('finds records whose memory was lost (crash after Salesforce answered) by Email with SOQL', async () => {
    const w = world();
    const r = resolverIn(w);
    const made = await r.createUnknown([A]);
    await r.forget(A);
    const again = await r.createUnknown([A, B]);
    assert.equal(again.get(A)?.whoId, made.get(A)?.whoId);
    assert.equal(contacts(w.org).length, 2);
    assert.equal(w.org.count('collections'), 2);
    assert.match(w.org.calls.filter((c) => /Email IN/.test(c.detail)).at(-1)?.detail ?? '', /'14155550100@unknown\.invalid', '14155550101@unknown\.invalid'/);
  });

  it('two workers racing on one number create one Contact; the loser reuses it', async () => {
    const w = world();
    const one = resolverIn(w, { owner: 'one' });
    const two = resolverIn(w, { owner: 'two' });
    let release = (): void => undefined;
    w.org.gate = new Promise<void>((r) => { release = r; });
    const p1 = one.createUnknown([A]);
    await settle();
    const p2 = two.createUnknown([A]);
    await settle();
    assert.equal(w.clock.pending(), 1, 'the loser polls the claim');
    release();
    const r1 = await p1;
    w.clock.advance(200);
    const r2 = await p2;
    assert.equal(r2.get(A)?.whoId, r1.get(A)?.whoId);
    assert.equal(contacts(w.org).length, 1);
    assert.equal(w.org.count('collections'), 1);
  });

  it('takes over a claim its owner abandoned once the claim expires', async () => {
    const w = world();
    await w.store.kvSet(callerKeys.created(A), { state: 'claimed', owner: 'dead' }, 1000);
    const r = resolverIn(w, { claimWaitMs: 5000, claimPollMs: 250 });
    const p = r.createUnknown([A]);
    for (let i = 0; i < 6; i++) {
      await settle();
      w.clock.advance(250);
    }
    const got = await p;
    assert.equal(got.get(A)?.createdByUs, true);
    assert.equal(contacts(w.org).length, 1);
  });

  it('leaves a number out, and its claim released, when Salesforce refuses its record', async () => {
    const w = world();
    const r = resolverIn(w);
    w.org.collectionErrors = ['UNABLE_TO_LOCK_ROW', undefined];
    const got = await r.createUnknown([A, B]);
    assert.deepEqual([...got.keys()], [B]);
    assert.equal(await w.store.kvGet(callerKeys.created(A)), undefined);
    w.org.collectionErrors = [];
    assert.equal((await r.createUnknown([A])).get(A)?.createdByUs, true);
  });

  it('creates Leads in lead mode and nothing in none mode', async () => {
    const w = world();
    const leads = resolverIn(w, { unknownCallers: { mode: 'lead', leadCompany: 'Inbound' } });
    const got = await leads.createUnknown([A]);
    assert.equal(got.get(A)?.whoType, 'Lead');
    const lead = w.org.records.find((x) => x.type === 'Lead');
    assert.equal(lead?.['Company'], 'Inbound');
    assert.equal(lead?.['LastName'], A);
    assert.equal(w.org.records.filter((x) => x.type === 'Account').length, 0);

    const quiet = world();
    const none = resolverIn(quiet, { unknownCallers: { mode: 'none' } });
    assert.equal((await none.createUnknown([A])).size, 0);
    assert.equal(quiet.org.calls.length, 0);
  });
});
