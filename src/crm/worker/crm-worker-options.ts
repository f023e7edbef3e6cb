/**
 * CrmWorker's options and the defaults they resolve to.
 */
import type { Clock } from '../../shared/index.js';
import type { CrmEventSource, CrmKv } from '../ports.js';
import type { DeadLetterNotifier } from './dead-letter-notifier.js';
import type { DeadLetterStore } from './dead-letter-store.js';
import type { WorkerLog } from './settlement.js';
import type { CrmWorkerMetrics } from './worker-metrics.js';
import type { CallerLookup, ErrorClassifier, TaskSink } from './worker-ports.js';

export interface CrmWorkerOptions {
  readonly source: CrmEventSource;
  readonly kv: CrmKv;
  readonly sink: TaskSink;
  readonly lookup?: CallerLookup;
  readonly classify: ErrorClassifier;
  readonly deadLetters: DeadLetterStore;
  readonly notifier?: DeadLetterNotifier;
  readonly gatewayId: string;
  /** Default `<gatewayId>/0`; crm-main passes `<gatewayId>/<pid>`. */
  readonly consumer?: string;
  /** Default `crm`. */
  readonly group?: string;
  readonly externalIdField?: string;
  /** What the lookup makes of unknown numbers (crm/lookup's unknownCallers.mode). Default 'none'. */
  readonly unknownCallers?: 'contact' | 'lead' | 'none';
  readonly ownerOf?: (userId: string) => string | undefined;
  readonly clock: Clock;
  readonly epochNow?: () => number;
  readonly log?: WorkerLog;
  readonly metrics?: CrmWorkerMetrics;
  /** maxRecords ≤ 200 (sObject Collections' limit), default 200; maxWaitMs default 1000. */
  readonly batch?: { readonly maxRecords?: number; readonly maxWaitMs?: number };
  /** Events per read (default 500) and how long a read may block (default 1000 ms). */
  readonly read?: { readonly max?: number; readonly blockMs?: number };
  /** claimStale: idle time that marks an event abandoned (default 60 s) and how often to look (default 30 s). */
  readonly claim?: { readonly minIdleMs?: number; readonly intervalMs?: number };
  /** How long a call missing call.started (or a gap before call.ended) waits for it. Default 2 × claim.minIdleMs + claim.intervalMs. */
  readonly graceMs?: number;
  /** A call without call.started and without a Task in Salesforce is dead-lettered after this. Default 1 h. */
  readonly adoptGiveUpMs?: number;
  /** Per-record retries (lock, limit, 5xx on one record): full-jitter backoff, then dead letter. */
  readonly retry?: { readonly baseMs?: number; readonly maxMs?: number; readonly maxAttempts?: number };
  /** Stop reading while this many events are held in memory. Default 50,000. */
  readonly maxHeldEvents?: number;
  readonly random?: () => number;
}

/** The timings and limits a worker runs with, defaults filled in. */
export interface WorkerTuning {
  readonly maxRecords: number;
  readonly maxWaitMs: number;
  readonly readMax: number;
  readonly blockMs: number;
  readonly claimIdle: number;
  readonly claimEvery: number;
  readonly graceMs: number;
  readonly adoptGiveUpMs: number;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number };
  readonly maxHeldEvents: number;
}

export function workerTuning(o: CrmWorkerOptions): WorkerTuning {
  const claimIdle = o.claim?.minIdleMs ?? 60_000;
  const claimEvery = o.claim?.intervalMs ?? 30_000;
  return {
    maxRecords: Math.min(200, Math.max(1, o.batch?.maxRecords ?? 200)),
    maxWaitMs: o.batch?.maxWaitMs ?? 1000,
    readMax: o.read?.max ?? 500,
    blockMs: o.read?.blockMs ?? 1000,
    claimIdle,
    claimEvery,
    graceMs: o.graceMs ?? 2 * claimIdle + claimEvery,
    adoptGiveUpMs: o.adoptGiveUpMs ?? 3_600_000,
    retry: { baseMs: o.retry?.baseMs ?? 1000, maxMs: o.retry?.maxMs ?? 300_000, maxAttempts: o.retry?.maxAttempts ?? 10 },
    maxHeldEvents: o.maxHeldEvents ?? 50_000,
  };
}
