/**
 * A tiny in-memory org behind SalesforceCaller for unit tests of the lookup: SOSL by
 * phone digits over indexed records only (the search index lags), SOQL for the two
 * queries the lookup issues, sObject Collections create and single create. Every request
 * is recorded by kind.
 */
import type { Connection } from 'jsforce';
import type { ApiCallKind, CallOptions, SalesforceCaller } from '../../../../src/crm/index.js';

export interface OrgRecord {
  Id: string;
  type: 'Contact' | 'Account' | 'Lead';
  indexed: boolean;
  CreatedDate: string;
  LastModifiedDate: string;
  [field: string]: unknown;
}

const PREFIX = { Contact: '003', Account: '001', Lead: '00Q' } as const;

export class FakeOrg implements SalesforceCaller {
  readonly records: OrgRecord[] = [];
  readonly calls: { kind: ApiCallKind; detail: string; options: CallOptions }[] = [];
  /** Indexes new records at once (no search-index lag). */
  indexOnCreate = false;
  /** Per-record errors for the next collections request, by position. */
  collectionErrors: (string | undefined)[] = [];
  /** Held until released: lets a test interleave two workers. */
  gate: Promise<void> | undefined;
  private seq = 0;

  seed(type: OrgRecord['type'], fields: Record<string, unknown>, modified = '2024-01-01T00:00:00.000+0000'): string {
    const Id = `${PREFIX[type]}${String(++this.seq).padStart(15, '0')}`;
    this.records.push({ Id, type, indexed: true, CreatedDate: modified, LastModifiedDate: modified, ...fields });
    return Id;
  }

  indexAll(): void {
    for (const r of this.records) r.indexed = true;
  }

  count(kind: ApiCallKind): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }

  async call<T>(kind: ApiCallKind, fn: (conn: Connection) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const conn = {
      search: async (sosl: string) => { this.calls.push({ kind, detail: sosl, options }); return { searchRecords: this.search(sosl) }; },
      query: async (soql: string) => { this.calls.push({ kind, detail: soql, options }); return { records: this.query(soql), done: true, totalSize: 0 }; },
      requestPost: async (url: string, body: { records: Record<string, unknown>[] }) => {
        this.calls.push({ kind, detail: url, options });
        if (this.gate) await this.gate;
        return body.records.map((r, i) => this.createOne(r, this.collectionErrors[i]));
      },
      sobject: (type: 'Account') => ({
        create: async (fields: Record<string, unknown>) => {
          this.calls.push({ kind, detail: `create ${type}`, options });
          return this.createOne({ attributes: { type }, ...fields }, undefined);
        },
      }),
    } as unknown as Connection;
    return fn(conn);
  }

  private createOne(r: Record<string, unknown>, error: string | undefined) {
    if (error) return { success: false, errors: [{ statusCode: error, message: error, fields: [] }] };
    const { attributes, ...fields } = r as { attributes: { type: OrgRecord['type'] } } & Record<string, unknown>;
    const now = `2024-06-01T00:00:${String(this.seq % 60).padStart(2, '0')}.000+0000`;
    const Id = `${PREFIX[attributes.type]}${String(++this.seq).padStart(15, '0')}`;
    const name = attributes.type === 'Account' ? fields['Name'] : `${String(fields['FirstName'])} ${String(fields['LastName'])}`;
    this.records.push({ Id, type: attributes.type, indexed: this.indexOnCreate, CreatedDate: now, LastModifiedDate: now, Name: name, ...fields });
    return { id: Id, success: true, errors: [] };
  }

  /** FIND {digits} IN PHONE FIELDS RETURNING …: rows whose phone fields contain the digits. */
  private search(sosl: string): Record<string, unknown>[] {
    const term = /FIND \{([^}]*)\}/.exec(sosl)?.[1]?.replace(/\\/g, '') ?? '';
    return this.records
      .filter((r) => r.indexed && sosl.includes(`${r.type}(`))
      .filter((r) => Object.entries(r).some(([k, v]) => /Phone/.test(k) && typeof v === 'string' && v.replace(/\D/g, '').endsWith(term)))
      .map(({ type, indexed: _i, ...fields }) => ({ attributes: { type }, ...fields }));
  }

  private query(soql: string): Record<string, unknown>[] {
    const byName = /FROM (\w+) WHERE Name = '((?:\\.|[^'])*)'/.exec(soql);
    if (byName) return this.records.filter((r) => r.type === byName[1] && r['Name'] === byName[2]?.replace(/\\(.)/g, '$1'));
    const byEmail = /FROM (\w+) WHERE Email IN \(([^)]*)\)/.exec(soql);
    if (byEmail) {
      const emails = new Set([...(byEmail[2] ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1]));
      return this.records.filter((r) => r.type === byEmail[1] && emails.has(String(r['Email'])));
    }
    throw new Error(`FakeOrg: unsupported SOQL ${soql}`);
  }
}
