/**
 * TaskSink on the SalesforceClient: sObject Collections for writes, SOQL for finding
 * Tasks. Salesforce REST API Developer Guide:
 * - "Upsert Records Using sObject Collections": PATCH /composite/sobjects/<Type>/<ExternalIdField>,
 *   up to 200 records, each with `attributes.type`, results in request order
 *   (`{ id, success, errors, created }`);
 * - "Create Records Using sObject Collections" (POST /composite/sobjects) and "Update Records
 *   Using sObject Collections" (PATCH /composite/sobjects, each record with its Id);
 *   allOrNone false: each record succeeds or fails on its own; per-record errors carry
 *   `statusCode`, `message`, `fields`;
 * - "Query": GET /query?q=<SOQL>, following nextRecordsUrl.
 * A create is passed to the client as not idempotent, so the client does not repeat it
 * after a 5xx or a broken connection (Salesforce may have applied it); the worker retries
 * it later after looking the Task up, which turns it into an update if it was applied.
 */
import type { Connection } from 'jsforce';
import type { ApiCallKind, CallOptions } from '../salesforce/index.js';
import { TASK_QUERY_FIELDS } from './task-batch.js';
import type { FoundTask, RecordError, RecordResult, TaskRecord, TaskSink } from './worker-ports.js';

/** What the sink needs of SalesforceClient. */
export interface SalesforceCaller {
  call<T>(kind: ApiCallKind, fn: (conn: Connection) => Promise<T>, options?: CallOptions): Promise<T>;
}

/** An encoded SOQL text up to this many characters per request, well inside the REST URI limit (16,384 bytes). */
const MAX_ENCODED_SOQL = 10_000;

interface RawResult {
  readonly id?: string | null;
  readonly success?: boolean;
  readonly created?: boolean;
  readonly errors?: ReadonlyArray<{ statusCode?: string; errorCode?: string; message?: string; fields?: readonly string[] }>;
}

interface QueryPage {
  readonly records?: ReadonlyArray<Record<string, unknown>>;
  readonly done?: boolean;
  readonly nextRecordsUrl?: string;
}

export class SalesforceTaskSink implements TaskSink {
  constructor(private readonly client: SalesforceCaller) {}

  upsert(field: string, records: readonly TaskRecord[]): Promise<RecordResult[]> {
    return this.collection('collections', (conn) => conn.requestPatch(`/composite/sobjects/Task/${encodeURIComponent(field)}`, body(records)));
  }

  create(records: readonly TaskRecord[]): Promise<RecordResult[]> {
    return this.collection('collections', (conn) => conn.requestPost('/composite/sobjects', body(records)), { idempotent: false });
  }

  update(records: readonly TaskRecord[]): Promise<RecordResult[]> {
    return this.collection('collections', (conn) => conn.requestPatch('/composite/sobjects', body(records)));
  }

  async find(field: string, values: readonly string[]): Promise<FoundTask[]> {
    const out: FoundTask[] = [];
    const select = ['Id', ...new Set([field, ...TASK_QUERY_FIELDS])].join(', ');
    for (const chunk of soqlChunks(values, (list) => `SELECT ${select} FROM Task WHERE ${field} IN (${list})`)) {
      let page = await this.client.call('soql', (conn) => conn.request<QueryPage>(`/query?q=${encodeURIComponent(chunk)}`));
      for (;;) {
        for (const r of page.records ?? []) {
          const key = r[field];
          if (typeof r.Id === 'string' && typeof key === 'string') out.push({ Id: r.Id, key, fields: plainFields(r) });
        }
        const next = page.nextRecordsUrl;
        if (page.done !== false || !next) break;
        page = await this.client.call('soql', (conn) => conn.request<QueryPage>(next));
      }
    }
    return out;
  }

  private async collection(kind: ApiCallKind, send: (conn: Connection) => Promise<unknown>, options?: CallOptions): Promise<RecordResult[]> {
    const raw = await this.client.call(kind, send, options);
    if (!Array.isArray(raw)) throw Object.assign(new Error('sObject Collections answered something other than a list of results'), { code: 'CRM_BAD_RESPONSE' });
    return (raw as RawResult[]).map(toResult);
  }
}

function body(records: readonly TaskRecord[]): { allOrNone: false; records: Array<Record<string, unknown>> } {
  return { allOrNone: false, records: records.map((r) => ({ attributes: { type: 'Task' }, ...r })) };
}

function toResult(r: RawResult): RecordResult {
  if (r.success) return { ok: true, id: r.id ?? undefined, created: r.created };
  const errors: RecordError[] = (r.errors ?? []).map((e) => ({
    code: e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION',
    message: e.message ?? '',
    fields: e.fields ?? [],
  }));
  return { ok: false, errors: errors.length > 0 ? errors : [{ code: 'UNKNOWN_EXCEPTION', message: 'the record failed without an error', fields: [] }] };
}

function plainFields(r: Record<string, unknown>): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'attributes' && (typeof v === 'string' || typeof v === 'number' || v === null)) out[k] = v;
  return out;
}

/**
 * A SOQL string literal (SOQL and SOSL Reference, "Quoted String Escape Sequences"):
 * backslash escapes for \ ' " and the control characters SOQL names.
 */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' })[c] as string);
  return `'${escaped}'`;
}

/** Queries for all values, each query's URL-encoded text under MAX_ENCODED_SOQL. */
export function soqlChunks(values: readonly string[], query: (list: string) => string): string[] {
  const out: string[] = [];
  let list: string[] = [];
  for (const v of values) {
    const next = [...list, soqlString(v)];
    if (list.length > 0 && encodeURIComponent(query(next.join(', '))).length > MAX_ENCODED_SOQL) {
      out.push(query(list.join(', ')));
      list = [soqlString(v)];
    } else list = next;
  }
  if (list.length > 0) out.push(query(list.join(', ')));
  return out;
}
