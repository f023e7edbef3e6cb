/**
 * The worker's in-memory book: per call, the events read and not yet covered by a write
 * Salesforce confirmed (with the log ids to acknowledge once they are), the Task state
 * loaded from CrmKv, and what the call needs next. Nothing here is durable: after a crash
 * the unacknowledged events come back from the log and the book is rebuilt from them.
 */
import type { CallEvent } from '../../events/index.js';
import { foldCall, isComplete, type CallFold } from './call-fold.js';
import type { TaskState } from './task-state.js';

export interface PendingEvent {
  readonly event: CallEvent;
  /** Log ids delivering this (callId, seq): more than one after a duplicate append. */
  readonly ids: string[];
}

/** What a call needs next. */
export type NextStep =
  /** Write its Task for the first time (the call has ended). */
  | 'first'
  /** Update the written Task with later notes / tags. */
  | 'update'
  /** No call.started and no Task state: look for the Task in Salesforce. */
  | 'adopt'
  /** Its first write was dead-lettered: later events join the dead letter. */
  | 'dead-append'
  /** Nothing to do until more events arrive (in progress, or waiting for a gap to fill). */
  | 'wait';

export interface JobOutcomeWaiter {
  resolve(result: 'written' | 'dead-lettered'): void;
}

export class CallEntry {
  readonly pending = new Map<number, PendingEvent>();
  state: TaskState | undefined;
  /** In a flush right now. */
  busy = false;
  /** Failed record attempts (per-record errors); reset after a success. */
  attempts = 0;
  notBefore = 0;
  /** Set after Salesforce said TaskSubtype cannot be written: the Task exists already. */
  omitSubtype = false;
  /** Flushes this call waited for its caller's record to be created. */
  callerWaits = 0;
  /** Waited long enough: write the Task without WhoId. */
  skipCallerWait = false;
  /** Re-driven from the dead letters: a dead-lettered state is ignored and nothing waits for grace. */
  replay = false;
  readonly waiters: JobOutcomeWaiter[] = [];

  constructor(
    readonly key: string,
    readonly callId: string,
    /** Clock.now() when its first event arrived. */
    readonly firstSeenAt: number,
  ) {}

  /** Adds an event; false when its seq was already pending (the id is kept to ack with it). */
  add(event: CallEvent, id: string | undefined): boolean {
    const have = this.pending.get(event.seq);
    if (have) {
      if (id !== undefined && !have.ids.includes(id)) have.ids.push(id);
      return false;
    }
    this.pending.set(event.seq, { event, ids: id === undefined ? [] : [id] });
    return true;
  }

  fold(): CallFold {
    return foldCall(this.callId, [...this.pending.values()].map((p) => p.event));
  }

  events(): CallEvent[] {
    return [...this.pending.values()].map((p) => p.event).sort((a, b) => a.seq - b.seq);
  }

  /** Removes the events of these seqs, returning their log ids. */
  settle(seqs: Iterable<number>): string[] {
    const ids: string[] = [];
    for (const s of seqs) {
      const p = this.pending.get(s);
      if (!p) continue;
      ids.push(...p.ids);
      this.pending.delete(s);
    }
    return ids;
  }

  /** Every pending id (dead-lettering settles everything). */
  settleAll(): string[] {
    return this.settle([...this.pending.keys()]);
  }

  /**
   * What to do next. `graceMs`: how long a call without call.started (or with a gap before
   * call.ended) waits for the missing events, which a claimed or redelivered batch may
   * still bring, before the worker acts on what it has.
   */
  nextStep(now: number, graceMs: number): NextStep {
    if (this.pending.size === 0) return 'wait';
    const state = this.state;
    if (state?.kind === 'dead-lettered' && !this.replay) return 'dead-append';
    if (state?.kind === 'written') return 'update';
    const fold = this.fold();
    const waited = this.replay || now - this.firstSeenAt >= graceMs;
    if (!fold.started) return waited ? 'adopt' : 'wait';
    if (!fold.ended) return 'wait';
    return isComplete(fold) || waited ? 'first' : 'wait';
  }

  notifyWaiters(result: 'written' | 'dead-lettered'): void {
    if (this.waiters.length > 0) this.replay = false;
    for (const w of this.waiters.splice(0)) w.resolve(result);
  }
}

/** All calls in memory, and the ones ready for a write in the order they became ready. */
export class CallBook {
  private readonly calls = new Map<string, CallEntry>();
  private readonly ready = new Map<string, CallEntry>();

  get(key: string): CallEntry | undefined {
    return this.calls.get(key);
  }

  put(entry: CallEntry): void {
    this.calls.set(entry.key, entry);
  }

  /** Forgets a call that has nothing pending. */
  drop(entry: CallEntry): void {
    if (entry.pending.size > 0 || entry.busy || entry.waiters.length > 0) return;
    this.calls.delete(entry.key);
    this.ready.delete(entry.key);
  }

  markReady(entry: CallEntry): void {
    this.ready.set(entry.key, entry);
  }

  unready(entry: CallEntry): void {
    this.ready.delete(entry.key);
  }

  /** Up to `max` ready calls whose backoff has passed, marked busy, oldest first. */
  take(now: number, max: number): CallEntry[] {
    const out: CallEntry[] = [];
    for (const e of this.ready.values()) {
      if (out.length >= max) break;
      if (e.busy || e.notBefore > now) continue;
      e.busy = true;
      this.ready.delete(e.key);
      out.push(e);
    }
    return out;
  }

  /** Ready calls that could go now (not busy, backoff passed). */
  readyCount(now: number): number {
    let n = 0;
    for (const e of this.ready.values()) if (!e.busy && e.notBefore <= now) n += 1;
    return n;
  }

  /** When the next ready call's backoff ends; undefined when none waits for one. */
  nextReadyAt(): number | undefined {
    let at: number | undefined;
    for (const e of this.ready.values()) if (!e.busy) at = at === undefined ? e.notBefore : Math.min(at, e.notBefore);
    return at;
  }

  /** Events held in memory (backpressure for the reader). */
  heldEvents(): number {
    let n = 0;
    for (const e of this.calls.values()) n += e.pending.size;
    return n;
  }

  entries(): IterableIterator<CallEntry> {
    return this.calls.values();
  }

  get size(): number {
    return this.calls.size;
  }
}
