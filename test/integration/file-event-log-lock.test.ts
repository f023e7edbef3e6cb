/**
 * FileEventLog's directory lock across processes: while a child process (the appender of
 * file-event-log-appender.ts) has the log open, this process is refused; once the child is
 * SIGKILLed its lock is stale and the next start takes it over, says so, and finds every
 * append the child saw resolve.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEventLog } from '../../src/events/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { sleep } from '../helpers/until.js';
import { APPENDER_SEGMENT_BYTES, appendUntilKilled } from './file-event-log-appender.js';

describe('FileEventLog lock across processes', function () {
  this.timeout(30_000);
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const lockPid = async (): Promise<number | undefined> => {
    try {
      return (JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined; // not there yet, or being written
    }
  };

  it('refuses the directory while another process has it, then takes over its lock after a SIGKILL', async () => {
    // The child is killed 1.5 s after its first append resolves: the refusal happens before.
    const child = appendUntilKilled(dir, 1, 1500);
    child.catch(() => undefined); // awaited below; a child that fails early must not go unhandled meanwhile
    let childPid: number | undefined;
    for (const deadline = Date.now() + 10_000; childPid === undefined; await sleep(5)) {
      assert.ok(Date.now() < deadline, 'the child took no lock within 10 s');
      childPid = await lockPid();
    }
    const refused = new FileEventLog({ dir, segmentBytes: APPENDER_SEGMENT_BYTES });
    await assert.rejects(refused.start(), (e: unknown) => {
      assert.ok(e instanceof LinegateError && e.code === 'EVENT_LOG_LOCKED', String(e));
      assert.ok(e.message.includes(dir) && e.message.includes(`pid ${childPid}`), e.message);
      return true;
    });

    const { printed, pid } = await child;
    assert.equal(pid, childPid);
    assert.equal(await lockPid(), pid, 'the killed child left its lock behind');
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });

    const stale: number[] = [];
    const log = new FileEventLog({ dir, segmentBytes: APPENDER_SEGMENT_BYTES, onStaleLock: (p) => stale.push(p) });
    await log.start();
    try {
      assert.deepEqual(stale, [pid], 'the takeover is reported with the dead pid');
      assert.equal(await lockPid(), process.pid);
      const seen = new Map((await log.read('check', 'c', 100_000, 0)).map((x) => [x.id, x.event.callId]));
      for (const [id, callId] of printed) assert.equal(seen.get(id), callId, `resolved append ${id}`);
    } finally {
      await log.close();
    }
    assert.equal(await lockPid(), undefined, 'close() removed the lock');
  });
});
