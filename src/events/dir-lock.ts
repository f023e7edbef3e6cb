/**
 * DirLock: one owner per event-log directory. `<dir>/LOCK` is created with O_EXCL and holds
 * the owner's pid and start time; whoever created it owns the directory until it removes it.
 *
 * A lock left by a crash names a pid that no longer runs: it is stale and the next start
 * takes it over (and says so). A pid is alive when `kill(pid, 0)` succeeds or fails with
 * EPERM (it exists but belongs to another user). A lock naming this very pid but not held
 * by this process was left by an earlier process that had the same pid: in a container the
 * gateway is often pid 1 (or another small, fixed pid) after every restart.
 *
 * Known limits: an unrelated process that later got a crashed owner's pid makes the lock
 * look live (the error names the pid so an operator can check, and the fix); two processes
 * taking over the same stale lock at the same instant can both succeed (each removes the
 * stale file and one may remove the other's fresh one in between); two worker threads of
 * one process are not told apart (the log is only opened on the main thread).
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ignoreMissingFile, LinegateError, syncDirectory } from '../shared/index.js';
import { parseJsonObject } from './json-object.js';

export const LOCK_FILE = 'LOCK';

/** What a lock file says about its owner. */
export interface LockHolder {
  readonly pid: number;
  /** ISO 8601, when the owner took the lock. */
  readonly startedAt: string;
}

export interface DirLockOptions {
  /** Wall-clock epoch ms for the start time written into the lock. */
  readonly epochNow: () => number;
  /** Told the pid of a dead owner whose lock was taken over. */
  readonly onStale?: (pid: number) => void;
}

/** Directories (real paths) whose lock this process holds or is taking, so a second log there is refused. */
const heldHere = new Map<string, string>();

/** Attempts to create the lock; more than one only when a stale lock was removed or the lock vanished meanwhile. */
const ATTEMPTS = 3;

export class DirLock {
  private released = false;

  private constructor(
    private readonly path: string,
    private readonly key: string,
    private readonly text: string,
  ) {}

  /** Takes `<dir>/LOCK` (the directory must exist); rejects with EVENT_LOG_LOCKED while another live process holds it. */
  static async acquire(dir: string, options: DirLockOptions): Promise<DirLock> {
    const key = await realpath(dir);
    const startedAt = new Date(options.epochNow()).toISOString();
    const mine = heldHere.get(key);
    if (mine !== undefined) throw lockedError(dir, { pid: process.pid, startedAt: mine });
    // Claimed before the first await, so two starts in this process cannot both get past here.
    heldHere.set(key, startedAt);
    try {
      const { text, stalePid } = await take(dir, startedAt);
      if (stalePid !== undefined) options.onStale?.(stalePid);
      return new DirLock(join(dir, LOCK_FILE), key, text);
    } catch (e) {
      heldHere.delete(key);
      throw e;
    }
  }

  /** Removes the lock if it is still the one this process wrote. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.key);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      return ignoreMissingFile(e);
    }
    if (text === this.text) await unlink(this.path).catch(ignoreMissingFile);
  }
}

/** Creates the lock file, removing a stale one first; returns what it wrote and the dead owner's pid, if any. */
async function take(dir: string, startedAt: string): Promise<{ text: string; stalePid: number | undefined }> {
  const path = join(dir, LOCK_FILE);
  // The token makes the content ours alone, so release() never removes a lock another process wrote.
  const text = `${JSON.stringify({ pid: process.pid, startedAt, token: randomUUID() })}\n`;
  let stalePid: number | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(dir, path, text)) return { text, stalePid };
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      throw new LinegateError('EVENT_LOG_LOCK_UNREADABLE', `${path} does not name a process (damaged, or another linegate is writing it right now); if no linegate is using ${dir}, delete ${path}`);
    }
    // Our own pid, not held by this process (checked before): an earlier process that had this pid.
    if (holder.pid !== process.pid && isAlive(holder.pid)) throw lockedError(dir, holder);
    await unlink(path).catch(ignoreMissingFile);
    stalePid = holder.pid;
  }
  throw new LinegateError('EVENT_LOG_LOCKED', `another linegate keeps taking ${path}; stop it or point this one at another data directory`);
}

/** Creates the lock file; false if it exists. Written and fsync'd (file and directory) so a crash never leaves it empty. */
async function createExclusive(dir: string, path: string, text: string): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
    await fh.close();
    await syncDirectory(dir);
  } catch (e) {
    // Never leave an empty or partial lock behind: the next start could not tell it from a live one.
    await fh.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw e;
  }
  return true;
}

async function readHolder(path: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  return parseLock(text) ?? 'unreadable';
}

/** The holder a lock file names; undefined unless it is what this code writes. */
export function parseLock(text: string): LockHolder | undefined {
  const data = parseJsonObject(text);
  if (!data) return undefined;
  const { pid, startedAt } = data;
  // pid 0 and negative pids would make kill() probe a process group, not a process.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1 || typeof startedAt !== 'string') return undefined;
  return { pid, startedAt };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process. Anything but ESRCH: assume alive rather than take a live lock.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function lockedError(dir: string, holder: LockHolder): LinegateError {
  const lock = join(dir, LOCK_FILE);
  const message = holder.pid === process.pid
    ? `this process (pid ${holder.pid}) already has the event log in ${dir} open (since ${holder.startedAt}); close it first, or point this one at another data directory`
    : `another linegate is using ${dir} (pid ${holder.pid}, since ${holder.startedAt}); stop it or point this one at another data directory (if pid ${holder.pid} is not a linegate, delete ${lock})`;
  return new LinegateError('EVENT_LOG_LOCKED', message);
}

