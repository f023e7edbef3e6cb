/**
 * One flush: up to 200 calls → their Tasks in Salesforce, in as few API requests as the
 * mode allows, and an outcome per call.
 *
 * - External-id mode (`externalIdField` set): one sObject Collections upsert
 *   (PATCH /composite/sobjects/Task/<field>, Salesforce REST API Developer Guide "Upsert
 *   Records Using sObject Collections") keyed by `<gatewayId>:<callId>`; plus one SOQL only
 *   for calls whose Task state linegate lost (adopt).
 * - CallObject mode: one SOQL `WHERE CallObject IN (…)` for every call without a known Task
 *   Id, then one create and one update collection (each only when needed).
 *
 * Callers of first writes are resolved in bulk (resolveMany), unknown numbers created in
 * one request (createUnknown). TaskSubtype is createable but not updateable (Object
 * Reference, Task): it is sent only on what should be a create; if the Task turns out to
 * exist (a write repeated after a crash), Salesforce refuses it and the record is retried
 * without it.
 */
import type { CallEntry } from './call-book.js';
import { projectTask, remoteE164, type CallerMatch, type TaskFields } from './task-projection.js';
import { applyLaterEvents, type WrittenTask } from './task-state.js';
import { describeFailure, type CallerLookup, type ErrorClassifier, type FoundTask, type RecordResult, type TaskRecord, type TaskSink } from './worker-ports.js';

export type BatchStep = 'first' | 'update' | 'adopt';

export interface BatchJob {
  readonly entry: CallEntry;
  readonly step: BatchStep;
}

export type JobOutcome =
  | { readonly type: 'written'; readonly state: WrittenTask; readonly created: boolean; readonly apiWrite: boolean }
  | {
      readonly type: 'retry'; readonly code: string; readonly message: string; readonly countAttempt: boolean;
      readonly omitSubtype?: boolean;
      /** The caller's Contact/Lead is being created (by another worker, or it failed for now). */
      readonly callerPending?: boolean;
    }
  | { readonly type: 'dead'; readonly code: string; readonly reason: string; readonly fields: readonly string[] }
  | { readonly type: 'not-found' };

export interface TaskBatchOptions {
  readonly sink: TaskSink;
  readonly lookup?: CallerLookup;
  readonly classify: ErrorClassifier;
  readonly externalIdField?: string;
  /** The Salesforce user id of a line user (dialplan users[].salesforceUserId). */
  readonly ownerOf: (userId: string) => string | undefined;
  /** A lookup failed for good: the Tasks are written without WhoId/WhatId. */
  readonly onLookupFailure?: (error: unknown) => void;
  /** What unknown numbers become; unless 'none', a Task waits (a while) for its caller's new record. */
  readonly unknownCallers?: 'contact' | 'lead' | 'none';
}

interface Callers {
  readonly matches: ReadonlyMap<string, CallerMatch>;
  /** Unknown numbers whose record createUnknown could not give now. */
  readonly pending: ReadonlySet<string>;
}

/** A write to make: the state it produces once confirmed, and how to send it. */
interface Plan {
  readonly job: BatchJob;
  readonly state: WrittenTask;
  /** Known Task Id (update by Id in CallObject mode). */
  readonly id: string | undefined;
  /** Send TaskSubtype (a create, as far as linegate knows). */
  readonly create: boolean;
  /** The events change nothing Salesforce shows: covered without a request. */
  readonly noWrite: boolean;
}

export const TASK_QUERY_FIELDS = [
  'Subject', 'Type', 'Status', 'CallType', 'CallDurationInSeconds', 'CallObject', 'CallDisposition', 'ActivityDate', 'WhoId', 'WhatId', 'OwnerId', 'Description',
] as const;

export class TaskBatch {
  constructor(private readonly o: TaskBatchOptions) {}

  async run(jobs: readonly BatchJob[]): Promise<Map<CallEntry, JobOutcome>> {
    const out = new Map<CallEntry, JobOutcome>();
    let found: Map<string, FoundTask>;
    try {
      found = await this.findExisting(jobs);
    } catch (e) {
      for (const j of jobs) out.set(j.entry, failureOutcome(e));
      return out;
    }
    const firsts = jobs.filter((j) => j.step === 'first');
    const callers = await this.resolveCallers(firsts);
    if (callers instanceof Error) {
      for (const j of firsts) out.set(j.entry, failureOutcome(callers));
    }
    const plans: Plan[] = [];
    for (const job of jobs) {
      if (out.has(job.entry)) continue;
      const plan = this.plan(job, found.get(this.lookupKey(job.entry)), callers instanceof Error ? { matches: new Map(), pending: new Set() } : callers);
      if ('type' in plan) out.set(job.entry, plan);
      else if (plan.noWrite) out.set(job.entry, { type: 'written', state: plan.state, created: false, apiWrite: false });
      else plans.push(plan);
    }
    await this.write(plans, out);
    return out;
  }

  private get extField(): string | undefined {
    return this.o.externalIdField;
  }

  private lookupKey(entry: CallEntry): string {
    return this.extField ? entry.key : entry.callId;
  }

  /** One SOQL (chunked by the sink) for the calls whose Task Id linegate needs and does not have. */
  private async findExisting(jobs: readonly BatchJob[]): Promise<Map<string, FoundTask>> {
    const needed = jobs.filter((j) => {
      if (j.step === 'adopt') return true;
      if (this.extField) return false;
      return j.step === 'first' || (j.entry.state?.kind === 'written' && j.entry.state.id === undefined);
    });
    if (needed.length === 0) return new Map();
    const field = this.extField ?? 'CallObject';
    const rows = await this.o.sink.find(field, [...new Set(needed.map((j) => this.lookupKey(j.entry)))]);
    const map = new Map<string, FoundTask>();
    for (const r of rows) if (!map.has(r.key)) map.set(r.key, r);
    return map;
  }

  private async resolveCallers(firsts: readonly BatchJob[]): Promise<Callers | Error> {
    const lookup = this.o.lookup;
    const numbers = [...new Set(firsts.map((j) => remoteE164(j.entry.fold())).filter((n): n is string => n !== undefined))];
    if (!lookup || numbers.length === 0) return { matches: new Map(), pending: new Set() };
    try {
      const found = new Map(await lookup.resolveMany(numbers));
      const known = (n: string): boolean => Boolean(found.get(n)?.whoId || found.get(n)?.accountId);
      const unknown = numbers.filter((n) => !known(n));
      if (unknown.length > 0) for (const [n, m] of await lookup.createUnknown(unknown)) found.set(n, m);
      const creates = (this.o.unknownCallers ?? 'none') !== 'none';
      return { matches: found, pending: new Set(creates ? unknown.filter((n) => !known(n)) : []) };
    } catch (e) {
      if (!describeFailure(e).permanent) return e instanceof Error ? e : new Error(String(e));
      // A lookup that will never work (e.g. no read access to Lead) must not stop call logging.
      this.o.onLookupFailure?.(e);
      return { matches: new Map(), pending: new Set() };
    }
  }

  private plan(job: BatchJob, found: FoundTask | undefined, callers: Callers): Plan | JobOutcome {
    const entry = job.entry;
    if (job.step === 'first') {
      const fold = entry.fold();
      const e164 = remoteE164(fold);
      if (e164 && callers.pending.has(e164) && !entry.skipCallerWait) {
        return { type: 'retry', code: 'CRM_CALLER_PENDING', message: `no record for ${e164} yet`, countAttempt: false, callerPending: true };
      }
      const caller = e164 ? callers.matches.get(e164) : undefined;
      const ownerId = fold.started ? this.o.ownerOf(fold.started.userId) : undefined;
      const p = projectTask(fold, { ...(caller ? { caller } : {}), ...(ownerId ? { ownerId } : {}) });
      if (!p.ok) return { type: 'dead', code: 'CRM_INCOMPLETE_CALL', reason: p.reason, fields: [] };
      const state: WrittenTask = {
        kind: 'written', id: found?.Id, fields: p.fields, whoType: caller?.whoId ? caller.whoType : undefined,
        seqs: fold.seqs, notes: fold.notes, prefix: undefined, opportunityId: fold.opportunityId,
      };
      return { job, state, id: found?.Id, create: !found && !entry.omitSubtype, noWrite: false };
    }
    let base: WrittenTask;
    if (job.step === 'adopt') {
      if (!found) return { type: 'not-found' };
      base = adopt(found);
    } else if (entry.state?.kind === 'written') {
      base = entry.state;
    } else {
      return { type: 'dead', code: 'CRM_NO_TASK_STATE', reason: 'an update without a written Task', fields: [] };
    }
    const { state, changed } = applyLaterEvents(base, entry.events());
    const id = base.id ?? found?.Id;
    // Nothing new for Salesforce (e.g. only a duplicate note): the events are covered without a write.
    return { job, state: { ...state, id }, id, create: false, noWrite: !changed && job.step === 'update' };
  }

  private async write(plans: readonly Plan[], out: Map<CallEntry, JobOutcome>): Promise<void> {
    if (plans.length === 0) return;
    const ext = this.extField;
    if (ext) {
      await this.send(plans, out, () => this.o.sink.upsert(ext, plans.map((p) => this.record(p))));
      return;
    }
    const creates = plans.filter((p) => p.id === undefined);
    const updates = plans.filter((p) => p.id !== undefined);
    if (creates.length > 0) await this.send(creates, out, () => this.o.sink.create(creates.map((p) => this.record(p))));
    if (updates.length > 0) await this.send(updates, out, () => this.o.sink.update(updates.map((p) => this.record(p))));
  }

  private record(p: Plan): TaskRecord {
    const base: Record<string, string | number> = { ...(p.state.fields as unknown as Record<string, string | number>) };
    if (this.extField) base[this.extField] = p.job.entry.key;
    else if (p.id !== undefined) base.Id = p.id;
    if (p.create) base.TaskSubtype = 'Call';
    return base;
  }

  private async send(plans: readonly Plan[], out: Map<CallEntry, JobOutcome>, request: () => Promise<RecordResult[]>): Promise<void> {
    let results: RecordResult[];
    try {
      results = await request();
    } catch (e) {
      for (const p of plans) out.set(p.job.entry, failureOutcome(e));
      return;
    }
    plans.forEach((p, i) => out.set(p.job.entry, this.outcome(p, results[i])));
  }

  private outcome(p: Plan, r: RecordResult | undefined): JobOutcome {
    if (!r) return { type: 'retry', code: 'CRM_NO_RESULT', message: 'Salesforce returned fewer results than records', countAttempt: true };
    if (r.ok) {
      const created = r.created ?? p.id === undefined;
      return { type: 'written', state: { ...p.state, id: r.id ?? p.state.id }, created, apiWrite: true };
    }
    const first = r.errors[0] ?? { code: 'UNKNOWN_EXCEPTION', message: 'no error detail', fields: [] };
    if (p.create && r.errors.some((e) => e.fields.includes('TaskSubtype') || /TaskSubtype/.test(e.message))) {
      return { type: 'retry', code: first.code, message: first.message, countAttempt: false, omitSubtype: true };
    }
    const cls = this.o.classify(first.code);
    if (cls === 'permanent') return { type: 'dead', code: first.code, reason: first.message, fields: first.fields };
    return { type: 'retry', code: first.code, message: first.message, countAttempt: true };
  }
}

/** A whole request failed: permanent errors dead-letter, the rest retry (an outage is not the records' fault). */
function failureOutcome(e: unknown): JobOutcome {
  const f = describeFailure(e);
  if (f.permanent) return { type: 'dead', code: f.code, reason: f.message, fields: f.fields };
  return { type: 'retry', code: f.code, message: f.message, countAttempt: false };
}

/** A Task found in Salesforce whose linegate state was lost: its Description is kept verbatim. */
export function adopt(found: FoundTask): WrittenTask {
  const f = found.fields;
  const pick: Record<string, string | number> = {};
  for (const name of TASK_QUERY_FIELDS) {
    const v = f[name];
    if (name !== 'Description' && v !== null && v !== undefined) pick[name] = v;
  }
  const who = typeof f.WhoId === 'string' ? f.WhoId : undefined;
  const description = typeof f.Description === 'string' && f.Description !== '' ? f.Description : undefined;
  return {
    kind: 'written', id: found.Id, fields: pick as unknown as TaskFields,
    whoType: who?.startsWith('00Q') ? 'Lead' : who?.startsWith('003') ? 'Contact' : undefined,
    seqs: [], notes: [], prefix: description, opportunityId: undefined,
  };
}
