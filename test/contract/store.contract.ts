/**
 * The Store contract: one suite, run against MemoryStore (test/unit/state, fake clock)
 * and RedisStore (test/integration/redis-store.test.ts, real redis-server, real time).
 * Times are chosen to work with both: TTLs of SHORT ms, then advance(PAST_SHORT).
 */
import assert from 'node:assert/strict';
import type { Binding, RecentCall, Store } from '../../src/state/index.js';
import { RECENT_CALLS_MAX } from '../../src/state/index.js';

export interface StoreHarness {
  /** Fresh, empty storage for the next test. */
  reset(): Promise<void>;
  /** A started store over the current storage; after close(), a new open() sees the same data. */
  open(): Promise<Store>;
  /** Lets `ms` pass for the store (a fake clock, or real sleep). */
  advance(ms: number): Promise<void>;
}

// Real time for Redis on a loaded machine: a check that must happen *before* a TTL runs
// out uses MEDIUM, so a slow round-trip cannot make it flaky; one that must happen after
// only gains from delays.
const SHORT = 150;
const PAST_SHORT = 250;
const MEDIUM = 1000;
const LONG = 60_000;

const binding = (contact: string, callId: string, cseq: number, extra: Partial<Binding> = {}): Binding => ({ contact, callId, cseq, ...extra });
const call = (callId: string, extra: Partial<RecentCall> = {}): RecentCall => ({
  callId,
  direction: 'inbound',
  from: '+15551230000',
  to: '+15559870000',
  startedAt: '2024-05-01T12:00:00.000Z',
  ...extra,
});

export function storeContract(h: () => StoreHarness): void {
  let store: Store;
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await h().open();
    opened.push(s);
    return s;
  };
  const advance = (ms: number): Promise<void> => h().advance(ms);

  beforeEach(async () => {
    await h().reset();
    store = await open();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  describe('settings', () => {
    it('creates with version 0, then updates only from the current version', async () => {
      assert.equal(await store.getSettings('u1'), undefined);
      const input = { dnd: false, forward: { to: '+4930', after: 20 }, tags: ['a'] };
      assert.deepEqual(await store.putSettings('u1', input, 0), { ok: true, version: 1 });
      input.tags.push('mutated after put');
      assert.deepEqual(await store.getSettings('u1'), { settings: { dnd: false, forward: { to: '+4930', after: 20 }, tags: ['a'] }, version: 1 });
      assert.deepEqual(await store.putSettings('u1', { dnd: true }, 0), { ok: false, reason: 'conflict', version: 1 });
      assert.deepEqual(await store.putSettings('u1', { dnd: true }, 1), { ok: true, version: 2 });
      assert.deepEqual(await store.getSettings('u1'), { settings: { dnd: true }, version: 2 });
      assert.equal(await store.getSettings('u2'), undefined);
    });

    it('lets exactly one of two racing updates from the same version win', async () => {
      await store.putSettings('u1', { n: 0 }, 0);
      const results = await Promise.all([store.putSettings('u1', { n: 1 }, 1), store.putSettings('u1', { n: 2 }, 1)]);
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal((await store.getSettings('u1'))?.version, 2);
    });
  });

  describe('registrations', () => {
    const aor = 'sip:alice@example.com';

    it('adds, refreshes and orders bindings by Call-ID and CSeq (RFC 3261 §10.3)', async () => {
      assert.equal(await store.putBinding(aor, binding('sip:a@10.0.0.1', 'c1', 1), LONG), 'created');
      assert.equal(await store.putBinding(aor, binding('sip:a@10.0.0.1', 'c1', 2), LONG), 'updated');
      assert.equal(await store.putBinding(aor, binding('sip:a@10.0.0.1', 'c1', 2), LONG), 'out-of-order', 'same CSeq');
      assert.equal(await store.putBinding(aor, binding('sip:a@10.0.0.1', 'c1', 1), LONG), 'out-of-order', 'lower CSeq');
      assert.equal(await store.putBinding(aor, binding('sip:a@10.0.0.1', 'c2', 1), LONG), 'updated', 'a new Call-ID (reboot) replaces it');
      const list = await store.listBindings(aor);
      assert.equal(list.length, 1);
      assert.equal(list[0]!.callId, 'c2');
      assert.ok(list[0]!.expiresInMs > LONG - 5000 && list[0]!.expiresInMs <= LONG, `${list[0]!.expiresInMs}`);
      assert.deepEqual(await store.listBindings('sip:nobody@example.com'), []);
    });

    it('keeps every field of a binding and identifies instances by +sip.instance and reg-id', async () => {
      const full = binding('sip:a@10.0.0.1;transport=tcp', 'c1', 7, {
        instanceId: '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>',
        regId: 1,
        q: 0.5,
        path: ['<sip:edge1.example.com;lr>'],
        userAgent: 'Phone/1.0',
        source: 'tcp:10.0.0.1:5060',
      });
      assert.equal(await store.putBinding(aor, full, LONG), 'created');
      assert.equal(await store.putBinding(aor, { ...full, contact: 'sip:a@10.0.0.2', cseq: 8 }, LONG), 'updated', 'same instance, new contact');
      assert.equal(await store.putBinding(aor, { ...full, regId: 2, cseq: 9 }, LONG), 'created', 'another flow');
      const list = await store.listBindings(aor);
      assert.equal(list.length, 2);
      const { expiresInMs: _e, ...first } = list.find((b) => b.regId === 1)!;
      assert.deepEqual(first, { ...full, contact: 'sip:a@10.0.0.2', cseq: 8 });
    });

    it('lets bindings expire on their own', async () => {
      await store.putBinding(aor, binding('sip:short@h', 'c1', 1), SHORT);
      await store.putBinding(aor, binding('sip:long@h', 'c2', 1), LONG);
      assert.equal((await store.listBindings(aor)).length, 2);
      await advance(PAST_SHORT);
      assert.deepEqual((await store.listBindings(aor)).map((b) => b.contact), ['sip:long@h']);
      assert.equal(await store.removeBinding(aor, binding('sip:short@h', 'c9', 1)), 'absent');
    });

    it('refuses a new binding beyond maxBindings but still refreshes existing ones', async () => {
      assert.equal(await store.putBinding(aor, binding('sip:1@h', 'c1', 1), MEDIUM, 2), 'created');
      assert.equal(await store.putBinding(aor, binding('sip:2@h', 'c2', 1), LONG, 2), 'created');
      assert.equal(await store.putBinding(aor, binding('sip:3@h', 'c3', 1), LONG, 2), 'too-many');
      assert.equal(await store.putBinding(aor, binding('sip:2@h', 'c2', 2), LONG, 2), 'updated');
      await advance(MEDIUM + 100);
      assert.equal(await store.putBinding(aor, binding('sip:3@h', 'c3', 1), LONG, 2), 'created', 'an expired binding frees its place');
    });

    it('removes one binding, refusing an out-of-order removal', async () => {
      await store.putBinding(aor, binding('sip:a@h', 'c1', 5), LONG);
      assert.equal(await store.removeBinding(aor, binding('sip:zz@h', 'c1', 6)), 'absent');
      assert.equal(await store.removeBinding(aor, binding('sip:a@h', 'c1', 5)), 'out-of-order');
      assert.equal(await store.removeBinding(aor, binding('sip:a@h', 'c1', 6)), 'removed');
      assert.deepEqual(await store.listBindings(aor), []);
    });

    it('removes all bindings for Contact: *, or none when one is out of order', async () => {
      await store.putBinding(aor, binding('sip:a@h', 'c1', 5), LONG);
      await store.putBinding(aor, binding('sip:b@h', 'other', 50), LONG);
      assert.equal(await store.removeAllBindings(aor, 'c1', 5), 'out-of-order');
      assert.equal((await store.listBindings(aor)).length, 2, 'nothing removed');
      assert.equal(await store.removeAllBindings(aor, 'c1', 6), 2);
      assert.deepEqual(await store.listBindings(aor), []);
      assert.equal(await store.removeAllBindings(aor, 'c1', 7), 0);
    });
  });

  describe('nonces', () => {
    it('accepts rising nonce-counts and refuses replays', async () => {
      assert.equal(await store.useNonce('n1', 1), 'unknown');
      await store.putNonce('n1', LONG, LONG);
      assert.equal(await store.useNonce('n1', 1), 'ok');
      assert.equal(await store.useNonce('n1', 1), 'replay');
      assert.equal(await store.useNonce('n1', 3), 'ok');
      assert.equal(await store.useNonce('n1', 2), 'replay');
      assert.equal(await store.useNonce('n1', null), 'ok', 'without qop there is no nc to check');
    });

    it('answers stale after the validity and unknown after the grace too', async () => {
      await store.putNonce('n1', SHORT, LONG);
      await store.putNonce('n2', SHORT, 1);
      await advance(PAST_SHORT);
      assert.equal(await store.useNonce('n1', 1), 'stale');
      assert.equal(await store.useNonce('n2', 1), 'unknown');
    });

    it('lets one of many racing uses of the same nc through', async () => {
      await store.putNonce('n1', LONG, LONG);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.useNonce('n1', 1)));
      assert.equal(results.filter((r) => r === 'ok').length, 1);
      assert.equal(results.filter((r) => r === 'replay').length, 19);
    });
  });

  describe('counters', () => {
    it('counts up and down, never below zero, forgetting a counter at zero', async () => {
      assert.deepEqual(await store.getCounter('calls.user', 'u1'), { value: 0, ttlMs: 0 });
      for (const want of [1, 2, 3]) assert.equal((await store.incrCounter('calls.user', 'u1')).value, want);
      assert.equal(await store.decrCounter('calls.user', 'u1'), 2);
      assert.equal(await store.decrCounter('calls.user', 'u1', 5), 0);
      assert.deepEqual(await store.getCounter('calls.user', 'u1'), { value: 0, ttlMs: 0 });
      assert.equal(await store.decrCounter('calls.user', 'nobody'), 0);
      assert.equal((await store.incrCounter('calls.user', 'u1', { by: 4 })).value, 4);
      await store.resetCounter('calls.user', 'u1');
      assert.equal((await store.getCounter('calls.user', 'u1')).value, 0);
    });

    it('refuses an increment past the limit, atomically under concurrency', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.incrCounter('calls.trunk', 't1', { limit: 3 })));
      assert.equal(results.filter((r) => r.allowed).length, 3);
      const refused = results.find((r) => !r.allowed)!;
      assert.equal(refused.value, 3);
      assert.equal((await store.getCounter('calls.trunk', 't1')).value, 3);
    });

    it('slides the TTL of call counters and fixes the window of auth-failure counters', async () => {
      const ttlMs = 600;
      await store.incrCounter('calls.user', 'u1', { ttlMs });
      await store.incrCounter('authfail.source', '10.0.0.9', { ttlMs });
      await advance(400);
      const sliding = await store.incrCounter('calls.user', 'u1', { ttlMs });
      const fixed = await store.incrCounter('authfail.source', '10.0.0.9', { ttlMs });
      assert.ok(sliding.ttlMs > 400, `sliding ttl ${sliding.ttlMs}`);
      assert.ok(fixed.ttlMs <= 220, `fixed ttl ${fixed.ttlMs}`);
      await advance(300);
      assert.equal((await store.getCounter('calls.user', 'u1')).value, 2);
      assert.equal((await store.getCounter('authfail.source', '10.0.0.9')).value, 0, 'the lockout window closed');
    });

    it('uses the default TTL of the key table', async () => {
      const r = await store.incrCounter('authfail.user', 'u1');
      assert.ok(r.ttlMs > 14 * 60_000 && r.ttlMs <= 15 * 60_000, `${r.ttlMs}`);
    });
  });

  describe('recent calls', () => {
    it('lists newest first, updates by callId, and keeps the newest RECENT_CALLS_MAX', async () => {
      await store.pushRecentCall('u1', call('c1'));
      await store.pushRecentCall('u1', call('c2'));
      assert.deepEqual((await store.listRecentCalls('u1')).map((c) => c.callId), ['c2', 'c1']);
      assert.equal(await store.updateRecentCall('u1', 'c1', { disposition: 'answered', durationS: 42, answeredBy: 'desk-1' }), true);
      assert.equal(await store.updateRecentCall('u1', 'nope', { disposition: 'missed' }), false);
      assert.deepEqual((await store.listRecentCalls('u1'))[1], call('c1', { disposition: 'answered', durationS: 42, answeredBy: 'desk-1' }));
      for (let i = 3; i <= RECENT_CALLS_MAX + 5; i++) await store.pushRecentCall('u1', call(`c${i}`));
      const all = await store.listRecentCalls('u1');
      assert.equal(all.length, RECENT_CALLS_MAX);
      assert.equal(all[0]!.callId, `c${RECENT_CALLS_MAX + 5}`);
      assert.deepEqual((await store.listRecentCalls('u1', 2)).map((c) => c.callId), [`c${RECENT_CALLS_MAX + 5}`, `c${RECENT_CALLS_MAX + 4}`]);
      assert.deepEqual(await store.listRecentCalls('u2'), []);
    });

    it('keeps an ended call\'s lastSeq and seqOwner, and hands out the next seqs atomically', async () => {
      await store.pushRecentCall('u1', call('c1'));
      await store.pushRecentCall('u1', call('c2', { seqOwner: 'u9' }));
      assert.equal(await store.nextRecentCallSeq('u1', 'c1'), undefined, 'no lastSeq recorded yet');
      assert.equal(await store.nextRecentCallSeq('u1', 'nope'), undefined);
      assert.equal(await store.nextRecentCallSeq('u2', 'c1'), undefined);
      assert.equal(await store.updateRecentCall('u1', 'c1', { endedAt: '2024-05-01T12:01:00.000Z', lastSeq: 4 }), true);
      assert.deepEqual((await store.listRecentCalls('u1'))[1], call('c1', { endedAt: '2024-05-01T12:01:00.000Z', lastSeq: 4 }));
      assert.deepEqual((await store.listRecentCalls('u1'))[0], call('c2', { seqOwner: 'u9' }));
      const got = await Promise.all([1, 2, 3, 4, 5].map(() => store.nextRecentCallSeq('u1', 'c1')));
      assert.deepEqual([...got].sort(), [5, 6, 7, 8, 9]);
      assert.equal((await store.listRecentCalls('u1'))[1]?.lastSeq, 9);
      await store.kvSet('call-seq:old-call', 3, LONG); // as an earlier version wrote per call
      await store.close();
      const again = await open();
      assert.deepEqual((await again.listRecentCalls('u1')).map((c) => [c.callId, c.lastSeq, c.seqOwner]), [['c2', undefined, 'u9'], ['c1', 9, undefined]]);
      assert.equal(await again.nextRecentCallSeq('u1', 'c1'), 10);
      assert.equal(await again.kvGet('call-seq:old-call'), 3, 'an earlier version\'s per-call key still loads');
    });
  });

  describe('kv', () => {
    it('sets, gets and deletes JSON values with a TTL; ifAbsent sets once', async () => {
      const value = { contactId: '003xx', names: ['Ann', 'Bo'], score: 1.5, vip: true, none: null };
      assert.equal(await store.kvSet('crm:+4930', value, LONG), true);
      assert.deepEqual(await store.kvGet('crm:+4930'), value);
      assert.equal(await store.kvSet('done:call-1', 1, LONG, { ifAbsent: true }), true);
      assert.equal(await store.kvSet('done:call-1', 2, LONG, { ifAbsent: true }), false);
      assert.equal(await store.kvGet('done:call-1'), 1);
      assert.equal(await store.kvDelete('done:call-1'), true);
      assert.equal(await store.kvDelete('done:call-1'), false);
      assert.equal(await store.kvGet('done:call-1'), undefined);
      await store.kvSet('short', 'x', SHORT);
      await advance(PAST_SHORT);
      assert.equal(await store.kvGet('short'), undefined);
      assert.equal(await store.kvSet('short', 'y', LONG, { ifAbsent: true }), true, 'an expired key is absent');
    });
  });

  it('keeps its state across close and reopen', async () => {
    await store.putSettings('u1', { dnd: true }, 0);
    await store.putBinding('sip:a@x', binding('sip:a@h', 'c1', 1), LONG);
    await store.putNonce('n1', LONG, LONG);
    await store.useNonce('n1', 4);
    await store.incrCounter('calls.user', 'u1', { by: 2 });
    await store.pushRecentCall('u1', call('c1'));
    await store.kvSet('k', { a: 1 }, LONG);
    await store.close();
    const again = await open();
    assert.deepEqual(await again.getSettings('u1'), { settings: { dnd: true }, version: 1 });
    assert.deepEqual((await again.listBindings('sip:a@x')).map((b) => b.contact), ['sip:a@h']);
    assert.equal(await again.useNonce('n1', 4), 'replay');
    assert.equal(await again.useNonce('n1', 5), 'ok');
    assert.equal((await again.getCounter('calls.user', 'u1')).value, 2);
    assert.deepEqual((await again.listRecentCalls('u1')).map((c) => c.callId), ['c1']);
    assert.deepEqual(await again.kvGet('k'), { a: 1 });
  });
}
