/**
 * The org's data: records by type and Id, an index on unique/external-ID fields (what upsert
 * matches on and what DUPLICATE_VALUE is checked against), and nested transactions so that
 * allOrNone requests can roll back (REST API Developer Guide, 'allOrNone Parameters in
 * Composite and Collections Requests').
 *
 * Records are immutable values; a write replaces the record. A transaction is an undo log of
 * the records it replaced, so a rollback costs what the transaction touched, not the org size.
 */
import type { SfValue } from './emulator-options.js';

/** What the search index holds for one version of a record: the digits of its phone fields. */
export interface SearchVersion {
  /** When this version was written (wall ms); it becomes searchable at `at + lag`. */
  readonly at: number;
  readonly phoneDigits: readonly string[];
}

export interface OrgRecord {
  readonly type: string;
  readonly id: string;
  /** Stored (writable and defaulted) fields under their canonical names; system fields live below. */
  readonly fields: Readonly<Record<string, SfValue>>;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly createdById: string;
  readonly modifiedById: string;
  readonly searchVersions: readonly SearchVersion[];
}

export interface IndexedField {
  readonly name: string;
  readonly caseSensitive: boolean;
}

type Undo = { readonly type: string; readonly id: string; readonly previous: OrgRecord | undefined };

export class OrgStore {
  private readonly byType = new Map<string, Map<string, OrgRecord>>();
  private readonly index = new Map<string, Map<string, Set<string>>>();
  private readonly transactions: Undo[][] = [];

  constructor(private readonly indexedFields: (type: string) => readonly IndexedField[]) {}

  get(type: string, id: string): OrgRecord | undefined {
    return this.byType.get(type)?.get(id);
  }

  all(type: string): OrgRecord[] {
    return [...(this.byType.get(type)?.values() ?? [])];
  }

  /** Ids of the records of `type` whose indexed `field` equals `value` (case rules of the field). */
  findBy(type: string, field: IndexedField, value: SfValue): string[] {
    if (value === null) return [];
    return [...(this.index.get(indexKey(type, field.name))?.get(normalize(field, value)) ?? [])];
  }

  put(record: OrgRecord): void {
    const table = this.table(record.type);
    const previous = table.get(record.id);
    this.transactions.at(-1)?.push({ type: record.type, id: record.id, previous });
    this.reindex(record.type, record.id, previous, record);
    table.set(record.id, record);
  }

  begin(): void {
    this.transactions.push([]);
  }

  /** Ends the innermost transaction keeping its writes (they join the enclosing one, if any). */
  commit(): void {
    const log = this.transactions.pop();
    if (log) this.transactions.at(-1)?.push(...log);
  }

  /** Ends the innermost transaction undoing its writes, newest first. */
  rollback(): void {
    const log = this.transactions.pop() ?? [];
    for (let i = log.length - 1; i >= 0; i--) {
      const { type, id, previous } = log[i]!;
      const table = this.table(type);
      this.reindex(type, id, table.get(id), previous);
      if (previous) table.set(id, previous);
      else table.delete(id);
    }
  }

  private table(type: string): Map<string, OrgRecord> {
    let table = this.byType.get(type);
    if (!table) {
      table = new Map();
      this.byType.set(type, table);
    }
    return table;
  }

  private reindex(type: string, id: string, from: OrgRecord | undefined, to: OrgRecord | undefined): void {
    for (const field of this.indexedFields(type)) {
      const key = indexKey(type, field.name);
      let values = this.index.get(key);
      if (!values) {
        values = new Map();
        this.index.set(key, values);
      }
      const before = from?.fields[field.name];
      if (before !== undefined && before !== null) values.get(normalize(field, before))?.delete(id);
      const after = to?.fields[field.name];
      if (after !== undefined && after !== null) {
        const v = normalize(field, after);
        let ids = values.get(v);
        if (!ids) {
          ids = new Set();
          values.set(v, ids);
        }
        ids.add(id);
      }
    }
  }
}

function indexKey(type: string, field: string): string {
  return `${type}\u0000${field}`;
}

function normalize(field: IndexedField, value: SfValue): string {
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}
