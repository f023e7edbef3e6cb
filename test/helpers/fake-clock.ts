/**
 * A deterministic Clock for unit tests (architecture §4): time only moves when the test
 * calls advance(), and due timers fire in order of due time, ties in scheduling order.
 *
 * - During advance(ms) each timer runs with now() equal to its own due time, and timers
 *   that callbacks schedule inside the window fire in the same advance().
 * - A delay below 0 (or NaN) counts as 0; a 0 delay fires at the next advance(), even
 *   advance(0), never synchronously inside setTimeout().
 * - pending() counts timers neither fired nor cleared: assert it is 0 to prove no leaks.
 */
import type { Clock, TimerHandle } from '../../src/shared/index.js';

interface Entry {
  readonly owner: FakeClock;
  readonly seq: number;
  readonly due: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private active = 0;
  private readonly heap: Entry[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const entry: Entry = { owner: this, seq: this.seq++, due: this.current + delay, fn, cancelled: false };
    this.push(entry);
    this.active += 1;
    return { id: entry };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    const entry = handle?.id;
    if (!isEntry(entry) || entry.owner !== this || entry.cancelled) return;
    entry.cancelled = true;
    this.active -= 1;
  }

  /** Moves time forward by `ms`, firing every timer due up to the new time. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    this.advanceTo(this.current + ms);
  }

  /** Moves time to `t` (not backwards), firing every timer due up to `t`. */
  advanceTo(t: number): void {
    if (t < this.current) throw new RangeError(`FakeClock.advanceTo: ${t} is before now (${this.current})`);
    for (let next = this.peek(); next && next.due <= t; next = this.peek()) {
      this.pop();
      this.current = next.due;
      this.fire(next);
    }
    this.current = t;
  }

  /** Fires timers until none is left (at most `limit`, to catch a timer that re-arms forever). */
  runAll(limit = 10_000): void {
    for (let n = 0; n < limit; n++) {
      const next = this.peek();
      if (!next) return;
      this.advanceTo(next.due);
    }
    throw new Error(`FakeClock.runAll: still ${this.active} timer(s) after ${limit} steps`);
  }

  /** Timers scheduled and neither fired nor cleared. */
  pending(): number {
    return this.active;
  }

  /** When the next live timer is due, or undefined if there is none. */
  nextDue(): number | undefined {
    return this.peek()?.due;
  }

  private fire(entry: Entry): void {
    entry.cancelled = true; // cleared-after-fire is a no-op, like Node's
    this.active -= 1;
    entry.fn();
  }

  /** The earliest live entry, discarding cancelled ones on the way. */
  private peek(): Entry | undefined {
    let top = this.heap[0];
    while (top && top.cancelled) {
      this.pop();
      top = this.heap[0];
    }
    return top;
  }

  // A binary min-heap on (due, seq): O(log n) per timer, so load-ish tests stay fast.
  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

function isEntry(x: unknown): x is Entry {
  return typeof x === 'object' && x !== null && 'owner' in x && 'seq' in x && 'due' in x;
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
