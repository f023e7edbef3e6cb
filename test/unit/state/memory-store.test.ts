import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type MemoryStoreOptions } from '../../../src/state/index.js';
import { LinegateError } from '../../../src/shared/index.js';
import { storeContract } from '../../contract/store.contract.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { bigMessage, retainedBytes } from '../../helpers/heap-retained.js';

const EPOCH = 1_714_564_800_000; // 2024-05-01T12:00:00Z

describe('MemoryStore', () => {
  const dirs: string[] = [];
  let dir = '';
  let clock = new FakeClock();
  /** Wall time moves with the fake clock, plus whatever a test adds for "downtime". */
  let downtime = 0;
  const epochNow = (): number => EPOCH + clock.now() + downtime;
  const stores: MemoryStore[] = [];
  const fresh = async (): Promise<void> => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-store-'));
    dirs.push(dir);
    clock = new FakeClock();
    downtime = 0;
  };
  const open = async (options: Partial<MemoryStoreOptions> = {}): Promise<MemoryStore> => {
    const s = new MemoryStore({ clock, epochNow, snapshotPath: join(dir, 'store.json'), ...options });
    stores.push(s);
    await s.start();
    return s;
  };

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  describe('Store contract', () => {
    storeContract(() => ({
      reset: fresh,
      async open() {
        const s = new MemoryStore({ clock, epochNow, snapshotPath: join(dir, 'store.json') });
        await s.start();
        return s;
      },
      advance: async (ms) => clock.advance(ms),
    }));
  });

  it('honours TTLs across a restart, counting the time it was down', async () => {
    await fresh();
    const s = await open();
    await s.putBinding('sip:a@x', { contact: 'sip:a@h', callId: 'c', cseq: 1 }, 60_000);
    await s.putBinding('sip:a@x', { contact: 'sip:b@h', callId: 'd', cseq: 1 }, 10_000);
    await s.kvSet('k', 1, 30_000);
    await s.incrCounter('authfail.user', 'u1', { ttlMs: 5_000 });
    await s.close();
    // Down for 20 s: the next boot's monotonic clock starts over, the wall clock does not.
    clock = new FakeClock(123);
    downtime = 20_000 - 123; // wall clock: EPOCH + 20 s
    const again = await open();
    const list = await again.listBindings('sip:a@x');
    assert.deepEqual(list.map((b) => [b.contact, b.expiresInMs]), [['sip:a@h', 40_000]]);
    assert.equal(await again.kvGet('k'), 1);
    assert.equal((await again.getCounter('authfail.user', 'u1')).value, 0);
    clock.advance(10_000);
    assert.equal(await again.kvGet('k'), undefined);
  });

  it('writes a snapshot periodically when something changed, atomically (no temp file left)', async () => {
    await fresh();
    const s = await open({ snapshotIntervalMs: 1000 });
    await s.kvSet('k', 'v', 60_000);
    clock.advance(1000);
    await waitFor(async () => (await readFile(join(dir, 'store.json'), 'utf8').catch(() => '')).includes('kv:k'));
    const doc = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { format: string; entries: unknown[] };
    assert.equal(doc.format, 'linegate-store');
    assert.equal(doc.entries.length, 1);
    await assert.rejects(readFile(join(dir, 'store.json.tmp')), { code: 'ENOENT' });
  });

  it('sweeps expired keys without being asked and leaves no timer behind on close', async () => {
    await fresh();
    const s = await open({ sweepIntervalMs: 1000 });
    for (let i = 0; i < 100; i++) await s.putNonce(`n${i}`, 500, 0);
    assert.equal(s.stats().keys, 100);
    clock.advance(1000);
    assert.equal(s.stats().keys, 0);
    await s.close();
    assert.equal(clock.pending(), 0);
  });

  it('refuses to start on a damaged snapshot, naming the file; skips damaged entries in a good one', async () => {
    await fresh();
    await writeFile(join(dir, 'store.json'), '{"format":"linegate-store","v":1,"savedAt');
    await assert.rejects(new MemoryStore({ clock, snapshotPath: join(dir, 'store.json') }).start(), (e: unknown) => e instanceof LinegateError && e.code === 'STORE_SNAPSHOT_CORRUPT' && e.message.includes('store.json'));
    const good = { format: 'linegate-store', v: 1, savedAtEpochMs: EPOCH, entries: [['kv:a', { kind: 'kv', value: 1, ttlMs: 1000 }], ['kv:b', { kind: 'kv', ttlMs: 'x' }], ['reg:x', { kind: 'bindings', bindings: [{ id: 'i', ttlMs: 5, b: { contact: 1 } }] }]] };
    await writeFile(join(dir, 'store.json'), JSON.stringify(good));
    const s = await open();
    assert.equal(await s.kvGet('a'), 1);
    assert.equal(s.stats().skippedOnLoad, 2);
  });

  it('recent calls keep strings of their own: a Call-ID sliced from an INVITE does not pin the INVITE', async () => {
    await fresh();
    const s = await open({ snapshotPath: undefined });
    const calls = 400;
    const retained = await retainedBytes(async () => {
      for (let i = 0; i < calls; i++) {
        // As the shell has them: the Call-ID is a substring of the whole wire message.
        const callId = bigMessage(i, 20_000).slice(100, 140);
        const user = `u${i % 8}`;
        await s.pushRecentCall(user, { callId, direction: 'inbound', from: '+12125550123', to: '+14155551000', startedAt: '2024-05-01T12:00:00.000Z' });
        await s.updateRecentCall(user, callId, { disposition: 'answered', durationS: 1 });
        await s.nextRecentCallSeq(user, callId);
      }
      return s;
    });
    assert.equal((await s.listRecentCalls('u0')).length, 50);
    assert.ok(retained < (calls * 20_000) / 10, `the store retained ${retained} bytes for ${calls} calls (8 MB of messages)`);
  });

  it('works without a snapshot path, purely in memory', async () => {
    await fresh();
    const s = new MemoryStore({ clock });
    stores.push(s);
    await s.start();
    await s.kvSet('k', 1, 1000);
    assert.equal(await s.kvGet('k'), 1);
    await s.close();
    await assert.rejects(s.kvGet('k'), (e: unknown) => e instanceof LinegateError && e.code === 'STORE_CLOSED');
  });
});

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not met within 1 s');
}
