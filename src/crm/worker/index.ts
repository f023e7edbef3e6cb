/**
 * The CRM worker (issue #4): call events → one Salesforce Task per call, exactly once in
 * effect. docs/crm.md has the mapping, the exactly-once argument, batching and dead letters.
 */
export { CrmWorker } from './crm-worker.js';
export type { CrmWorkerOptions } from './crm-worker.js';
export { foldCall, isComplete, missingSeqs } from './call-fold.js';
export type { CallFold, FoldedNote } from './call-fold.js';
export { projectTask, subjectFor, taskDisposition, whatIdFor, remoteE164, formatNumber, describeNotes, TASK_LIMITS } from './task-projection.js';
export type { CallerMatch, ProjectionContext, ProjectionResult, TaskDisposition, TaskFields } from './task-projection.js';
export { applyLaterEvents, callKeyOf, decodeTaskState, encodeTaskState, taskStateKey, TASK_STATE_TTL_MS } from './task-state.js';
export type { DeadLetteredTask, TaskState, WrittenTask } from './task-state.js';
export { TaskBatch, TASK_QUERY_FIELDS } from './task-batch.js';
export type { BatchJob, JobOutcome, TaskBatchOptions } from './task-batch.js';
export { SalesforceTaskSink, soqlChunks, soqlString } from './salesforce-task-sink.js';
export type { SalesforceCaller as TaskSinkCaller } from './salesforce-task-sink.js';
export { describeFailure } from './worker-ports.js';
export type { CallerLookup, ErrorClass, ErrorClassifier, FailureInfo, FoundTask, RecordError, RecordResult, TaskRecord, TaskSink } from './worker-ports.js';
export { FileDeadLetterStore, parseDeadLetters } from './dead-letter-store.js';
export type { DeadLetter, DeadLetterBatch, DeadLetterStore } from './dead-letter-store.js';
export { WebhookAndMailNotifier, toNotice } from './dead-letter-notifier.js';
export type { DeadLetterNotice, DeadLetterNotifier, NotifierOptions } from './dead-letter-notifier.js';
export { sendMail, formatMessage, SmtpError } from './smtp-client.js';
export type { MailMessage, SmtpOptions } from './smtp-client.js';
export { JournalKv } from './journal-kv.js';
export type { JournalKvOptions } from './journal-kv.js';
export { replayInto } from './replay.js';
export type { ReplayReport } from './replay.js';
export { requestReplay, ReplayRequestWatcher } from './replay-request.js';
export type { ReplayRequestOptions } from './replay-request.js';
export { noCrmWorkerMetrics, promCrmWorkerMetrics } from './worker-metrics.js';
export type { CrmWorkerMetrics } from './worker-metrics.js';
export type { WorkerLog } from './settlement.js';
