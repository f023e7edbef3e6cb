import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DAY_MS, RecordingService, sweepRecordings } from '../../../../src/b2bua/recording/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeEndpoint, settle } from './fake-media.js';

const EPOCH = Date.UTC(2024, 4, 1, 12, 0, 0);

/** A file under `dir` last written `ageDays` before EPOCH. */
async function file(dir: string, rel: string, ageDays: number): Promise<string> {
  const path = join(dir, rel);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'RIFF');
  const t = (EPOCH - ageDays * DAY_MS) / 1000;
  await utimes(path, t, t);
  return path;
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  }
  return out.sort();
}

describe('recording retention', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-rec-retention-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sweepRecordings deletes WAVs last written before the cut-off, one folder deep, and nothing else', async () => {
    await file(dir, 'alice/old.wav', 31);
    await file(dir, 'alice/young.wav', 29);
    await file(dir, 'bob/OLD.WAV', 40);
    await file(dir, 'top-level-old.wav', 35);
    await file(dir, 'alice/old-notes.txt', 90);
    await file(dir, 'alice/deeper/old.wav', 90);
    const inUse = await file(dir, 'bob/in-use.wav', 90);
    const r = await sweepRecordings(dir, EPOCH - 30 * DAY_MS, new Set([inUse]));
    assert.deepEqual(r.deleted.map((p) => p.slice(dir.length + 1)).sort(), ['alice/old.wav', 'bob/OLD.WAV', 'top-level-old.wav']);
    assert.equal(r.kept, 2);
    assert.deepEqual(r.failed, []);
    assert.deepEqual(await listing(dir), ['alice/deeper/old.wav', 'alice/old-notes.txt', 'alice/young.wav', 'bob/in-use.wav']);
  });

  it('a missing folder is an empty sweep', async () => {
    assert.deepEqual(await sweepRecordings(join(dir, 'nope'), EPOCH, new Set()), { deleted: [], kept: 0, failed: [] });
  });

  it('the service sweeps on its timer with the injected clocks, never the file being recorded', async () => {
    const clock = new FakeClock();
    const service = new RecordingService({
      clock, logger: pino({ level: 'silent' }), events: { append: async () => undefined }, sequence: { next: async () => 1 },
      users: [{ id: 'alice', recording: 'always' }], dir, retentionDays: 30, sweepIntervalMs: DAY_MS,
      epochNow: () => EPOCH + clock.now(),
    });
    try {
      await file(dir, 'alice/a-31-days.wav', 31);
      await file(dir, 'alice/b-29-days.wav', 29);
      await file(dir, 'alice/c-10-days.wav', 10);
      // A call being recorded right now, its file made to look ancient.
      const caller = new FakeEndpoint('A', {});
      await service.callAnswered({ callId: 'c1', userIds: ['alice'], media: { caller, callee: new FakeEndpoint('B', {}) } });
      const recording = caller.recordings[0]!.path;
      await writeFile(recording, 'RIFF');
      await utimes(recording, 0, 0);

      service.start(); // sweeps at once
      await settle();
      await service.sweep();
      assert.deepEqual(await listing(dir), ['alice/b-29-days.wav', 'alice/c-10-days.wav', recording.slice(dir.length + 1)].sort());
      clock.advance(DAY_MS); // b is 30 days old: not older than 30 days yet
      await settle();
      await service.sweep();
      assert.deepEqual((await listing(dir)).length, 3);
      clock.advance(DAY_MS + 1); // b is 31 days old
      await settle();
      await service.sweep();
      assert.deepEqual(await listing(dir), ['alice/c-10-days.wav', recording.slice(dir.length + 1)].sort());
    } finally {
      service.destroy();
    }
    assert.equal(clock.pending(), 0, 'destroy() stops the sweep timer');
  });

  it('no retention setting: sweep() keeps everything and start() schedules nothing', async () => {
    const clock = new FakeClock();
    const service = new RecordingService({
      clock, logger: pino({ level: 'silent' }), events: { append: async () => undefined }, sequence: { next: async () => 1 },
      users: [], dir, epochNow: () => EPOCH,
    });
    await file(dir, 'alice/ancient.wav', 3650);
    service.start();
    assert.equal(clock.pending(), 0);
    assert.deepEqual((await service.sweep()).deleted, []);
    assert.deepEqual(await listing(dir), ['alice/ancient.wav']);
    assert.throws(() => new RecordingService({
      clock, logger: pino({ level: 'silent' }), events: { append: async () => undefined }, sequence: { next: async () => 1 },
      users: [], dir, retentionDays: 0,
    }), RangeError);
  });
});
