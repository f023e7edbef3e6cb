/**
 * FileEventLog: the embedded event log. Events are CRC-framed JSON lines in segment files
 * (log-frame.ts, log-segments.ts); an append resolves after its batch is fdatasync'd, and
 * appends that arrive while one batch syncs share the next sync (group-commit.ts).
 * Consumer-group acknowledgements live in `groups.json`, replaced atomically and fsync'd
 * before ack() resolves; sealed segments every group has fully acknowledged are deleted.
 *
 * Known limits: one process owns the directory (no lock file yet); with no consumer group
 * ever used, nothing is compacted; after a failed write or fsync the log refuses further
 * appends (the page cache can no longer be trusted), and a restart re-reads what is durable.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LinegateError, systemClock, type Clock } from '../shared/index.js';
import type { CallEvent } from './call-event.js';
import { ConsumerGroup, formatGroupsFile, parseGroupsFile, type GroupSnapshot } from './consumer-group.js';
import { writeFileDurably } from '../shared/index.js';
import type { EventLog, EventLogOptions, LoggedEvent } from './event-log.js';
import { GroupCommit } from './group-commit.js';
import { encodeFrame, type ScannedLine } from './log-frame.js';
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
}

const GROUPS_FILE = 'groups.json';

export class FileEventLog implements EventLog {
  private readonly clock: Clock;
  private readonly epochNow: () => number;
  private readonly segmentBytes: number;
  private segs: LogSegments | undefined;
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
  private closing: Promise<void> | undefined;
  private counts = { corruptLines: 0, lostEvents: 0, unreadableEvents: 0 };

  constructor(private readonly options: FileEventLogOptions) {
    this.clock = options.clock ?? systemClock;
    this.epochNow = options.epochNow ?? Date.now;
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    await mkdir(this.options.dir, { recursive: true });
    this.persisted = await loadGroups(join(this.options.dir, GROUPS_FILE));
    this.segs = await LogSegments.open(this.options.dir, (bytes) => this.options.onTornTail?.(bytes));
    for (const [name, snap] of this.persisted) this.groups.set(name, new ConsumerGroup(snap, this.segs.firstSeq, this.segs.nextSeq));
    this.state = 'open';
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
      const out = await g.exclusive(() => this.deliver(g, consumer, max));
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
    this.closing ??= (this.segs?.close() ?? Promise.resolve()).catch(() => undefined);
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    if (this.state !== 'failed') this.state = 'closed';
    this.wake();
    await this.appends.idle();
    await this.ackWrites.idle();
    await this.segs?.close();
  }

  private async writeBatch(events: readonly CallEvent[]): Promise<Array<{ id: string }>> {
    const segs = this.open();
    const first = segs.nextSeq;
    const t = this.epochNow();
    const frames = events.map((e, i) => encodeFrame({ seq: first + i, t, e }));
    try {
      await segs.appendBatch(frames, this.segmentBytes);
    } catch (cause) {
      this.state = 'failed';
      this.failure = new LinegateError('EVENT_LOG_FAILED', `event log write failed in ${this.options.dir}`, { cause });
      this.appends.rejectQueued(this.failure);
      throw this.failure;
    }
    this.wake();
    return events.map((_, i) => ({ id: String(first + i) }));
  }

  /** Moves the group's reader forward, returning up to `max` events it had not delivered. */
  private async deliver(g: ConsumerGroup, consumer: string, max: number): Promise<LoggedEvent[]> {
    const segs = this.segs;
    const out: LoggedEvent[] = [];
    if (!segs || this.state === 'closed') return out;
    let cursor = g.cursor ?? (await segs.locate(g.cursorSeq));
    while (out.length < max && g.cursorSeq < segs.nextSeq) {
      const chunk = await segs.read(cursor);
      let stopAt: number | undefined;
      for (const line of chunk.lines) {
        if (out.length >= max) {
          stopAt = line.start;
          break;
        }
        this.take(g, line, consumer, out);
      }
      const moved = stopAt !== undefined || chunk.lines.length > 0 || chunk.next.segment !== cursor.segment || chunk.next.offset !== cursor.offset;
      cursor = stopAt === undefined ? chunk.next : { segment: chunk.segment, offset: stopAt };
      if (!moved) break;
    }
    g.cursor = cursor;
    return out;
  }

  private take(g: ConsumerGroup, line: ScannedLine, consumer: string, out: LoggedEvent[]): void {
    if (!line.ok) {
      this.counts.corruptLines += 1;
      return;
    }
    const { seq, t, e } = line.frame;
    if (seq < g.cursorSeq) return;
    for (let lost = g.cursorSeq; lost < seq; lost++) {
      this.counts.lostEvents += 1;
      g.markAcked(lost);
    }
    g.cursorSeq = seq + 1;
    if (g.isAcked(seq)) return;
    const parsed = parseCallEvent(e);
    if (!parsed.ok) {
      this.counts.unreadableEvents += 1;
      g.markAcked(seq);
      this.options.onUnreadable?.({ id: String(seq), reason: parsed.error });
      return;
    }
    g.inFlight.set(seq, { seq, t, event: parsed.event, consumer, deliveredAt: this.clock.now() });
    out.push({ id: String(seq), event: parsed.event });
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

async function loadGroups(path: string): Promise<Map<string, GroupSnapshot>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  const groups = parseGroupsFile(text);
  if (!groups) {
    throw new LinegateError('EVENT_LOG_GROUPS_CORRUPT', `${path} is not a consumer-group file this version wrote; move it aside to redeliver every retained event`);
  }
  return groups;
}
