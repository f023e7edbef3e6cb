import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalKv } from '../../../../src/crm/worker/journal-kv.js';

describe('JournalKv', () => {
  let dir = '';
  let now = 1_000_000;
  const epochNow = (): number => now;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-journal-kv-'));
    now = 1_000_000;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps every write that resolved across a reopen, including deletes and TTLs', async () => {
    const path = join(dir, 'kv.jsonl');
    const kv = new JournalKv({ path, epochNow });
    await kv.start();
    await Promise.all([kv.kvSet('a', { x: 1 }, 10_000), kv.kvSet('b', [1, 'two'], 10_000), kv.kvSet('c', 'gone', 10_000)]);
    await kv.kvDelete('c');
    await kv.kvSet('short', true, 100);
    assert.equal(await kv.kvSet('a', 'other', 10_000, { ifAbsent: true }), false);
    // No close(): as if killed right after the writes resolved.
    now += 500;
    const again = new JournalKv({ path, epochNow });
    await again.start();
    assert.deepEqual(await again.kvGet('a'), { x: 1 });
    assert.deepEqual(await again.kvGet('b'), [1, 'two']);
    assert.equal(await again.kvGet('c'), undefined);
    assert.equal(await again.kvGet('short'), undefined, 'expired while down');
    assert.equal(again.size, 2);
    await again.close();
    await kv.close();
  });

  it('skips a torn last line and compacts on start', async () => {
    const path = join(dir, 'kv.jsonl');
    const kv = new JournalKv({ path, epochNow });
    await kv.start();
    for (let i = 0; i < 10; i++) await kv.kvSet('k', i, 10_000);
    await kv.close();
    await appendFile(path, '{"k":"torn","v":');
    const again = new JournalKv({ path, epochNow });
    await again.start();
    assert.equal(await again.kvGet('k'), 9);
    assert.equal(await again.kvGet('torn'), undefined);
    assert.equal((await readFile(path, 'utf8')).trim().split('\n').length, 1, 'rewritten with the live key only');
    await again.close();
  });

  it('rewrites itself when dead lines pile up', async () => {
    const path = join(dir, 'kv.jsonl');
    const kv = new JournalKv({ path, epochNow, compactAfterLines: 20 });
    await kv.start();
    for (let i = 0; i < 100; i++) await kv.kvSet(`k${i % 3}`, i, 10_000);
    const lines = (await readFile(path, 'utf8')).trim().split('\n').length;
    assert.ok(lines <= 25, `${lines} lines after compaction`);
    assert.equal(await kv.kvGet('k0'), 99);
    await kv.close();
  });
});
