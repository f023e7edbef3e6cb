/**
 * The worker's view of Salesforce and of the caller lookup: small interfaces so that the
 * worker's logic is tested with fakes, and crm-main wires the real ones (task-sink.ts on
 * the SalesforceClient, crm/lookup's CallerResolver).
 */
import type { CallerMatch } from './task-projection.js';

/** One record as sent to Salesforce (Task fields, the external id, TaskSubtype on creates). */
export type TaskRecord = Readonly<Record<string, string | number>>;

export interface RecordError {
  /** Salesforce's errorCode (`UNABLE_TO_LOCK_ROW`, `FIELD_CUSTOM_VALIDATION_EXCEPTION`…). */
  readonly code: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/** Salesforce's SaveResult / UpsertResult of one record, in request order. */
export type RecordResult =
  | { readonly ok: true; readonly id: string | undefined; readonly created: boolean | undefined }
  | { readonly ok: false; readonly errors: readonly RecordError[] };

/** A Task found in Salesforce (by external id or CallObject). */
export interface FoundTask {
  readonly Id: string;
  /** The value of the field searched by. */
  readonly key: string;
  readonly fields: Readonly<Record<string, string | number | null>>;
}

/**
 * The Task writes. Each method is one API request for at most 200 records (sObject
 * Collections' limit); a rejected promise is a failure of the whole request.
 */
export interface TaskSink {
  /** PATCH /composite/sobjects/Task/<externalIdField>: create or update by external id. */
  upsert(externalIdField: string, records: readonly TaskRecord[]): Promise<RecordResult[]>;
  /** POST /composite/sobjects. */
  create(records: readonly TaskRecord[]): Promise<RecordResult[]>;
  /** PATCH /composite/sobjects; each record carries Id. */
  update(records: readonly TaskRecord[]): Promise<RecordResult[]>;
  /** One SOQL request: SELECT Id, <the Task fields> FROM Task WHERE <field> IN (…). */
  find(field: string, values: readonly string[]): Promise<FoundTask[]>;
}

/** crm/lookup's CallerResolver, as the worker uses it. */
export interface CallerLookup {
  /** Cached or one SOSL per uncached number; numbers nobody matches map to a match without ids. */
  resolveMany(e164s: readonly string[]): Promise<ReadonlyMap<string, CallerMatch>>;
  /** Creates Contacts (or Leads) for numbers nobody matched, in one request, per unknownCallers.mode. */
  createUnknown(e164s: readonly string[]): Promise<ReadonlyMap<string, CallerMatch>>;
}

export type ErrorClass = 'relogin' | 'backoff' | 'retry' | 'permanent';

/** crm/salesforce's classifySalesforceError. */
export type ErrorClassifier = (code: string, httpStatus?: number) => ErrorClass;

/** What a thrown error from the client says about retrying. */
export interface FailureInfo {
  readonly code: string;
  readonly message: string;
  readonly permanent: boolean;
  readonly fields: readonly string[];
}

/** Reads code/permanent/fields off a SalesforceError (or anything else thrown). */
export function describeFailure(e: unknown): FailureInfo {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; errorCode?: unknown; permanent?: unknown; fields?: unknown; message?: unknown };
  const code = typeof o.code === 'string' ? o.code : typeof o.errorCode === 'string' ? o.errorCode : 'CRM_REQUEST_FAILED';
  return {
    code,
    message: typeof o.message === 'string' ? o.message : String(e),
    permanent: o.permanent === true,
    fields: Array.isArray(o.fields) ? o.fields.filter((f): f is string => typeof f === 'string') : [],
  };
}
