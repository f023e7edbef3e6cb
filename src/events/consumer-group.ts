/**
 * One consumer group of the file event log: what it has acknowledged (persisted in the
 * side file), where its reader is, and what it has delivered without an acknowledgement.
 *
 * Only acknowledgements are persisted, not deliveries: after a restart every event not
 * acknowledged counts as undelivered and is read again. That is the redelivery the
 * contract asks for, and it needs no write per read.
 */
import type { CallEvent } from './call-event.js';
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

/** Reads the side file's content; undefined when it is not what this code writes. */
export function parseGroupsFile(text: string): Map<string, GroupSnapshot> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { v, groups } = data as Record<string, unknown>;
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
