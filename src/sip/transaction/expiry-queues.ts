/**
 * The long waits of completed transactions — timers D, J, L and M (64·T1, 32 s by default)
 * and I and K (T4) — in one queue per duration, each run by a single Clock timer.
 *
 * Why not a timer each: every call leaves four or five transactions waiting out one of these
 * after it has ended (RFC 3261 §17, RFC 6026), ~60,000 at 360 calls/s. A Clock timer each is
 * a Node Timeout, the clock's handle and a callback closure with its context: ~300 bytes and
 * five heap objects per transaction, about a fifth of the engine's live heap under load,
 * which every mark-compact has to trace (load-tests/RESULTS.md). All waits of one duration
 * end in the order they started, so a FIFO per duration needs no sorting.
 *
 * An entry is cancelled lazily: the owner's expiryGen moves on (cancel(), a newer after()),
 * and a stale entry is skipped when its time comes. Only these waits come here — they
 * nearly always run to their end; timers that are usually stopped early (A, B, E, F, G, H)
 * keep a TimerSlot, or the queue would hold stale entries for up to 32 s.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';

/** What the queues know of an owner: a counter that invalidates its earlier entries. */
export interface Expiring {
  expiryGen: number;
}

type Fire = (this: Expiring) => void;

/** Stale entries dropped from the front of a queue's arrays once this many have been run. */
const COMPACT_AFTER = 1024;

export class ExpiryQueues {
  private readonly queues = new Map<number, ExpiryQueue>();

  constructor(private readonly clock: Clock) {}

  /** Calls `fire` with `owner` as `this` in `ms`, unless cancel(owner) or another after(owner) comes first. */
  after<O extends Expiring>(owner: O, ms: number, fire: (this: O) => void): void {
    owner.expiryGen += 1;
    let q = this.queues.get(ms);
    if (!q) {
      q = new ExpiryQueue(this.clock, ms);
      this.queues.set(ms, q);
    }
    q.add(owner, fire as Fire);
  }

  cancel(owner: Expiring): void {
    owner.expiryGen += 1;
  }

  /** Entries waiting, stale ones included (tests and metrics). */
  size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.size();
    return n;
  }

  /** Drops every entry and timer without firing anything. */
  close(): void {
    for (const q of this.queues.values()) q.close();
    this.queues.clear();
  }
}

/** One duration's entries in start order (so in expiry order), as parallel arrays from `head`. */
class ExpiryQueue {
  private owners: Array<Expiring | undefined> = [];
  private gens: number[] = [];
  private fires: Array<Fire | undefined> = [];
  private ats: number[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
  ) {}

  add(owner: Expiring, fire: Fire): void {
    this.owners.push(owner);
    this.gens.push(owner.expiryGen);
    this.fires.push(fire);
    this.ats.push(this.clock.now() + this.ms);
    if (!this.timer) this.arm();
  }

  size(): number {
    return this.owners.length - this.head;
  }

  close(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.owners = [];
    this.gens = [];
    this.fires = [];
    this.ats = [];
    this.head = 0;
  }

  private arm(): void {
    const at = this.ats[this.head] as number;
    this.timer = this.clock.setTimeout(this.run, Math.max(0, at - this.clock.now()));
  }

  private readonly run = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    let failure: { err: unknown } | undefined;
    // A fire may add entries (to this queue too): the loop reads the live length.
    while (this.head < this.owners.length && (this.ats[this.head] as number) <= now) {
      const i = this.head;
      const owner = this.owners[i] as Expiring;
      const fire = this.fires[i] as Fire;
      const gen = this.gens[i] as number;
      this.owners[i] = undefined;
      this.fires[i] = undefined;
      this.head += 1;
      if (owner.expiryGen !== gen) continue;
      try {
        fire.call(owner);
      } catch (err) {
        // One owner's bug must not stall every later expiry: the rest run, then it surfaces
        // as it would have from a timer of its own.
        failure ??= { err };
      }
    }
    this.compact();
    if (this.head < this.owners.length && !this.timer) this.arm();
    if (failure) throw failure.err;
  };

  private compact(): void {
    if (this.head < COMPACT_AFTER || this.head * 2 < this.owners.length) return;
    this.owners = this.owners.slice(this.head);
    this.gens = this.gens.slice(this.head);
    this.fires = this.fires.slice(this.head);
    this.ats = this.ats.slice(this.head);
    this.head = 0;
  }
}
