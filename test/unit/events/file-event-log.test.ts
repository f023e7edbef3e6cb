import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { FileEventLog, type FileEventLogOptions, type UnreadableEntry } from '../../../src/events/index.js';
import { LinegateError } from '../../../src/shared/index.js';
import { callStarted } from '../../contract/call-event-samples.js';
import { eventLogContract } from '../../contract/event-log.contract.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('FileEventLog', () => {
  const dirs: string[] = [];
  let dir = '';
  const logs: FileEventLog[] = [];
  const freshDir = async (): Promise<string> => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-eventlog-'));
    dirs.push(dir);
    return dir;
  };
  const open = async (options: Partial<FileEventLogOptions> = {}): Promise<FileEventLog> => {
    const log = new FileEventLog({ dir, ...options });
    logs.push(log);
    await log.start();
    return log;
  };
  const segmentFiles = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.startsWith('segment-')).sort();
  /** A record in the documented line format (docs/call-events.md), written by hand. */
  const frameLine = (seq: number, t: number, e: unknown): string => {
    const json = JSON.stringify({ seq, t, e });
    return `${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}\n`;
  };

  afterEach(async () => {
    for (const l of logs.splice(0)) await l.close();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  describe('EventLog contract', () => {
    eventLogContract(() => ({
      reset: async () => void (await freshDir()),
      async open() {
        const log = new FileEventLog({ dir });
        await log.start();
        return log;
      },
    }));
  });

  it('writes one CRC-framed JSON line per event, in the documented format', async () => {
    await freshDir();
    const log = await open({ epochNow: () => 1234 });
    await log.append(callStarted(1));
    const [file] = await segmentFiles();
    assert.equal(file, 'segment-00000000000000000001.log');
    assert.equal(await readFile(join(dir, file), 'utf8'), frameLine(1, 1234, callStarted(1)));
  });

  it('cuts a torn last record at start and goes on appending after the good ones', async () => {
    await freshDir();
    const log = await open();
    for (let i = 1; i <= 3; i++) await log.append(callStarted(i));
    await log.close();
    const [file] = await segmentFiles();
    const torn = frameLine(4, 1, callStarted(4)).slice(0, 40); // killed mid-write: no LF
    await appendFile(join(dir, file!), torn);
    const cut: number[] = [];
    const again = await open({ onTornTail: (b) => cut.push(b) });
    assert.deepEqual(cut, [40]);
    assert.equal((await again.append(callStarted(5))).id, '4');
    const got = await again.read('g', 'c', 10, 0);
    assert.deepEqual(got.map((x) => [x.id, x.event.callId]), [['1', 'call-1'], ['2', 'call-2'], ['3', 'call-3'], ['4', 'call-5']]);
  });

  it('skips a damaged record in the middle, counts it, and does not let it block the group', async () => {
    await freshDir();
    const log = await open();
    for (let i = 1; i <= 3; i++) await log.append(callStarted(i));
    await log.close();
    const path = join(dir, (await segmentFiles())[0]!);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('call-2', 'call-X'); // the CRC no longer matches
    await writeFile(path, lines.join('\n'));
    const again = await open();
    const got = await again.read('g', 'c', 10, 0);
    assert.deepEqual(got.map((x) => x.event.callId), ['call-1', 'call-3']);
    assert.deepEqual({ corrupt: again.stats().corruptLines, lost: again.stats().lostEvents }, { corrupt: 1, lost: 1 });
    await again.ack('g', got.map((x) => x.id));
    assert.equal(await again.pending('g'), 0);
  });

  it('loads call.ended lines written before `reason` existed, and drops a reason code it does not know', async () => {
    await freshDir();
    const log = await open();
    await log.append(callStarted(1));
    await log.close();
    const old = { type: 'call.ended', v: 1, callId: 'call-1', seq: 2, at: '2024-05-01T12:00:00.000Z', userId: 'u1', disposition: 'busy', durationS: 0, hungUpBy: 'callee', sipStatus: 486 };
    const path = join(dir, (await segmentFiles())[0]!);
    await appendFile(path, frameLine(2, 1, old));
    await appendFile(path, frameLine(3, 1, { ...old, callId: 'call-2', reason: 'dnd' }));
    await appendFile(path, frameLine(4, 1, { ...old, callId: 'call-3', reason: 'solar-flare' })); // a newer writer's code
    const unreadable: UnreadableEntry[] = [];
    const again = await open({ onUnreadable: (u) => unreadable.push(u) });
    const got = (await again.read('g', 'c', 10, 0)).map((x) => x.event);
    assert.deepEqual(unreadable, []);
    assert.deepEqual(got.slice(1), [old, { ...old, callId: 'call-2', reason: 'dnd' }, { ...old, callId: 'call-3' }]);
  });

  it('reports an event it cannot parse (a newer version) and acknowledges it for the group', async () => {
    await freshDir();
    const log = await open();
    await log.append(callStarted(1));
    await log.close();
    await appendFile(join(dir, (await segmentFiles())[0]!), frameLine(2, 1, { ...callStarted(2), v: 2 }));
    const unreadable: UnreadableEntry[] = [];
    const again = await open({ onUnreadable: (u) => unreadable.push(u) });
    assert.equal((await again.append(callStarted(3))).id, '3');
    const got = await again.read('g', 'c', 10, 0);
    assert.deepEqual(got.map((x) => x.event.callId), ['call-1', 'call-3']);
    assert.equal(unreadable.length, 1);
    assert.equal(unreadable[0]!.id, '2');
    assert.match(unreadable[0]!.reason, /version 2/);
    assert.equal(await again.pending('g'), 2);
  });

  it('commits a burst of concurrent appends with a few fsyncs, not one each', async () => {
    await freshDir();
    const log = await open();
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(callStarted(i))));
    assert.ok(log.stats().appendSyncs <= 3, `${log.stats().appendSyncs} syncs for 200 appends`);
    assert.equal(await log.pending('g'), 200);
  });

  it('rotates segments and deletes those every group has acknowledged; ids keep growing', async () => {
    await freshDir();
    const log = await open({ segmentBytes: 600 });
    for (let i = 1; i <= 20; i++) await log.append(callStarted(i));
    const before = (await segmentFiles()).length;
    assert.ok(before >= 5, `${before} segments`);
    const g = await log.read('g', 'c', 100, 0);
    assert.equal(await log.pending('h'), 20, 'group h exists and has acknowledged nothing');
    await log.ack('g', g.map((x) => x.id));
    assert.equal((await segmentFiles()).length, before, 'h still needs them');
    const h = await log.read('h', 'c', 100, 0);
    await log.ack('h', h.map((x) => x.id));
    assert.equal((await segmentFiles()).length, 1);
    assert.equal(log.stats().segments, 1);
    await log.close();
    const again = await open({ segmentBytes: 600 });
    assert.equal((await again.append(callStarted(21))).id, '21');
    assert.deepEqual((await again.read('g', 'c', 10, 0)).map((x) => x.id), ['21']);
    assert.deepEqual((await again.read('new-group', 'c', 100, 0)).map((x) => Number(x.id)).at(-1), 21);
  });

  it('reads across segment boundaries in order, in small batches', async () => {
    await freshDir();
    const log = await open({ segmentBytes: 400 });
    for (let i = 1; i <= 12; i++) await log.append(callStarted(i));
    const ids: string[] = [];
    for (let batch = await log.read('g', 'c', 5, 0); batch.length > 0; batch = await log.read('g', 'c', 5, 0)) {
      ids.push(...batch.map((x) => x.id));
    }
    assert.deepEqual(ids, Array.from({ length: 12 }, (_, i) => String(i + 1)));
  });

  it('measures backlog age with the injected wall clock, across a restart', async () => {
    await freshDir();
    let wall = 1_000_000;
    const log = await open({ epochNow: () => wall });
    await log.append(callStarted(1));
    await log.close();
    wall += 4000;
    const again = await open({ epochNow: () => wall });
    assert.equal(await again.oldestPendingAgeMs('g'), 4000);
  });

  it('times a blocked read out on the injected clock, leaving no timer behind', async () => {
    await freshDir();
    const clock = new FakeClock();
    const log = await open({ clock });
    let result: unknown;
    const reading = log.read('g', 'c', 10, 1000).then((r) => (result = r));
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(result, undefined, 'still waiting at 999 ms');
    clock.advance(1);
    await reading;
    assert.deepEqual(result, []);
    assert.equal(clock.pending(), 0);
  });

  it('wakes a blocked reader with [] on close', async () => {
    await freshDir();
    const log = await open();
    const reading = log.read('g', 'c', 10, 60_000);
    await new Promise((r) => setTimeout(r, 20));
    await log.close();
    assert.deepEqual(await reading, []);
  });

  it('refuses to start on a damaged consumer-group file, naming it', async () => {
    await freshDir();
    await writeFile(join(dir, 'groups.json'), '{"v":1,"groups":{"g":{"ackedBelow":"x"}}}');
    const log = new FileEventLog({ dir });
    await assert.rejects(log.start(), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_GROUPS_CORRUPT' && e.message.includes('groups.json'));
  });

  it('does not treat new events as acknowledged when the group file is ahead of the segments', async () => {
    await freshDir();
    await writeFile(join(dir, 'groups.json'), '{"v":1,"groups":{"g":{"ackedBelow":100,"acked":[101]}}}');
    const log = await open();
    await log.append(callStarted(1));
    assert.equal(await log.pending('g'), 1);
    assert.deepEqual((await log.read('g', 'c', 10, 0)).map((x) => x.id), ['1']);
  });

  it('rejects use before start()', async () => {
    await freshDir();
    const log = new FileEventLog({ dir });
    await assert.rejects(log.append(callStarted(1)), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_NOT_STARTED');
    await assert.rejects(log.pending('g'), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_NOT_STARTED');
    await log.close();
  });
});
