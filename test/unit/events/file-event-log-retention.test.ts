/**
 * FileEventLog's size cap (maxBytes, src/events/log-retention.ts): the oldest sealed
 * segments go once all segments outgrow it, acknowledged or not; the active one stays;
 * groups behind continue from the first event left; what they had not acknowledged is
 * counted. Real files in a temp dir, measured on disk.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEventLog, type FileEventLogOptions, type TrimInfo } from '../../../src/events/index.js';
import { LinegateError } from '../../../src/shared/index.js';
import { callStarted } from '../../contract/call-event-samples.js';

describe('FileEventLog size cap (maxBytes)', () => {
  const dirs: string[] = [];
  const logs: FileEventLog[] = [];
  let dir = '';
  const freshDir = async (): Promise<void> => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-retention-'));
    dirs.push(dir);
  };
  const open = async (options: Partial<FileEventLogOptions> = {}): Promise<FileEventLog> => {
    const log = new FileEventLog({ dir, ...options });
    logs.push(log);
    await log.start();
    return log;
  };
  /** Every file in the directory with its size on disk, by name. */
  const onDisk = async (): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    for (const name of (await readdir(dir)).sort()) out.set(name, (await stat(join(dir, name))).size);
    return out;
  };
  const segmentBytesOnDisk = async (): Promise<number> => [...(await onDisk())].filter(([n]) => n.startsWith('segment-')).reduce((s, [, b]) => s + b, 0);
  const segmentStarts = async (): Promise<number[]> => [...(await onDisk()).keys()].filter((n) => n.startsWith('segment-')).map((n) => Number(n.slice(8, 28)));
  const readAll = async (log: FileEventLog, group: string): Promise<number[]> => {
    const ids: number[] = [];
    for (let batch = await log.read(group, 'c', 7, 0); batch.length > 0; batch = await log.read(group, 'c', 7, 0)) ids.push(...batch.map((x) => Number(x.id)));
    return ids;
  };
  const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  afterEach(async () => {
    for (const l of logs.splice(0)) await l.close();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('deletes the oldest sealed segments past the cap, keeps the active one, and a group behind reads on from the first event left', async () => {
    await freshDir();
    const trims: TrimInfo[] = [];
    // Sealed segments hold a little more than segmentBytes (a segment is sealed once it has
    // reached it), so 3 × segmentBytes keeps the active segment and at least one sealed one.
    const log = await open({ segmentBytes: 1000, maxBytes: 3000, onTrim: (t) => trims.push(t) });
    await log.append(callStarted(1));
    await log.append(callStarted(2));
    // Group g: 1 acknowledged, 2 delivered and not acknowledged, the rest never read.
    assert.deepEqual((await log.read('g', 'c', 2, 0)).map((x) => x.id), ['1', '2']);
    assert.equal(await log.ack('g', ['1']), 1);
    for (let i = 3; i <= 40; i++) await log.append(callStarted(i));

    const starts = await segmentStarts();
    const first = starts[0] as number;
    assert.ok(first > 2, `the oldest segments are gone (first left starts at ${first})`);
    assert.ok(await segmentBytesOnDisk() <= 3000, `${await segmentBytesOnDisk()} segment bytes on disk`);
    assert.ok(starts.length >= 2, 'the active segment and at least one sealed one stay');
    const segmentsGone = trims.reduce((n, t) => n + t.segments, 0);
    assert.ok(trims.length > 0);
    assert.equal(trims.reduce((n, t) => n + t.events, 0), first - 1, 'every event below the first one left was deleted');
    assert.equal(trims.reduce((n, t) => n + t.unacknowledged, 0), first - 2, 'all but event 1 were unacknowledged by g');
    assert.deepEqual(
      { trimmedSegments: log.stats().trimmedSegments, trimmedEvents: log.stats().trimmedEvents, segments: log.stats().segments },
      { trimmedSegments: segmentsGone, trimmedEvents: first - 2, segments: starts.length },
    );

    assert.equal(await log.pending('g'), 40 - first + 1, 'what was trimmed is no longer pending');
    assert.deepEqual(await readAll(log, 'g'), range(first, 40), 'g continues from the first event left');
    assert.equal(log.stats().lostEvents, 0, 'a trimmed range is not taken for damage');
    assert.equal(log.stats().corruptLines, 0);
    assert.deepEqual(await readAll(log, 'new'), range(first, 40), 'a new group starts at the first event left');

    await log.close();
    const again = await open({ segmentBytes: 1000, maxBytes: 3000 });
    assert.deepEqual(await readAll(again, 'g'), range(first, 40), 'after a restart g is redelivered everything left');
    assert.equal((await again.append(callStarted(41))).id, '41');
    assert.deepEqual(await readAll(again, 'other'), range(first, 41));
  });

  it('with no consumer group (the CRM worker off) keeps the directory under the cap across many appends', async () => {
    await freshDir();
    const trims: TrimInfo[] = [];
    const maxBytes = 8192;
    const log = await open({ segmentBytes: 2048, maxBytes, onTrim: (t) => trims.push(t) });
    let appended = 0;
    let largest = 0;
    for (let burst = 0; burst < 120; burst++) {
      const n = 1 + (burst % 8);
      await Promise.all(Array.from({ length: n }, () => log.append(callStarted(++appended))));
      const files = await onDisk();
      const segments = await segmentBytesOnDisk();
      const total = [...files.values()].reduce((s, b) => s + b, 0);
      largest = Math.max(largest, total);
      assert.ok(segments <= maxBytes, `after ${appended} appends: ${segments} segment bytes > ${maxBytes}`);
      // Beside the segments only the LOCK file (a line of JSON): no groups.json without a group.
      assert.deepEqual([...files.keys()].filter((f) => !f.startsWith('segment-')), ['LOCK']);
      assert.ok(total <= maxBytes + (files.get('LOCK') ?? 0), `after ${appended} appends: ${total} bytes in the directory`);
    }
    assert.ok(appended * 200 > 4 * maxBytes, 'appended several times the cap');
    assert.ok(largest > maxBytes / 2, `the log did fill up to the cap (largest ${largest})`);
    assert.ok(log.stats().trimmedSegments > 0);
    assert.equal(log.stats().trimmedEvents, 0, 'no group: no consumer missed anything');
    assert.ok(trims.every((t) => t.unacknowledged === 0 && t.events > 0 && t.segments > 0));
    const first = (await segmentStarts())[0] as number;
    assert.equal(trims.reduce((n, t) => n + t.events, 0), first - 1);
    assert.deepEqual(await readAll(log, 'late'), range(first, appended), 'a group created later starts at the oldest event left');
  });

  it('applies the cap at start, for a process that only reads (a lowered cap, or the standalone CRM worker)', async () => {
    await freshDir();
    const writer = await open({ segmentBytes: 1000, maxBytes: 100_000 });
    for (let i = 1; i <= 40; i++) await writer.append(callStarted(i));
    assert.deepEqual((await writer.read('g', 'c', 1, 0)).map((x) => x.id), ['1']);
    assert.equal(await writer.ack('g', ['1']), 1); // groups.json now names g, at event 2
    await writer.close();
    const before = await segmentBytesOnDisk();
    assert.ok(before > 3000, `the writer left ${before} segment bytes, over the reader's cap`);
    const trims: TrimInfo[] = [];
    const reader = await open({ segmentBytes: 1000, maxBytes: 3000, onTrim: (t) => trims.push(t) });
    assert.ok(await segmentBytesOnDisk() <= 3000, `${await segmentBytesOnDisk()} segment bytes after start`);
    const first = (await segmentStarts())[0] as number;
    assert.equal(trims.length, 1, 'one trim, at start, with no append');
    assert.equal(trims[0]!.events, first - 1);
    assert.equal(trims[0]!.unacknowledged, first - 2, 'group g (from groups.json) had acknowledged only event 1');
    assert.equal(reader.stats().trimmedEvents, first - 2);
    assert.deepEqual(await readAll(reader, 'g'), range(first, 40), 'g reads on from the first event left');
  });

  it('never deletes the active segment, even when one batch alone outgrows the cap', async () => {
    await freshDir();
    const log = await open({ segmentBytes: 1000, maxBytes: 2000 });
    for (let i = 1; i <= 8; i++) await log.append(callStarted(i));
    // One batch of 40 concurrent appends (~8 KB): all of it lands in the active segment.
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(callStarted(100 + i))));
    assert.equal(log.stats().segments, 1, 'every sealed segment went');
    const first = (await segmentStarts())[0] as number;
    assert.ok(first > 1);
    assert.deepEqual(await readAll(log, 'g'), range(first, 48), 'the active segment is whole');
    assert.deepEqual(ids.map((x) => Number(x.id)), range(9, 48), 'and holds every append of the batch');
  });

  it('counts an event once when any group had not acknowledged it, and not when every group had', async () => {
    await freshDir();
    const trims: TrimInfo[] = [];
    const log = await open({ segmentBytes: 1000, maxBytes: 2000, onTrim: (t) => trims.push(t) });
    // a acknowledges everything; b only the even ids (so its watermark stays at 1).
    for (let i = 1; i <= 30; i++) {
      await log.append(callStarted(i));
      for (const group of ['a', 'b']) {
        const got = (await log.read(group, 'c', 10, 0)).map((x) => x.id);
        await log.ack(group, group === 'a' ? got : got.filter((id) => Number(id) % 2 === 0));
      }
    }
    const first = (await segmentStarts())[0] as number;
    assert.ok(first > 1 && trims.length > 0, 'the cap trimmed (b holds back compaction)');
    const odd = Math.floor(first / 2); // odd ids below `first`
    assert.equal(trims.reduce((n, t) => n + t.unacknowledged, 0), odd);
    assert.equal(log.stats().trimmedEvents, odd);
    // b's acknowledgements above the trim point still count.
    const evensLeft = range(first, 30).filter((n) => n % 2 === 0).length;
    assert.equal(await log.pending('b'), 30 - first + 1 - evensLeft);
    assert.equal(await log.pending('a'), 0);
  });

  it('rejects a cap below 2 × segmentBytes as a programming error', async () => {
    await freshDir();
    const tooSmall = (e: unknown): boolean => e instanceof LinegateError && e.code === 'EVENT_LOG_MAX_BYTES_TOO_SMALL' && /2 × segmentBytes/.test(e.message);
    assert.throws(() => new FileEventLog({ dir, segmentBytes: 1000, maxBytes: 1999 }), tooSmall);
    assert.throws(() => new FileEventLog({ dir, maxBytes: 16 * 1024 * 1024 }), tooSmall, 'the default segment size is 16 MiB');
    assert.throws(() => new FileEventLog({ dir, segmentBytes: 1000, maxBytes: 2500.5 }), tooSmall);
    assert.doesNotThrow(() => new FileEventLog({ dir, segmentBytes: 1000, maxBytes: 2000 }));
    assert.throws(() => new FileEventLog({ dir, segmentBytes: 0 }), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_BAD_SEGMENT_BYTES');
  });
});
