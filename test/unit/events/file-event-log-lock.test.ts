/**
 * FileEventLog's directory lock (src/events/dir-lock.ts) within one process and with lock
 * files written by hand. A lock left by a real SIGKILLed process is taken over in
 * test/integration/file-event-log-lock.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEventLog } from '../../../src/events/index.js';
import { LinegateError } from '../../../src/shared/index.js';
import { callStarted } from '../../contract/call-event-samples.js';

const locked = (dir: string, pid: number) => (e: unknown): boolean => {
  assert.ok(e instanceof LinegateError, String(e));
  assert.equal(e.code, 'EVENT_LOG_LOCKED');
  assert.ok(e.message.includes(dir), `names the directory: ${e.message}`);
  assert.ok(e.message.includes(`pid ${pid}`), `names the pid: ${e.message}`);
  assert.match(e.message, /point this one at another data directory/);
  return true;
};

describe('FileEventLog directory lock', () => {
  const dirs: string[] = [];
  const logs: FileEventLog[] = [];
  let dir = '';
  const freshDir = async (): Promise<void> => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-lock-'));
    dirs.push(dir);
  };
  const log = (options: { onStaleLock?: (pid: number) => void } = {}): FileEventLog => {
    const l = new FileEventLog({ dir, ...options });
    logs.push(l);
    return l;
  };
  const lockFile = (): Promise<string> => readFile(join(dir, 'LOCK'), 'utf8');
  const handWritten = (pid: number): string => `${JSON.stringify({ pid, startedAt: '2024-05-01T12:00:00.000Z' })}\n`;

  afterEach(async () => {
    for (const l of logs.splice(0)) await l.close();
  });
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes <dir>/LOCK with its pid and start time, and removes it on close', async () => {
    await freshDir();
    const first = log();
    await first.start();
    const held = JSON.parse(await lockFile()) as { pid: number; startedAt: string };
    assert.equal(held.pid, process.pid);
    assert.ok(Math.abs(Date.parse(held.startedAt) - Date.now()) < 60_000, held.startedAt);
    await first.close();
    await assert.rejects(lockFile(), { code: 'ENOENT' });
  });

  it('refuses a second log on the same directory in the same process, and lets one start after close()', async () => {
    await freshDir();
    const first = log();
    await first.start();
    await first.append(callStarted(1));
    const second = log();
    await assert.rejects(second.start(), locked(dir, process.pid));
    await assert.rejects(second.append(callStarted(2)), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_NOT_STARTED');
    await first.close();
    await second.start(); // a failed start() may be tried again
    assert.deepEqual((await second.read('g', 'c', 10, 0)).map((x) => x.event.callId), ['call-1']);
  });

  it('refuses a directory whose lock names another live process, naming it', async () => {
    await freshDir();
    await writeFile(join(dir, 'LOCK'), handWritten(process.ppid)); // the process that started this one: alive
    const stale: number[] = [];
    await assert.rejects(log({ onStaleLock: (p) => stale.push(p) }).start(), locked(dir, process.ppid));
    assert.deepEqual(stale, []);
    assert.equal(await lockFile(), handWritten(process.ppid), 'the live owner\'s lock is left alone');
  });

  it('takes over a lock naming its own pid that this process does not hold (a restarted container reuses pids)', async () => {
    await freshDir();
    await writeFile(join(dir, 'LOCK'), handWritten(process.pid));
    const stale: number[] = [];
    await log({ onStaleLock: (p) => stale.push(p) }).start();
    assert.deepEqual(stale, [process.pid]);
    assert.notEqual(await lockFile(), handWritten(process.pid), 'a lock of its own replaced it');
  });

  it('close() leaves a lock alone that is no longer its own', async () => {
    await freshDir();
    const first = log();
    await first.start();
    const other = handWritten(process.ppid);
    await writeFile(join(dir, 'LOCK'), other); // someone replaced it (by hand, say)
    await first.close();
    assert.equal(await lockFile(), other);
  });

  it('refuses a lock file it cannot read, saying how to clear it', async () => {
    await freshDir();
    await writeFile(join(dir, 'LOCK'), '');
    await assert.rejects(log().start(), (e: unknown) => {
      assert.ok(e instanceof LinegateError && e.code === 'EVENT_LOG_LOCK_UNREADABLE', String(e));
      assert.ok(e.message.includes(join(dir, 'LOCK')) && /delete/.test(e.message), e.message);
      return true;
    });
  });

  it('gives the lock back when start() fails after taking it', async () => {
    await freshDir();
    await writeFile(join(dir, 'groups.json'), 'not json');
    await assert.rejects(log().start(), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_GROUPS_CORRUPT');
    await assert.rejects(lockFile(), { code: 'ENOENT' });
    await rm(join(dir, 'groups.json'));
    await log().start();
  });

  it('gives the lock back on destroy()', async () => {
    await freshDir();
    const first = log();
    await first.start();
    first.destroy();
    await first.close(); // waits for what destroy() started
    await assert.rejects(lockFile(), { code: 'ENOENT' });
    await log().start();
  });
});
