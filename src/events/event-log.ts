/**
 * The event log as its consumers see it: producers (the B2BUA) append call events, the
 * CRM worker reads them through consumer groups with acknowledgements.
 *
 * Delivery is at-least-once: an event read but not acknowledged is delivered again after
 * a crash or restart (or, while the process lives, handed to another consumer by
 * claimStale). Exactly-once effects are the consumer's job, keyed by callId + seq.
 */
import type { CallEvent } from './call-event.js';

/** One event as read from the log; `id` is opaque, ordered within one log, and what ack() takes. */
export interface LoggedEvent {
  readonly id: string;
  readonly event: CallEvent;
}

/** An entry that could not be returned as a CallEvent (see EventLogOptions.onUnreadable). */
export interface UnreadableEntry {
  readonly id: string;
  readonly reason: string;
}

export interface EventLog {
  /** Opens files or connections; appends and reads before start() reject. */
  start(): Promise<void>;
  /**
   * Appends one event. Resolves only once the event is durable (fsync'd, or accepted by
   * Redis under its persistence settings); rejects with a LinegateError if the event does
   * not pass parseCallEvent or the log cannot write.
   */
  append(event: CallEvent): Promise<{ id: string }>;
  /**
   * Up to `max` events never delivered to `group` before (in this process; after a restart
   * unacknowledged ones count as undelivered again), oldest first; each goes to exactly one
   * consumer of the group. Waits up to `blockMs` for one to arrive when none is ready
   * (0 = do not wait). The group is created on first use, starting at the oldest
   * retained event.
   */
  read(group: string, consumer: string, max: number, blockMs: number): Promise<LoggedEvent[]>;
  /**
   * Takes over up to `max` events delivered to any consumer of `group` at least
   * `minIdleMs` ago and still unacknowledged, and delivers them again to `consumer`.
   */
  claimStale(group: string, consumer: string, minIdleMs: number, max: number): Promise<LoggedEvent[]>;
  /** Acknowledges events for `group`; resolves once the acknowledgement is durable. Returns how many were newly acknowledged. */
  ack(group: string, ids: readonly string[]): Promise<number>;
  /** Events appended and not yet acknowledged by `group`, delivered or not. */
  pending(group: string): Promise<number>;
  /** Age of the oldest event not yet acknowledged by `group`, 0 when there is none. */
  oldestPendingAgeMs(group: string): Promise<number>;
  /** Waits for appends and acknowledgements in flight, wakes blocked readers, releases resources. Idempotent. */
  close(): Promise<void>;
  /** Releases resources now; appends in flight reject. */
  destroy(): void;
}

/** What the composition root may pass to either implementation. */
export interface EventLogOptions {
  /**
   * Called for an entry whose event is not a valid CallEvent (written by a newer version,
   * or damaged). It is acknowledged for the group that met it, so it cannot block the
   * group, and stays in the log for inspection until compaction or trimming.
   */
  readonly onUnreadable?: (entry: UnreadableEntry) => void;
}
