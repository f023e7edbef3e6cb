/**
 * A drift-free periodic tick for real-time media: tick n is due at start + n × interval on
 * the injected clock (absolute deadlines), so timer lateness never accumulates the way
 * chained setTimeout(interval) calls would. A late wake-up runs every tick that fell due,
 * in order, so packet counts and RTP timestamps stay exact.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';

/** Return false from the tick to stop the pacer. */
export type PacerTick = (index: number, dueAt: number) => boolean | void;

export class Pacer {
  private startedAt = 0;
  private next = 0;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onTick: PacerTick,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`Pacer interval must be > 0, got ${intervalMs}`);
  }

  get active(): boolean {
    return this.running;
  }

  /** Starts at `at` (default now); tick 0 runs at once when due. */
  start(at = this.clock.now()): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = at;
    this.next = 0;
    this.run();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** When tick `index` is due. */
  dueAt(index: number): number {
    return this.startedAt + index * this.intervalMs;
  }

  private run(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.running && this.dueAt(this.next) <= now) {
      const index = this.next++;
      if (this.onTick(index, this.dueAt(index)) === false) this.stop();
    }
    if (this.running) this.timer = this.clock.setTimeout(() => this.run(), this.dueAt(this.next) - now);
  }
}
