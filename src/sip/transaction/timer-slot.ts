import type { Clock, TimerHandle } from '../../shared/index.js';

/**
 * One restartable timer of a transaction (e.g. the retransmission timer A/E/G, or the
 * lifetime timer B/F/H/…). Restarting cancels the pending expiry, so a slot never holds
 * more than one Clock timer: stop() is all a terminating transaction needs.
 *
 * The callback is one of the owner's methods, called with the owner as `this`: a transaction
 * then needs no bound closure per timer it might run. Completed transactions wait out timers
 * D, J, L and M for 32 s after the call (~60,000 of them at 360 calls/s; those waits run in
 * ExpiryQueues), and five arrow functions each made up ~10 % of the engine's heap under load
 * (load-tests/RESULTS.md).
 */
export class TimerSlot<O> {
  private handle: TimerHandle | undefined;
  private fire: ((this: O) => void) | undefined;
  /** The Clock callback, made on start() and kept while the slot restarts itself (timers A, E, G). */
  private expire: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly owner: O,
  ) {}

  start(ms: number, fire: (this: O) => void): void {
    if (this.handle) this.clock.clearTimeout(this.handle);
    this.fire = fire;
    this.handle = this.clock.setTimeout((this.expire ??= () => this.onExpire()), ms);
  }

  stop(): void {
    this.fire = undefined;
    // A stopped slot rarely runs again (its transaction is past the state that used it):
    // its callback goes too, and is made again if it does.
    this.expire = undefined;
    if (!this.handle) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  private onExpire(): void {
    const fire = this.fire;
    this.handle = undefined;
    this.fire = undefined;
    fire?.call(this.owner);
  }
}
