/**
 * What MemoryStore keeps under each key of keys.ts. `exp` is an instant on the store's
 * Clock (monotonic ms); snapshots turn it into time left (store-snapshot.ts).
 */
import type { Json, JsonObject } from './json.js';
import type { Binding, RecentCall } from './store.js';

export interface StoredBinding {
  readonly exp: number;
  readonly b: Binding;
}

export type Entry =
  | { readonly kind: 'settings'; readonly version: number; readonly settings: JsonObject }
  | { readonly kind: 'bindings'; readonly table: Map<string, StoredBinding> }
  | { readonly kind: 'nonce'; nc: number; readonly graceMs: number; readonly exp: number }
  | { readonly kind: 'counter'; value: number; exp: number }
  | { readonly kind: 'recent'; calls: RecentCall[]; exp: number }
  | { readonly kind: 'kv'; readonly value: Json; readonly exp: number };

export type EntryKind = Entry['kind'];
export type EntryOf<K extends EntryKind> = Extract<Entry, { kind: K }>;

/** When the whole entry expires; undefined for settings (never) and bindings (per binding). */
export function entryExpiry(e: Entry): number | undefined {
  return e.kind === 'settings' || e.kind === 'bindings' ? undefined : e.exp;
}
