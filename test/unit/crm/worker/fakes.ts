/**
 * Fakes for the CRM worker's unit tests: an event log with consumer-group semantics
 * (at-least-once, ack, claim), a Task sink that behaves like Salesforce where the worker
 * depends on it (upsert by external id, TaskSubtype not updateable, per-record errors),
 * and a caller lookup.
 */
import type { CallEvent } from '../../../../src/events/index.js';
import type { CrmEventSource, CrmLoggedEvent } from '../../../../src/crm/ports.js';
import type { CallerLookup, FoundTask, RecordError, RecordResult, TaskRecord, TaskSink } from '../../../../src/crm/worker/worker-ports.js';
import type { CallerMatch } from '../../../../src/crm/worker/task-projection.js';

interface Delivery {
  consumer: string;
  at: number;
}

export class FakeEventSource implements CrmEventSource {
  readonly log: CrmLoggedEvent[] = [];
  readonly acked = new Set<string>();
  readonly ackCalls: string[][] = [];
  private cursor = 0;
  private readonly delivered = new Map<string, Delivery>();
  private wake: (() => void) | undefined;

  append(...events: CallEvent[]): void {
    for (const event of events) this.log.push({ id: String(this.log.length + 1), event });
    this.wake?.();
  }

  /** A restart of the reader: everything unacknowledged is delivered again. */
  restart(): void {
    this.cursor = 0;
    this.delivered.clear();
  }

  async read(_group: string, consumer: string, max: number, blockMs: number): Promise<CrmLoggedEvent[]> {
    const out = this.take(consumer, max);
    if (out.length > 0 || blockMs <= 0) return out;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, blockMs);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
    return this.take(consumer, max);
  }

  async claimStale(_group: string, consumer: string, minIdleMs: number, max: number): Promise<CrmLoggedEvent[]> {
    const out: CrmLoggedEvent[] = [];
    for (const [id, d] of this.delivered) {
      if (out.length >= max) break;
      if (this.acked.has(id) || Date.now() - d.at < minIdleMs) continue;
      d.consumer = consumer;
      d.at = Date.now();
      out.push(this.log[Number(id) - 1] as CrmLoggedEvent);
    }
    return out;
  }

  async ack(_group: string, ids: readonly string[]): Promise<number> {
    this.ackCalls.push([...ids]);
    let n = 0;
    for (const id of ids) {
      if (!this.acked.has(id)) n += 1;
      this.acked.add(id);
    }
    return n;
  }

  async pending(): Promise<number> {
    return this.log.length - this.acked.size;
  }

  async oldestPendingAgeMs(): Promise<number> {
    return 0;
  }

  unacked(): CrmLoggedEvent[] {
    return this.log.filter((e) => !this.acked.has(e.id));
  }

  private take(consumer: string, max: number): CrmLoggedEvent[] {
    const out: CrmLoggedEvent[] = [];
    while (this.cursor < this.log.length && out.length < max) {
      const e = this.log[this.cursor++] as CrmLoggedEvent;
      if (this.acked.has(e.id)) continue;
      this.delivered.set(e.id, { consumer, at: Date.now() });
      out.push(e);
    }
    return out;
  }
}

export interface SinkRequest {
  readonly op: 'upsert' | 'create' | 'update' | 'find';
  readonly n: number;
}

type Fault = { kind: 'throw'; error: unknown } | { kind: 'hang'; release: Promise<void> };

/** Salesforce-like Tasks in memory. */
export class FakeTaskSink implements TaskSink {
  readonly tasks = new Map<string, Record<string, string | number>>();
  readonly requests: SinkRequest[] = [];
  readonly sent: Array<{ op: string; records: TaskRecord[] }> = [];
  private readonly faults: Fault[] = [];
  /** Per-record failures: return an error to fail that record in this request. */
  recordError: ((record: TaskRecord, op: string) => RecordError | undefined) | undefined;
  private nextId = 1;

  failNext(error: unknown): void {
    this.faults.push({ kind: 'throw', error });
  }

  hangNext(release: Promise<void>): void {
    this.faults.push({ kind: 'hang', release });
  }

  byField(field: string, value: string): Array<Record<string, string | number>> {
    return [...this.tasks.values()].filter((t) => t[field] === value);
  }

  async upsert(field: string, records: readonly TaskRecord[]): Promise<RecordResult[]> {
    await this.request('upsert', records);
    return records.map((r) => {
      const err = this.recordError?.(r, 'upsert');
      if (err) return { ok: false, errors: [err] };
      const existing = this.byField(field, String(r[field]))[0];
      if (existing) {
        if ('TaskSubtype' in r) return { ok: false, errors: [{ code: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'Unable to create/update fields: TaskSubtype.', fields: ['TaskSubtype'] }] };
        Object.assign(existing, r);
        return { ok: true, id: String(existing.Id), created: false };
      }
      const id = this.newId();
      this.tasks.set(id, { ...r, Id: id });
      return { ok: true, id, created: true };
    });
  }

  async create(records: readonly TaskRecord[]): Promise<RecordResult[]> {
    await this.request('create', records);
    return records.map((r) => {
      const err = this.recordError?.(r, 'create');
      if (err) return { ok: false, errors: [err] };
      const id = this.newId();
      this.tasks.set(id, { ...r, Id: id });
      return { ok: true, id, created: undefined };
    });
  }

  async update(records: readonly TaskRecord[]): Promise<RecordResult[]> {
    await this.request('update', records);
    return records.map((r) => {
      const err = this.recordError?.(r, 'update');
      if (err) return { ok: false, errors: [err] };
      const existing = this.tasks.get(String(r.Id));
      if (!existing) return { ok: false, errors: [{ code: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
      if ('TaskSubtype' in r) return { ok: false, errors: [{ code: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'Unable to create/update fields: TaskSubtype.', fields: ['TaskSubtype'] }] };
      Object.assign(existing, r);
      return { ok: true, id: String(existing.Id), created: undefined };
    });
  }

  async find(field: string, values: readonly string[]): Promise<FoundTask[]> {
    await this.request('find', values.map((v) => ({ [field]: v })));
    const want = new Set(values);
    return [...this.tasks.values()].filter((t) => want.has(String(t[field]))).map((t) => ({ Id: String(t.Id), key: String(t[field]), fields: { ...t } }));
  }

  private async request(op: SinkRequest['op'], records: readonly TaskRecord[]): Promise<void> {
    this.requests.push({ op, n: records.length });
    if (op !== 'find') this.sent.push({ op, records: records.map((r) => ({ ...r })) });
    const fault = this.faults.shift();
    if (fault?.kind === 'throw') throw fault.error;
    if (fault?.kind === 'hang') await fault.release;
  }

  private newId(): string {
    return `00T${String(this.nextId++).padStart(15, '0')}`;
  }
}

export class FakeLookup implements CallerLookup {
  readonly resolveCalls: string[][] = [];
  readonly createCalls: string[][] = [];
  constructor(readonly known: Map<string, CallerMatch> = new Map(), private readonly createMode: 'contact' | 'none' = 'none') {}

  async resolveMany(e164s: readonly string[]): Promise<ReadonlyMap<string, CallerMatch>> {
    this.resolveCalls.push([...e164s]);
    return new Map(e164s.map((n) => [n, this.known.get(n) ?? {}]));
  }

  async createUnknown(e164s: readonly string[]): Promise<ReadonlyMap<string, CallerMatch>> {
    this.createCalls.push([...e164s]);
    const out = new Map<string, CallerMatch>();
    if (this.createMode === 'none') return out;
    for (const n of e164s) {
      const m: CallerMatch = { whoId: `003NEW${n.slice(1)}`, whoType: 'Contact', accountId: '001UNKNOWNCALLERS', createdByUs: true, name: `${n} ${n}` };
      this.known.set(n, m);
      out.set(n, m);
    }
    return out;
  }
}

/** A SalesforceError-like failure. */
export function sfFailure(code: string, permanent: boolean): Error & { code: string; permanent: boolean; fields: string[] } {
  return Object.assign(new Error(`${code}: injected`), { code, permanent, fields: [] as string[] });
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
