import assert from 'node:assert/strict';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotInSlices } from '../../../src/state/store-snapshot.js';
import type { Entry } from '../../../src/state/memory-entry.js';

/** A store's worth of every entry kind, some already expired at `now`. */
function entries(n: number, now: number): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (let i = 0; i < n; i++) {
    switch (i % 5) {
      case 0: m.set(`kv:${i}`, { kind: 'kv', value: { last: i }, exp: now + 10_000 + i }); break;
      case 1: m.set(`counter:${i}`, { kind: 'counter', value: i, exp: i % 10 === 1 ? now - 1 : now + 5_000 }); break;
      case 2: m.set(`nonce:${i}`, { kind: 'nonce', nc: 3, graceMs: 100, exp: now + 60_000 }); break;
      case 3: m.set(`settings:${i}`, { kind: 'settings', version: 2, settings: { dnd: true, name: `u "${i}"` } }); break;
      default: m.set(`bindings:${i}`, { kind: 'bindings', table: new Map([[`b${i}`, { exp: now + 3_600_000, b: { contact: `sip:d${i}@127.0.0.1`, callId: `c${i}`, cseq: 1 } }]]) });
    }
  }
  return m;
}

describe('state: the periodic snapshot, encoded in slices', () => {
  it('writes byte for byte the document encodeSnapshot writes when nothing changes meanwhile', async () => {
    const now = 1_000_000;
    const m = entries(4321, now);
    let pauses = 0;
    const sliced = await encodeSnapshotInSlices(m, () => ({ now, epochNow: 1_700_000_000_000 }), async () => { pauses++; }, 500);
    assert.equal(sliced, encodeSnapshot(m, { now, epochNow: 1_700_000_000_000 }));
    assert.equal(pauses, Math.ceil(4321 / 500) - 1, 'one pause between consecutive slices');
    const back = decodeSnapshot(sliced, { now, epochNow: 1_700_000_000_000 });
    assert.ok(back);
    assert.equal(back.skipped, 0);
    const expired = Array.from({ length: 4321 }, (_, i) => i).filter((i) => i % 10 === 1).length;
    assert.equal(back.entries.size, 4321 - expired, 'expired counters are left out');
  });

  it('counts a list of recent calls by its calls, so a few big lists are sliced too', async () => {
    const now = 1_000_000;
    const m = new Map<string, Entry>();
    const call = { callId: 'c', direction: 'inbound' as const, from: '+12125550123', to: '+14155551000', startedAt: '2024-05-01T12:00:00.000Z' };
    for (let u = 0; u < 40; u++) m.set(`recent:u${u}`, { kind: 'recent', calls: Array.from({ length: 50 }, () => ({ ...call })), exp: now + 60_000 });
    let pauses = 0;
    const sliced = await encodeSnapshotInSlices(m, () => ({ now, epochNow: 7 }), async () => { pauses++; }, 500);
    assert.equal(sliced, encodeSnapshot(m, { now, epochNow: 7 }));
    assert.equal(pauses, 40 * 50 / 500 - 1, '2000 calls in slices of 500, though only 40 entries');
  });

  it('saves an entry changed between slices as it is when its slice runs, and never lengthens a TTL', async () => {
    const m = new Map<string, Entry>([
      ['kv:a', { kind: 'kv', value: 'old', exp: 100_000 }],
      ['kv:b', { kind: 'kv', value: 'old', exp: 100_000 }],
      ['kv:d', { kind: 'kv', value: 'deleted meanwhile', exp: 100_000 }],
    ]);
    let now = 0;
    const text = await encodeSnapshotInSlices(m, () => ({ now, epochNow: 5_000 }), async () => {
      now = 40_000; // 40 s pass while the loop runs other work
      m.set('kv:b', { kind: 'kv', value: 'new', exp: 100_000 });
      m.set('kv:c', { kind: 'kv', value: 'added later', exp: 100_000 });
      m.delete('kv:d');
    }, 1);
    const doc = JSON.parse(text) as { savedAtEpochMs: number; entries: Array<[string, { value: string; ttlMs: number }]> };
    assert.equal(doc.savedAtEpochMs, 5_000, 'the header is the start');
    assert.deepEqual(doc.entries.map(([k, e]) => [k, e.value, e.ttlMs]), [
      ['kv:a', 'old', 100_000],
      ['kv:b', 'new', 60_000], // measured at its slice: shorter, never longer
    ], 'a key deleted meanwhile is left out; one added after the start waits for the next snapshot');
  });
});
