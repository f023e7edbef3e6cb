import type { Clock, TimerHandle } from '../../shared/index.js';

/**
 * One restartable timer of a transaction (e.g. the retransmission timer A/E/G, or the
 * lifetime timer B/F/H/…). Restarting cancels the pending expiry, so a slot never holds
 * more than one Clock timer: stop() is all a terminating transaction needs.
 */
export class TimerSlot {
  private handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  start(ms: number, fire: () => void): void {
    if (this.handle) this.clock.clearTimeout(this.handle);
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      fire();
    }, ms);
  }

  stop(): void {
    if (!this.handle) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }
}
