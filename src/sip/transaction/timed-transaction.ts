/**
 * What every transaction shares about its timers: the retransmission timer (A, E or G, and
 * the 2xx retransmission), the timer that usually ends early (B, F or H, or a CANCEL's wait
 * for a final), both made on first use and dropped when stopped, and the waits after the
 * final response (D, I, J, K, L, M), which run in the layer's ExpiryQueues.
 *
 * The slots are dropped because a transaction spends most of its life waiting out one of
 * those last timers (32 s after the call): at 360 calls/s, 119,000 idle slots were 7.6 MB of
 * the engine's heap (load-tests/RESULTS.md, session 4).
 */
import { TimerSlot } from './timer-slot.js';
import type { TransactionEnv } from './transaction-env.js';

export abstract class TimedTransaction {
  private retransmitSlot: TimerSlot<this> | undefined;
  private lifetimeSlot: TimerSlot<this> | undefined;
  /** ExpiryQueues' counter: a newer wait or a stop makes the queued one stale. */
  expiryGen = 0;

  constructor(protected readonly env: TransactionEnv) {}

  protected get retransmitTimer(): TimerSlot<this> {
    return (this.retransmitSlot ??= new TimerSlot(this.env.clock, this));
  }

  protected get lifetimeTimer(): TimerSlot<this> {
    return (this.lifetimeSlot ??= new TimerSlot(this.env.clock, this));
  }

  protected stopRetransmit(): void {
    this.retransmitSlot?.stop();
    this.retransmitSlot = undefined;
  }

  protected stopLifetime(): void {
    this.lifetimeSlot?.stop();
    this.lifetimeSlot = undefined;
  }

  protected stopTimers(): void {
    this.stopRetransmit();
    this.stopLifetime();
    this.env.expiry.cancel(this);
  }
}
