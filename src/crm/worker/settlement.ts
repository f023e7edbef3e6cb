/**
 * After a flush: record what Salesforce confirmed, then acknowledge. The order is the
 * exactly-once argument (docs/crm.md "Exactly once"):
 *
 *   Salesforce confirms the write → the Task state is saved in CrmKv → the events it covers
 *   are acknowledged in the log.
 *
 * A crash before the kv save redelivers the events and repeats the same idempotent write
 * (an upsert by external id, or an update of the Task found by CallObject); a crash after
 * the save and before the ack redelivers events the saved state already covers, which are
 * acknowledged without a write. Dead letters follow the same rule: durable first, then ack.
 */
import type { CrmEventSource, CrmKv } from '../ports.js';
import type { CallEntry } from './call-book.js';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';
import type { DeadLetterNotifier } from './dead-letter-notifier.js';
import type { JobOutcome } from './task-batch.js';
import { encodeTaskState, TASK_STATE_TTL_MS, taskStateKey, type WrittenTask } from './task-state.js';
import type { CrmWorkerMetrics } from './worker-metrics.js';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SettlementDeps {
  readonly source: CrmEventSource;
  readonly group: string;
  readonly kv: CrmKv;
  readonly deadLetters: DeadLetterStore;
  readonly notifier: DeadLetterNotifier | undefined;
  readonly metrics: CrmWorkerMetrics;
  readonly log: WorkerLog;
  readonly gatewayId: string;
  readonly epochNow: () => number;
}

export interface DeadJob {
  readonly entry: CallEntry;
  readonly code: string;
  readonly reason: string;
  readonly fields: readonly string[];
  /** Notify the operator (not for events joining a call dead-lettered before). */
  readonly notify: boolean;
}

export class Settlement {
  /** Notifications in flight (close() waits for them). */
  readonly notifying = new Set<Promise<void>>();

  constructor(private readonly d: SettlementDeps) {}

  /** Saves the confirmed states, then acks what they cover. Returns the entries whose save failed. */
  async written(items: ReadonlyArray<{ entry: CallEntry; outcome: Extract<JobOutcome, { type: 'written' }> }>): Promise<CallEntry[]> {
    const failed: CallEntry[] = [];
    const ids: string[] = [];
    let created = 0;
    let updated = 0;
    await Promise.all(items.map(async ({ entry, outcome }) => {
      try {
        await this.d.kv.kvSet(taskStateKey(entry.key), encodeTaskState(outcome.state), TASK_STATE_TTL_MS);
      } catch (e) {
        this.d.log.warn({ callId: entry.callId, err: String(e) }, 'saving the Task state failed; the write will be repeated');
        failed.push(entry);
        return;
      }
      entry.state = outcome.state;
      entry.attempts = 0;
      entry.omitSubtype = false;
      ids.push(...entry.settle(coveredSeqs(outcome.state)));
      if (outcome.apiWrite && outcome.created) created += 1;
      else if (outcome.apiWrite) updated += 1;
    }));
    this.d.metrics.tasksCreated(created);
    this.d.metrics.tasksUpdated(updated);
    await this.ack(ids);
    return failed;
  }

  /** Dead-letters calls (durably), marks first writes as dead-lettered in kv, acks, notifies. */
  async dead(jobs: readonly DeadJob[], attemptsOf: (e: CallEntry) => number): Promise<void> {
    if (jobs.length === 0) return;
    const at = new Date(this.d.epochNow()).toISOString();
    const letters: DeadLetter[] = jobs.map((j) => ({
      v: 1, at, callKey: j.entry.key, gatewayId: this.d.gatewayId, callId: j.entry.callId,
      code: j.code, reason: j.reason, fields: [...j.fields], attempts: attemptsOf(j.entry), events: j.entry.events(),
    }));
    await this.d.deadLetters.add(letters);
    const ids: string[] = [];
    await Promise.all(jobs.map(async (j) => {
      const seqs = [...j.entry.pending.keys()];
      if (j.entry.state?.kind !== 'written') {
        const prior = j.entry.state?.kind === 'dead-lettered' ? j.entry.state.seqs : [];
        const state = { kind: 'dead-lettered' as const, seqs: [...new Set([...prior, ...seqs])].sort((a, b) => a - b) };
        await this.d.kv.kvSet(taskStateKey(j.entry.key), encodeTaskState(state), TASK_STATE_TTL_MS).catch(() => undefined);
        if (!j.entry.replay) j.entry.state = state;
      }
      ids.push(...j.entry.settleAll());
    }));
    for (const l of letters) this.d.log.error({ callId: l.callId, code: l.code, fields: l.fields, reason: l.reason }, 'call dead-lettered: Salesforce will not take its Task');
    this.d.metrics.deadLettered(letters.length);
    await this.ack(ids);
    const toNotify = letters.filter((_, i) => jobs[i]?.notify);
    if (toNotify.length > 0 && this.d.notifier) this.track(this.d.notifier.notify(toNotify));
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.d.source.ack(this.d.group, ids);
    } catch (e) {
      // Not fatal: the events come back and are acknowledged then as already covered.
      this.d.log.warn({ err: String(e), count: ids.length }, 'acknowledging events failed; they will be redelivered');
    }
  }

  private track(p: Promise<void>): void {
    const run = p.catch((e: unknown) => {
      this.d.metrics.notificationFailed();
      this.d.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'dead-letter notification failed');
    });
    this.notifying.add(run);
    void run.finally(() => this.notifying.delete(run));
  }
}

function coveredSeqs(state: WrittenTask): readonly number[] {
  return state.seqs;
}
