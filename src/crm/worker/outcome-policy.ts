/**
 * What the worker does with each call's outcome after a flush: confirmed writes are saved
 * and acknowledged (settlement.ts); retries get a time (full-jitter backoff per record, one
 * shared delay for a batch whose whole request failed, at once without TaskSubtype, a few
 * rounds for an unknown caller's new record); permanent failures and used-up retries are
 * dead-lettered; then each call is released to decide its next step.
 */
import type { Clock } from '../../shared/index.js';
import type { CallEntry } from './call-book.js';
import type { DeadJob, Settlement, WorkerLog } from './settlement.js';
import type { BatchJob, JobOutcome } from './task-batch.js';
import type { CrmWorkerMetrics } from './worker-metrics.js';
import type { ErrorClassifier } from './worker-ports.js';

/** How many flushes a Task waits for its unknown caller's new record. */
const CALLER_WAITS = 6;

export interface OutcomePolicyDeps {
  readonly clock: Clock;
  readonly settle: Settlement;
  readonly metrics: CrmWorkerMetrics;
  readonly log: WorkerLog;
  readonly classify: ErrorClassifier;
  readonly random: () => number;
  readonly graceMs: number;
  readonly adoptGiveUpMs: number;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number };
  /** Decides a released call's next step (CrmWorker.evaluate). */
  readonly release: (entry: CallEntry) => void;
}

export class OutcomePolicy {
  private outageStreak = 0;
  /** The delay chosen for the batch being settled after an outage. */
  private outageDelay: number | undefined;

  constructor(private readonly d: OutcomePolicyDeps) {}

  async apply(jobs: readonly BatchJob[], outcomes: ReadonlyMap<CallEntry, JobOutcome>): Promise<void> {
    const now = this.d.clock.now();
    const written: Array<{ entry: CallEntry; outcome: Extract<JobOutcome, { type: 'written' }> }> = [];
    const dead: DeadJob[] = [];
    let anyOk = false;
    this.outageDelay = undefined;
    for (const { entry, step } of jobs) {
      const out = outcomes.get(entry) ?? { type: 'retry', code: 'CRM_NO_OUTCOME', message: 'no outcome', countAttempt: true };
      if (out.type === 'written') {
        written.push({ entry, outcome: out });
        anyOk = true;
      } else if (out.type === 'dead') {
        dead.push({ entry, code: out.code, reason: out.reason, fields: out.fields, notify: true });
      } else if (out.type === 'not-found') {
        if (entry.replay || now - entry.firstSeenAt >= this.d.adoptGiveUpMs) {
          dead.push({ entry, code: 'CRM_NO_CALL_START', reason: 'call.started never arrived and Salesforce has no Task for the call', fields: [], notify: true });
        } else entry.notBefore = now + this.d.graceMs;
      } else {
        const gaveUp = this.retryLater(entry, out, now, step);
        if (gaveUp) dead.push({ entry, code: out.code, reason: `gave up after ${entry.attempts} attempts: ${out.message}`, fields: [], notify: true });
      }
    }
    if (anyOk) this.outageStreak = 0;
    const failedSaves = await this.d.settle.written(written);
    for (const e of failedSaves) e.notBefore = now + this.backoff(1);
    await this.deadLetter(dead, false);
    for (const { entry } of jobs) {
      entry.busy = false;
      if (entry.pending.size === 0) entry.notifyWaiters('written');
      this.d.release(entry);
    }
  }

  /** Schedules a retry; true when the record has used up its attempts. */
  private retryLater(entry: CallEntry, out: Extract<JobOutcome, { type: 'retry' }>, now: number, step: string): boolean {
    if (out.callerPending) {
      // Another worker is creating the caller's Contact (or creating failed for now): wait a
      // few rounds so the Task gets its WhoId, then write it without one rather than never.
      entry.callerWaits += 1;
      entry.skipCallerWait = entry.callerWaits >= CALLER_WAITS;
      entry.notBefore = now + (entry.skipCallerWait ? 0 : this.backoff(entry.callerWaits + 1));
      if (entry.skipCallerWait) this.d.log.warn({ callId: entry.callId }, 'no record for the caller after several tries; writing the Task without WhoId');
      this.d.metrics.recordRetried('caller', 1);
      return false;
    }
    if (out.omitSubtype) {
      entry.omitSubtype = true;
      entry.notBefore = now;
      this.d.metrics.recordRetried('subtype', 1);
      return false;
    }
    if (out.countAttempt) {
      entry.attempts += 1;
      if (entry.attempts >= this.d.retry.maxAttempts) return true;
      entry.notBefore = now + this.backoff(entry.attempts);
      this.d.metrics.recordRetried(this.d.classify(out.code), 1);
    } else {
      // The whole request failed (an outage): every call of the batch waits the same delay.
      this.outageDelay ??= this.backoff(Math.min((this.outageStreak += 1), 6));
      entry.notBefore = now + this.outageDelay;
      this.d.metrics.recordRetried('outage', 1);
    }
    this.d.log.warn({ callId: entry.callId, code: out.code, step, attempt: entry.attempts, retryInMs: entry.notBefore - now }, 'Task write will be retried');
    return false;
  }

  /** Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
  backoff(attempt: number): number {
    const cap = Math.min(this.d.retry.maxMs, this.d.retry.baseMs * 2 ** (attempt - 1));
    return Math.floor(this.d.random() * cap) + 1;
  }

  async deadLetter(jobs: readonly DeadJob[], release = true): Promise<void> {
    try {
      await this.d.settle.dead(jobs, (e) => e.attempts);
    } catch (e) {
      // The dead-letter file cannot be written: keep the events (unacknowledged) and try later.
      this.d.log.error({ err: String(e) }, 'writing dead letters failed; the calls stay in the log');
      for (const j of jobs) j.entry.notBefore = this.d.clock.now() + this.backoff(3);
    }
    for (const j of jobs) {
      if (j.entry.pending.size === 0) j.entry.notifyWaiters('dead-lettered');
      if (release) {
        j.entry.busy = false;
        this.d.release(j.entry);
      }
    }
  }
}
