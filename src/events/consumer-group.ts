/**
 * One consumer group of the file event log: what it has acknowledged (persisted in the
 * side file), where its reader is, and what it has delivered without an acknowledgement.
 *
 * Only acknowledgements are persisted, not deliveries: after a restart every event not
 * acknowledged counts as undelivered and is read again. That is the redelivery the
 * contract asks for, and it needs no write per read.
 */
import { readFile } from 'node:fs/promises';
import { LinegateError } from '../shared/index.js';
import type { CallEvent } from './call-event.js';
import { parseJsonObject } from './json-object.js';
import type { LogPosition } from './log-segments.js';

/** An event delivered and not yet acknowledged. */
export interface Delivery {
  readonly seq: number;
  /** Append time, epoch ms. */
  readonly t: number;
  readonly event: CallEvent;
  consumer: string;
  /** Clock.now() when last delivered. */
  deliveredAt: number;
}

/** The persisted part of a group. */
export interface GroupSnapshot {
  readonly ackedBelow: number;
  readonly acked: readonly number[];
}

export class ConsumerGroup {
  /** Every seq below it is acknowledged (or was lost to damage): the first unacknowledged seq. */
  private below: number;
  /** Acknowledged seqs at or above `below`. */
  private readonly above = new Set<number>();
  /** The next seq the reader has not yet passed, and where in the log it is (found lazily). */
  cursorSeq: number;
  cursor: LogPosition | undefined;
  readonly inFlight = new Map<number, Delivery>();
  private lock: Promise<unknown> = Promise.resolve();

  /**
   * The watermark is clamped into the retained log: never below its first seq (older
   * segments are gone) nor above its end (a side file newer than the segments must not
   * make future events look acknowledged).
   */
  constructor(snapshot: GroupSnapshot, firstRetainedSeq: number, nextSeq: number) {
    this.below = Math.min(Math.max(snapshot.ackedBelow, firstRetainedSeq), nextSeq);
    for (const s of snapshot.acked) if (s >= this.below && s < nextSeq) this.above.add(s);
    this.advance();
    this.cursorSeq = this.below;
  }

  get ackedBelow(): number {
    return this.below;
  }

  isAcked(seq: number): boolean {
    return seq < this.below || this.above.has(seq);
  }

  /** Acknowledges a delivered event; false when it was not delivered or already acknowledged. */
  ackDelivered(seq: number): boolean {
    if (!this.inFlight.delete(seq)) return false;
    this.markAcked(seq);
    return true;
  }

  /** Marks a seq done without a delivery: lost to damage, or unreadable. */
  markAcked(seq: number): void {
    if (this.isAcked(seq)) return;
    this.above.add(seq);
    this.advance();
  }

  /**
   * The log lost every seq below `seq` (trimmed by its size cap): they count as acknowledged
   * from now on and the reader continues at `seq` if it was behind (what the groups had not
   * acknowledged is counted once for all of them: unacknowledgedIn). Deliveries in flight
   * stay: their consumer may still acknowledge them, and claimStale can still hand them
   * over (the event is in memory).
   */
  skipTo(seq: number): void {
    if (seq <= this.below) return;
    for (const s of this.above) if (s < seq) this.above.delete(s);
    this.below = seq;
    this.advance();
    if (this.cursorSeq < seq) {
      this.cursorSeq = seq;
      this.cursor = undefined;
    }
  }

  /** Events below `nextSeq` not acknowledged. */
  unacked(nextSeq: number): number {
    return Math.max(0, nextSeq - this.below - this.above.size);
  }

  snapshot(): GroupSnapshot {
    return { ackedBelow: this.below, acked: [...this.above].sort((a, b) => a - b) };
  }

  /** Runs `fn` after every earlier call has finished, so two readers never share a cursor. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private advance(): void {
    while (this.above.delete(this.below)) this.below += 1;
  }
}

/**
 * How many seqs in [from, to) at least one of `groups` has not acknowledged (each counted
 * once). Below the lowest watermark every group has acknowledged; above it, the group with
 * that watermark has acknowledged only the seqs in its set, so only those need a look at
 * the others: the cost follows the acknowledged-out-of-order sets, not the range.
 */
export function unacknowledgedIn(groups: readonly ConsumerGroup[], from: number, to: number): number {
  const lowest = groups.reduce<ConsumerGroup | undefined>((low, g) => (low === undefined || g.ackedBelow < low.ackedBelow ? g : low), undefined);
  if (!lowest) return 0;
  const start = Math.max(from, lowest.ackedBelow);
  if (start >= to) return 0;
  let ackedByAll = 0;
  for (const s of lowest.snapshot().acked) if (s >= start && s < to && groups.every((g) => g.isAcked(s))) ackedByAll += 1;
  return to - start - ackedByAll;
}

/** The side file's groups; an empty map when there is none yet. */
export async function loadGroupsFile(path: string): Promise<Map<string, GroupSnapshot>> {
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

/** Reads the side file's content; undefined when it is not what this code writes. */
export function parseGroupsFile(text: string): Map<string, GroupSnapshot> | undefined {
  const data = parseJsonObject(text);
  if (!data) return undefined;
  const { v, groups } = data;
  if (v !== 1 || typeof groups !== 'object' || groups === null) return undefined;
  const out = new Map<string, GroupSnapshot>();
  for (const [name, g] of Object.entries(groups)) {
    const snap = readSnapshot(g);
    if (!snap) return undefined;
    out.set(name, snap);
  }
  return out;
}

export function formatGroupsFile(groups: ReadonlyMap<string, ConsumerGroup>): string {
  const out: Record<string, GroupSnapshot> = {};
  for (const [name, g] of groups) out[name] = g.snapshot();
  return `${JSON.stringify({ v: 1, groups: out })}\n`;
}

function readSnapshot(g: unknown): GroupSnapshot | undefined {
  if (typeof g !== 'object' || g === null) return undefined;
  const { ackedBelow, acked } = g as Record<string, unknown>;
  if (!isSeq(ackedBelow) || !Array.isArray(acked) || !acked.every(isSeq)) return undefined;
  return { ackedBelow, acked };
}

function isSeq(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
}
