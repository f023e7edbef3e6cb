/**
 * Time and timers, injected everywhere so that state machines can be driven by a
 * fake clock in unit tests (architecture §4) instead of by the wall clock.
 */
export interface TimerHandle {
  /** Opaque; only ever passed back to Clock.clearTimeout. */
  readonly id: unknown;
}

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock: Node timers, unref'd so that a pending retransmission never keeps a process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { id: t };
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle.id as NodeJS.Timeout);
  },
};
