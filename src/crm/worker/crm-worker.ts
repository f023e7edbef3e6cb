/**
 * CrmWorker: the call-event log → one Salesforce Task per call.
 *
 * It reads the log as one consumer of the group `crm` (name `<gatewayId>/<pid>`), and now
 * and then claims events other consumers have held too long (a dead worker's). Events are
 * kept per call (call-book.ts) until call.ended; the call then waits at most `maxWaitMs`
 * (or until 200 are ready) for a flush (task-batch.ts), and its events are acknowledged
 * only once Salesforce confirmed the write and the Task state is saved (settlement.ts).
 * Notes and opportunity tags after the end update the same Task from that saved state.
 *
 * close() (SIGTERM): stop reading, flush what is ready, acknowledge, return. Calls still
 * in progress, and writes waiting out a backoff, stay unacknowledged: the next start (or
 * another worker, by claiming) picks them up.
 */
import type { CallEvent } from '../../events/index.js';
import type { TimerHandle } from '../../shared/index.js';
import type { CrmLoggedEvent } from '../ports.js';
import { CallBook, CallEntry } from './call-book.js';
import { workerTuning, type CrmWorkerOptions, type WorkerTuning } from './crm-worker-options.js';
import { replayInto, type ReplayReport } from './replay.js';
import { OutcomePolicy } from './outcome-policy.js';
import { Settlement, type WorkerLog } from './settlement.js';
import { TaskBatch, type BatchJob } from './task-batch.js';
import { callKeyOf, decodeTaskState, taskStateKey } from './task-state.js';
import { noCrmWorkerMetrics, type CrmWorkerMetrics } from './worker-metrics.js';

export type { CrmWorkerOptions } from './crm-worker-options.js';

const silentLog: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class CrmWorker {
  readonly group: string;
  readonly consumer: string;
  private readonly book = new CallBook();
  private readonly batch: TaskBatch;
  private readonly settle: Settlement;
  private readonly log: WorkerLog;
  private readonly metrics: CrmWorkerMetrics;
  private readonly cfg: WorkerTuning;
  private state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  private reader: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private flushTimer: { handle: TimerHandle; at: number } | undefined;
  private sweepTimer: TimerHandle | undefined;
  private readonly outcomes: OutcomePolicy;
  private lastAgeSample = -Infinity;
  private flushWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly o: CrmWorkerOptions) {
    this.group = o.group ?? 'crm';
    this.consumer = o.consumer ?? `${o.gatewayId}/0`;
    this.log = o.log ?? silentLog;
    this.metrics = o.metrics ?? noCrmWorkerMetrics;
    this.cfg = workerTuning(o);
    this.batch = new TaskBatch({
      sink: o.sink, classify: o.classify, ownerOf: o.ownerOf ?? (() => undefined),
      ...(o.lookup ? { lookup: o.lookup } : {}), ...(o.externalIdField ? { externalIdField: o.externalIdField } : {}),
      ...(o.unknownCallers ? { unknownCallers: o.unknownCallers } : {}),
      onLookupFailure: (e) => this.log.warn({ err: String(e) }, 'caller lookup failed for good; Tasks are written without WhoId'),
    });
    this.settle = new Settlement({
      source: o.source, group: this.group, kv: o.kv, deadLetters: o.deadLetters, notifier: o.notifier, metrics: this.metrics,
      log: this.log, gatewayId: o.gatewayId, epochNow: o.epochNow ?? Date.now,
    });
    this.outcomes = new OutcomePolicy({
      clock: o.clock, settle: this.settle, metrics: this.metrics, log: this.log, classify: o.classify, random: o.random ?? Math.random,
      graceMs: this.cfg.graceMs, adoptGiveUpMs: this.cfg.adoptGiveUpMs,
      retry: this.cfg.retry,
      release: (entry) => this.evaluate(entry),
    });
  }

  /** Starts reading. `consume: false` only serves replays (the CLI's fallback). */
  start(options: { readonly consume?: boolean } = {}): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    if (options.consume !== false) this.reader = this.readLoop();
    this.scheduleSweep();
  }

  /** Re-drives every dead letter through the normal write path; resolves when each is written or dead-lettered again. */
  replayDeadLetters(): Promise<ReplayReport> {
    return replayInto({
      deadLetters: this.o.deadLetters,
      enter: (key, callId, events) => this.enterReplay(key, callId, events),
    });
  }

  /** Graceful: stop reading, flush what is ready, acknowledge. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Stops timers and reading now; nothing more is written or acknowledged. */
  destroy(): void {
    this.state = 'closed';
    this.clearTimers();
  }

  /** For tests and metrics: calls held, events held. */
  stats(): { calls: number; events: number } {
    return { calls: this.book.size, events: this.book.heldEvents() };
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    await this.reader;
    this.clearTimers();
    // Flush everything that may go now; writes waiting out a backoff stay unacknowledged.
    for (;;) {
      await this.flushing;
      if (this.book.readyCount(this.o.clock.now()) === 0) break;
      await this.flush();
    }
    await Promise.all([...this.settle.notifying]);
    this.state = 'closed';
    this.clearTimers();
  }

  private async readLoop(): Promise<void> {
    let lastClaim = -Infinity;
    while (this.state === 'running') {
      try {
        // Backpressure: with too much held, wait for flushes to free memory; but never when
        // nothing can be flushed (all calls in progress): only reading can finish them.
        if (this.book.heldEvents() >= this.cfg.maxHeldEvents && (this.flushing || this.book.readyCount(this.o.clock.now()) > 0)) {
          await this.nextFlushDone();
          continue;
        }
        let got: CrmLoggedEvent[] = [];
        const now = this.o.clock.now();
        if (now - lastClaim >= this.cfg.claimEvery) {
          got = await this.o.source.claimStale(this.group, this.consumer, this.cfg.claimIdle, this.cfg.readMax);
          // A full claim may have more behind it: claim again next round.
          lastClaim = got.length >= this.cfg.readMax ? -Infinity : now;
        }
        if (got.length === 0) got = await this.o.source.read(this.group, this.consumer, this.cfg.readMax, this.cfg.blockMs);
        if (got.length > 0) await this.ingest(got);
      } catch (e) {
        this.log.error({ err: String(e) }, 'reading the call-event log failed; retrying');
        await this.sleep(1000);
      }
    }
  }

  private async ingest(batch: readonly CrmLoggedEvent[]): Promise<void> {
    this.metrics.eventsConsumed(batch.length);
    const fresh = new Map<string, string>();
    for (const { event } of batch) {
      const key = callKeyOf(this.o.gatewayId, event.callId);
      if (!this.book.get(key)) fresh.set(key, event.callId);
    }
    const states = await Promise.all([...fresh].map(async ([key]) => decodeTaskState(await this.o.kv.kvGet(taskStateKey(key)))));
    const now = this.o.clock.now();
    [...fresh].forEach(([key, callId], i) => {
      const entry = new CallEntry(key, callId, now);
      entry.state = states[i];
      this.book.put(entry);
    });
    const covered: string[] = [];
    const touched = new Set<CallEntry>();
    for (const { id, event } of batch) {
      const entry = this.book.get(callKeyOf(this.o.gatewayId, event.callId)) as CallEntry;
      const s = entry.state;
      if (s && s.seqs.includes(event.seq) && !entry.pending.has(event.seq)) covered.push(id);
      else entry.add(event, id);
      touched.add(entry);
    }
    await this.settle.ack(covered);
    for (const e of touched) this.evaluate(e);
    this.metrics.heldCalls(this.book.size);
  }

  private async enterReplay(key: string, callId: string, events: readonly CallEvent[]): Promise<'written' | 'dead-lettered'> {
    let entry = this.book.get(key);
    if (!entry) {
      entry = new CallEntry(key, callId, this.o.clock.now());
      entry.state = decodeTaskState(await this.o.kv.kvGet(taskStateKey(key)));
      this.book.put(entry);
    }
    entry.replay = true;
    if (entry.state?.kind === 'dead-lettered') entry.state = undefined;
    for (const e of events) if (!(entry.state?.seqs.includes(e.seq) ?? false)) entry.add(e, undefined);
    const done = new Promise<'written' | 'dead-lettered'>((resolve) => entry.waiters.push({ resolve }));
    if (entry.pending.size === 0) entry.notifyWaiters('written');
    this.evaluate(entry);
    return done;
  }

  /** Decides what a call needs next and queues it. */
  private evaluate(entry: CallEntry): void {
    if (entry.busy) return;
    const step = entry.nextStep(this.o.clock.now(), this.cfg.graceMs);
    if (step === 'wait') {
      this.book.unready(entry);
      if (entry.pending.size === 0) {
        entry.notifyWaiters('written');
        this.book.drop(entry);
      }
      return;
    }
    if (step === 'dead-append') {
      entry.busy = true;
      void this.outcomes.deadLetter([{ entry, code: 'CRM_CALL_DEAD_LETTERED', reason: 'this call\'s Task was dead-lettered before; the event waits with it for a replay', fields: [], notify: false }]);
      return;
    }
    this.book.markReady(entry);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.state === 'closed') return;
    const now = this.o.clock.now();
    const ready = this.book.readyCount(now);
    let at: number | undefined;
    if (ready >= this.cfg.maxRecords || (ready > 0 && this.state === 'closing')) at = now;
    else if (ready > 0) at = now + this.cfg.maxWaitMs;
    else {
      const next = this.book.nextReadyAt();
      if (next !== undefined) at = Math.max(now, next);
    }
    if (at === undefined || (this.flushTimer && this.flushTimer.at <= at)) return;
    if (this.flushTimer) this.o.clock.clearTimeout(this.flushTimer.handle);
    const handle = this.o.clock.setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, at - now);
    this.flushTimer = { handle, at };
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      try {
        const entries = this.book.take(this.o.clock.now(), this.cfg.maxRecords);
        if (entries.length > 0) await this.runBatch(entries);
      } catch (e) {
        this.log.error({ err: String(e) }, 'CRM flush failed unexpectedly');
      }
    })().finally(() => {
      this.flushing = undefined;
      for (const w of this.flushWaiters.splice(0)) w();
      this.scheduleFlush();
    });
    return this.flushing;
  }

  private async runBatch(entries: readonly CallEntry[]): Promise<void> {
    const now = this.o.clock.now();
    const jobs: BatchJob[] = [];
    for (const entry of entries) {
      const step = entry.nextStep(now, this.cfg.graceMs);
      if (step === 'first' || step === 'update' || step === 'adopt') jobs.push({ entry, step });
      else {
        entry.busy = false;
        this.evaluate(entry);
      }
    }
    if (jobs.length === 0) return;
    try {
      const outcomes = await this.batch.run(jobs);
      await this.outcomes.apply(jobs, outcomes);
    } catch (e) {
      // Unexpected (a bug, or the kv failing): nothing is acknowledged; try the calls again later.
      this.log.error({ err: String(e) }, 'CRM flush failed unexpectedly');
      for (const { entry } of jobs) {
        entry.busy = false;
        entry.notBefore = this.o.clock.now() + this.outcomes.backoff(3);
        this.evaluate(entry);
      }
    }
    this.metrics.heldCalls(this.book.size);
  }

  /** Re-checks waiting calls (grace and backoff expiry) and samples the backlog age. */
  private scheduleSweep(): void {
    const every = Math.max(100, Math.min(1000, this.cfg.graceMs / 2));
    this.sweepTimer = this.o.clock.setTimeout(() => {
      for (const e of this.book.entries()) if (!e.busy) this.evaluate(e);
      const now = this.o.clock.now();
      if (now - this.lastAgeSample >= 5000) {
        this.lastAgeSample = now;
        void this.o.source.oldestPendingAgeMs(this.group).then((ms) => this.metrics.oldestUnackedAgeMs(ms), () => undefined);
      }
      if (this.state === 'running') this.scheduleSweep();
    }, every);
  }

  private clearTimers(): void {
    if (this.flushTimer) this.o.clock.clearTimeout(this.flushTimer.handle);
    this.flushTimer = undefined;
    this.o.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private nextFlushDone(): Promise<void> {
    return new Promise((resolve) => {
      // Held events may all be in-progress calls: look again after a while regardless.
      const timer = this.o.clock.setTimeout(done, this.cfg.blockMs);
      function done(): void {
        resolve();
      }
      this.flushWaiters.push(() => {
        this.o.clock.clearTimeout(timer);
        done();
      });
      if (!this.flushing) this.scheduleFlush();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimeout(resolve, ms));
  }
}
