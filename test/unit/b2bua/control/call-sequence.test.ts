/**
 * CallSequence: an ended call's last seq lives in its owner's RecentCall (no key per call),
 * next(callId, userId) continues it atomically, a call the user's list does not hold is
 * CALL_SEQUENCE_UNKNOWN, and the store stays bounded by users however many calls end.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/control/call-sequence.test.ts
 */
import assert from 'node:assert/strict';
import { CallEventWriter, LiveCalls, RecentCallRecorder } from '../../../../src/b2bua/call/index.js';
import { CALL_SEQUENCE_UNKNOWN, CallSequence } from '../../../../src/b2bua/control/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { MemoryStore, RECENT_CALLS_MAX } from '../../../../src/state/index.js';
import type { RecentCall } from '../../../../src/state/index.js';
import { CollectingSink, silentLog } from '../call/shell-fakes.js';

const AT = Date.parse('2026-05-01T12:00:00Z');

const listed = (callId: string): RecentCall => ({ callId, direction: 'outbound', from: '+14155550100', to: '+14155550101', startedAt: '2026-05-01T12:00:00.000Z' });

function unknown(e: unknown): boolean {
  return e instanceof LinegateError && e.code === CALL_SEQUENCE_UNKNOWN;
}

describe('b2bua/control: CallSequence', () => {
  let store: MemoryStore;
  let seq: CallSequence;
  beforeEach(() => {
    store = new MemoryStore();
    seq = new CallSequence(store);
  });
  afterEach(() => store.destroy());

  it('records the last seq on the owner\'s recent call, with no key of its own, and continues after it', async () => {
    await store.pushRecentCall('alice', listed('c1'));
    const keys = store.stats().keys;
    assert.equal(await seq.recordEnded('c1', 4, ['alice']), true);
    assert.equal(store.stats().keys, keys, 'no key per call');
    assert.equal((await store.listRecentCalls('alice'))[0]?.lastSeq, 4);
    assert.equal(await seq.next('c1', 'alice'), 5);
    assert.equal(await seq.next('c1', 'alice'), 6);
    assert.equal((await store.listRecentCalls('alice'))[0]?.lastSeq, 6);
    assert.equal(store.stats().keys, keys, 'no claim keys either');
  });

  it('hands concurrent next() calls different seqs', async () => {
    await store.pushRecentCall('alice', listed('c1'));
    await seq.recordEnded('c1', 2, ['alice']);
    const other = new CallSequence(store); // a second process on the same store
    const got = await Promise.all([seq.next('c1', 'alice'), other.next('c1', 'alice'), seq.next('c1', 'alice'), other.next('c1', 'alice')]);
    assert.deepEqual([...got].sort(), [3, 4, 5, 6]);
  });

  it('answers CALL_SEQUENCE_UNKNOWN for a call not listed, not ended, another user\'s, or pushed out of the list', async () => {
    await assert.rejects(seq.next('ghost', 'alice'), unknown);
    await store.pushRecentCall('alice', listed('c1'));
    await assert.rejects(seq.next('c1', 'alice'), unknown, 'listed but its end is not recorded yet');
    assert.equal(await seq.recordEnded('c1', 3, ['alice']), true);
    await assert.rejects(seq.next('c1', 'carol'), unknown);
    for (let i = 0; i < RECENT_CALLS_MAX; i++) await store.pushRecentCall('alice', listed(`newer-${i}`));
    await assert.rejects(seq.next('c1', 'alice'), unknown);
    assert.equal(await seq.recordEnded('gone', 3, ['alice']), false);
    assert.equal(await seq.recordEnded('gone', 3, []), false);
  });

  it('lets the callee of an internal call continue the owner\'s counter through a pointer entry', async () => {
    await store.pushRecentCall('alice', { ...listed('c1'), endedAt: '2026-05-01T12:01:00.000Z', disposition: 'voicemail', hasNotes: true });
    assert.equal(await seq.recordEnded('c1', 3, ['alice', 'bob']), true);
    const [bobs] = await store.listRecentCalls('bob');
    assert.deepEqual(bobs, { ...listed('c1'), direction: 'inbound', endedAt: '2026-05-01T12:01:00.000Z', disposition: 'voicemail', seqOwner: 'alice' });
    const got = [await seq.next('c1', 'bob'), await seq.next('c1', 'alice'), await seq.next('c1', 'bob')];
    assert.deepEqual(got, [4, 5, 6], 'one counter for both users');
    assert.equal((await store.listRecentCalls('bob'))[0]?.lastSeq, undefined);
  });

  it('keeps the store bounded by users, not calls: 2000 ended calls for 4 users', async () => {
    const users = ['u1', 'u2', 'u3', 'u4'];
    const recent = new RecentCallRecorder(store, silentLog);
    const live = new LiveCalls(seq, () => AT, silentLog);
    const sink = new CollectingSink();
    for (let i = 0; i < 2000; i++) {
      const callId = `call-${i}`;
      const userId = users[i % users.length] as string;
      const writer = new CallEventWriter(sink, () => assert.fail('append failed'), (e) => recent.record(e));
      live.add(callId, writer, () => [userId]);
      const base = { callId, userId, direction: 'inbound' as const, from: '+14155550199', to: '+14155550100', at: AT };
      writer.write({ ...base, type: 'call.started' });
      writer.write({ ...base, type: 'call.ended', disposition: 'answered', durationS: 3, hungUpBy: 'caller' });
      await live.ended(callId);
      sink.events.length = 0;
    }
    assert.equal(store.stats().keys, users.length, 'one recent-calls list per user, nothing per call');
    const last = await store.listRecentCalls('u4');
    assert.equal(last.length, RECENT_CALLS_MAX);
    assert.deepEqual([last[0]?.callId, last[0]?.lastSeq], ['call-1999', 2]);
    assert.equal(await seq.next('call-1999', 'u4'), 3);
  });
});
