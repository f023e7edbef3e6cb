/**
 * FileEventLog: the embedded event log. Events are CRC-framed JSON lines in segment files
 * (log-frame.ts, log-segments.ts); an append resolves after its batch is fdatasync'd, and
 * appends that arrive while one batch syncs share the next sync (group-commit.ts).
 * Consumer-group acknowledgements live in `groups.json`, replaced atomically and fsync'd
 * before ack() resolves; sealed segments every group has fully acknowledged are deleted.
 * A size cap (`maxBytes`, log-retention.ts) deletes the oldest sealed segments, acknowledged
 * or not, once all segments outgrow it; groups behind move on to the first event left, and
 * what they had not acknowledged is counted (stats, onTrim).
 * One process owns the directory: start() takes `<dir>/LOCK` (dir-lock.ts) and close()
 * gives it back; a lock left by a crashed process is taken over.
 *
 * Known limits: the cap counts segment bytes only (groups.json and LOCK are small), and the
 * active segment may pass `segmentBytes` by one append batch before the next one starts;
 * a trim runs at start and inside the append batch that crossed the cap, so that batch
 * resolves after the unlinks and a directory fsync; after a failed write, fsync or trim the log refuses
 * further appends (the page cache can no longer be trusted), and a restart re-reads what
 * is durable. See dir-lock.ts for what the lock cannot tell apart.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LinegateError, systemClock, writeFileDurably, type Clock } from '../shared/index.js';
import type { CallEvent } from './call-event.js';
import { ConsumerGroup, formatGroupsFile, loadGroupsFile, parseGroupsFile, type GroupSnapshot } from './consumer-group.js';
import { DirLock } from './dir-lock.js';
import type { EventLog, EventLogOptions, LoggedEvent } from './event-log.js';
import { GroupCommit } from './group-commit.js';
import { deliverEvents } from './group-reader.js';
import { encodeFrame } from './log-frame.js';
import { checkRetention, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, trimToCap, type TrimInfo } from './log-retention.js';
import { LogSegments } from './log-segments.js';
import { parseCallEvent } from './parse-call-event.js';

export interface FileEventLogOptions extends EventLogOptions {
  readonly dir: string;
  /** Timers and idle times. */
  readonly clock?: Clock;
  /** Wall-clock epoch ms, stamped on each record to measure backlog age across restarts. */
  readonly epochNow?: () => number;
  /** A new segment starts once the active one holds this many bytes. Default 16 MiB. */
  readonly segmentBytes?: number;
  /**
   * Cap on the durable bytes of all segments (like Redis MAXLEN): past it after an append
   * batch, the oldest sealed segments are deleted even if groups have not acknowledged
   * them. At least 2 × segmentBytes (else the constructor throws EVENT_LOG_MAX_BYTES_TOO_SMALL).
   * Default 1 GiB. Size it above the largest backlog you accept.
   */
  readonly maxBytes?: number;
  /** Told what each trim deleted (log a warning when `unacknowledged` > 0). Must not throw. */
  readonly onTrim?: (info: TrimInfo) => void;
  /** Told the pid named by a stale lock (its process is gone) that start() took over. */
  readonly onStaleLock?: (pid: number) => void;
  /** Told how many bytes of a torn last record were cut off at start. */
  readonly onTornTail?: (bytes: number) => void;
}

export interface FileEventLogStats {
  /** fdatasync calls made for appends (one per batch). */
  readonly appendSyncs: number;
  readonly segments: number;
  /** Damaged lines skipped by readers, and seqs found missing because of them. */
  readonly corruptLines: number;
  readonly lostEvents: number;
  readonly unreadableEvents: number;
  /** Segments deleted by the size cap (not by compaction). */
  readonly trimmedSegments: number;
  /** Events the cap deleted while an existing group had not acknowledged them (log-retention.ts). */
  readonly trimmedEvents: number;
}

const GROUPS_FILE = 'groups.json';

export class FileEventLog implements EventLog {
  private readonly clock: Clock;
  private readonly epochNow: () => number;
  private readonly segmentBytes: number;
  private readonly maxBytes: number;
  private segs: LogSegments | undefined;
  private lock: DirLock | undefined;
  private readonly groups = new Map<string, ConsumerGroup>();
  private persisted = new Map<string, GroupSnapshot>();
  private readonly appends = new GroupCommit<CallEvent, { id: string }>((events) => this.writeBatch(events));
  private readonly ackWrites = new GroupCommit<null, void>(async (batch) => {
    await this.persistGroups();
    return batch.map(() => undefined);
  });
  private readonly waiters = new Set<() => void>();
  private state: 'new' | 'open' | 'failed' | 'closed' = 'new';
  private failure: LinegateError | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private counts = { corruptLines: 0, lostEvents: 0, unreadableEvents: 0, trimmedSegments: 0, trimmedEvents: 0 };

  constructor(private readonly options: FileEventLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.epochNow = options.epochNow ?? Date.now;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    checkRetention(this.maxBytes, this.segmentBytes);
  }

  /** Takes the directory's lock (EVENT_LOG_LOCKED while another live process has it), then opens the log. */
  start(): Promise<void> {
    this.starting ??= this.openDir().catch((e: unknown) => {
      this.starting = undefined; // a later start() may try again (the other owner may have stopped)
      throw e;
    });
    return this.starting;
  }

  private async openDir(): Promise<void> {
    if (this.state !== 'new') return;
    const { dir } = this.options;
    await mkdir(dir, { recursive: true });
    const lock = await DirLock.acquire(dir, { epochNow: this.epochNow, ...(this.options.onStaleLock ? { onStale: this.options.onStaleLock } : {}) });
    let segs: LogSegments;
    try {
      this.persisted = await loadGroupsFile(join(dir, GROUPS_FILE));
      segs = await LogSegments.open(dir, (bytes) => this.options.onTornTail?.(bytes));
    } catch (e) {
      await lock.release();
      throw e;
    }
    if (this.state !== 'new') {
      // destroy() came while starting: give everything back.
      await segs.close();
      return lock.release();
    }
    [this.segs, this.lock] = [segs, lock];
    for (const [name, snap] of this.persisted) this.groups.set(name, new ConsumerGroup(snap, segs.firstSeq, segs.nextSeq));
    this.state = 'open';
    // The cap applies at start too: a process that only reads (`linegate crm-worker` draining
    // a log left behind) never appends, and a cap lowered since the last run takes effect now.
    await this.trim(segs);
  }

  append(event: CallEvent): Promise<{ id: string }> {
    const parsed = parseCallEvent(event);
    if (!parsed.ok) return Promise.reject(new LinegateError('EVENT_INVALID', `not a valid call event: ${parsed.error}`));
    const err = this.unusable();
    return err ? Promise.reject(err) : this.appends.submit(parsed.event);
  }

  async read(group: string, consumer: string, max: number, blockMs: number): Promise<LoggedEvent[]> {
    const g = this.group(group, consumer);
    const deadline = this.clock.now() + Math.max(0, blockMs);
    for (;;) {
      const out = await g.exclusive(async () => {
        if (!this.segs || this.state === 'closed') return [];
        return deliverEvents(this.segs, g, consumer, max, { counts: this.counts, now: () => this.clock.now(), onUnreadable: this.options.onUnreadable });
      });
      const left = deadline - this.clock.now();
      if (out.length > 0 || left <= 0 || this.state !== 'open') return out;
      await this.waitForAppend(left);
    }
  }

  async claimStale(group: string, consumer: string, minIdleMs: number, max: number): Promise<LoggedEvent[]> {
    const g = this.group(group, consumer);
    return g.exclusive(async () => {
      const now = this.clock.now();
      const out: LoggedEvent[] = [];
      for (const d of g.inFlight.values()) {
        if (out.length >= max) break;
        if (now - d.deliveredAt < minIdleMs) continue;
        d.consumer = consumer;
        d.deliveredAt = now;
        out.push({ id: String(d.seq), event: d.event });
      }
      return out;
    });
  }

  async ack(group: string, ids: readonly string[]): Promise<number> {
    const g = this.group(group);
    let n = 0;
    for (const id of ids) if (/^\d{1,15}$/.test(id) && g.ackDelivered(Number(id))) n += 1;
    if (n > 0) await this.ackWrites.submit(null);
    return n;
  }

  async pending(group: string): Promise<number> {
    return this.group(group).unacked(this.open().nextSeq);
  }

  async oldestPendingAgeMs(group: string): Promise<number> {
    const g = this.group(group);
    const segs = this.open();
    if (g.unacked(segs.nextSeq) === 0) return 0;
    const seq = g.ackedBelow;
    const t = g.inFlight.get(seq)?.t ?? (await this.appendTime(segs, seq));
    return t === undefined ? 0 : Math.max(0, this.epochNow() - t);
  }

  stats(): FileEventLogStats {
    return { appendSyncs: this.appends.flushCount, segments: this.segs?.segmentCount ?? 0, ...this.counts };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  destroy(): void {
    const err = new LinegateError('EVENT_LOG_CLOSED', 'the event log was destroyed');
    this.state = 'closed';
    this.appends.rejectQueued(err);
    this.wake();
    this.closing ??= (async () => {
      await this.segs?.close().catch(() => undefined);
      await this.lock?.release().catch(() => undefined);
    })();
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    if (this.state !== 'failed') this.state = 'closed';
    this.wake();
    await this.appends.idle();
    await this.ackWrites.idle();
    try {
      await this.segs?.close();
    } finally {
      await this.lock?.release();
    }
  }

  private async writeBatch(events: readonly CallEvent[]): Promise<Array<{ id: string }>> {
    const segs = this.open();
    const first = segs.nextSeq;
    const t = this.epochNow();
    const frames = events.map((e, i) => encodeFrame({ seq: first + i, t, e }));
    try {
      await segs.appendBatch(frames, this.segmentBytes);
    } catch (cause) {
      throw this.fail('write', cause);
    }
    await this.trim(segs);
    this.wake();
    return events.map((_, i) => ({ id: String(first + i) }));
  }

  /**
   * Applies the size cap. Only sealed segments go, and this batch is all in the active one,
   * so no event whose append has not resolved is ever deleted. This batch is durable
   * whatever happens here: a failed unlink fails the log for later appends only.
   */
  private async trim(segs: LogSegments): Promise<void> {
    let info: TrimInfo | undefined;
    try {
      info = await trimToCap(segs, this.groups.values(), this.maxBytes);
    } catch (cause) {
      this.fail('trim', cause);
      return;
    }
    if (!info) return;
    this.counts.trimmedSegments += info.segments;
    this.counts.trimmedEvents += info.unacknowledged;
    this.options.onTrim?.(info);
  }

  /** After a failed write, fsync or trim, nothing more is appended: the page cache can no longer be trusted. */
  private fail(what: 'write' | 'trim', cause: unknown): LinegateError {
    this.state = 'failed';
    this.failure = new LinegateError('EVENT_LOG_FAILED', `event log ${what} failed in ${this.options.dir}`, { cause });
    this.appends.rejectQueued(this.failure);
    return this.failure;
  }

  /** Writes every group's acknowledgements, then deletes segments all of them are done with. */
  private async persistGroups(): Promise<void> {
    const text = formatGroupsFile(this.groups);
    await writeFileDurably(join(this.options.dir, GROUPS_FILE), text);
    this.persisted = parseGroupsFile(text) ?? this.persisted;
    const floor = Math.min(...[...this.persisted.values()].map((s) => s.ackedBelow));
    if (Number.isFinite(floor)) await this.open().deleteBelow(floor);
  }

  private async appendTime(segs: LogSegments, seq: number): Promise<number | undefined> {
    const chunk = await segs.read(await segs.locate(seq));
    const line = chunk.lines.find((l) => l.ok && l.frame.seq >= seq); // >=: seq itself may be lost to damage
    return line?.ok ? line.frame.t : undefined;
  }

  private group(name: string, consumer?: string): ConsumerGroup {
    const segs = this.open();
    if (name.length === 0) throw new LinegateError('EVENT_LOG_BAD_GROUP', 'a consumer group needs a name');
    if (consumer !== undefined && consumer.length === 0) throw new LinegateError('EVENT_LOG_BAD_CONSUMER', 'a consumer needs a name');
    let g = this.groups.get(name);
    if (!g) {
      g = new ConsumerGroup({ ackedBelow: segs.firstSeq, acked: [] }, segs.firstSeq, segs.nextSeq);
      this.groups.set(name, g);
    }
    return g;
  }

  private open(): LogSegments {
    if (this.state === 'new' || !this.segs) throw new LinegateError('EVENT_LOG_NOT_STARTED', 'call start() before using the event log');
    return this.segs;
  }

  private unusable(): LinegateError | undefined {
    if (this.state === 'new') return new LinegateError('EVENT_LOG_NOT_STARTED', 'call start() before using the event log');
    if (this.state === 'failed') return this.failure;
    if (this.state === 'closed') return new LinegateError('EVENT_LOG_CLOSED', 'the event log is closed');
    return undefined;
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.clock.clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
