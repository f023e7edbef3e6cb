/**
 * MemoryStore's snapshot: one JSON document with every live key and the time it had left.
 * Loading subtracts the wall-clock time that passed since the save, so a binding that had
 * 60 s left and a restart that took 20 s leaves 40 s: TTLs hold across restarts even though
 * the store's own Clock is monotonic and starts again at each boot.
 *
 *     {"format":"linegate-store","v":1,"savedAtEpochMs":…,"entries":[[key, entry], …]}
 *
 * A damaged entry is skipped and counted; a document that is not a snapshot is refused.
 */
import { isJsonObject, type Json } from './json.js';
import type { Entry, StoredBinding } from './memory-entry.js';
import type { RecentCall } from './store.js';
import { isBinding, isRecentCall } from './store-values.js';

export interface SnapshotTimes {
  /** The store's Clock. */
  readonly now: number;
  /** Wall clock, epoch ms. */
  readonly epochNow: number;
}

type Obj = { readonly [k: string]: unknown };

export function encodeSnapshot(entries: ReadonlyMap<string, Entry>, t: SnapshotTimes): string {
  const out: Array<[string, Json]> = [];
  for (const [key, e] of entries) {
    const encoded = encodeEntry(e, t.now);
    if (encoded) out.push([key, encoded]);
  }
  return `${JSON.stringify({ format: 'linegate-store', v: 1, savedAtEpochMs: t.epochNow, entries: out })}\n`;
}

/**
 * Work encoded between two yields of encodeSnapshotInSlices, counted in records: an entry is
 * one, a user's recent calls one per call, a binding table one per binding. Counting entries
 * alone did not slice at all where it mattered: the trunk-users load had ~200 entries, each a
 * list of 50 recent calls, and encoded them in one 12–15 ms block (session 4, RESULTS.md).
 */
export const SNAPSHOT_SLICE_RECORDS = 2000;

/**
 * The same document as encodeSnapshot, built a slice at a time with `pause()` between slices,
 * so that a large store does not block the event loop: at 400 calls/s the one-piece encode
 * took 70–90 ms every 30 s (CPU profile of the trunk-users load), long enough to delay every
 * call in flight. The keys are those present when it starts; each entry is encoded whole
 * within one slice, with the time read at that slice, so an entry changed meanwhile is saved
 * as it is when its slice runs (never half-changed) and a TTL is never longer than it really
 * was (the header's savedAtEpochMs is the start: later slices' TTLs are measured from a later
 * `now`, which only shortens them on load). A key deleted meanwhile is left out; one added
 * meanwhile waits for the next snapshot.
 */
export async function encodeSnapshotInSlices(
  entries: ReadonlyMap<string, Entry>,
  times: () => SnapshotTimes,
  pause: () => Promise<void>,
  sliceRecords = SNAPSHOT_SLICE_RECORDS,
): Promise<string> {
  const start = times();
  const keys = [...entries.keys()];
  const parts: string[] = [];
  let now = start.now;
  let done = 0;
  for (const key of keys) {
    if (done >= sliceRecords) {
      await pause();
      now = times().now;
      done = 0;
    }
    const e = entries.get(key); // as it is now: replaced, changed or gone since the start
    if (!e) continue;
    const encoded = encodeEntry(e, now);
    if (encoded) parts.push(JSON.stringify([key, encoded]));
    done += recordsOf(e);
  }
  // Byte for byte what JSON.stringify gives for the whole document (same key order).
  return `{"format":"linegate-store","v":1,"savedAtEpochMs":${JSON.stringify(start.epochNow)},"entries":[${parts.join(',')}]}\n`;
}

function recordsOf(e: Entry): number {
  if (e.kind === 'recent') return Math.max(1, e.calls.length);
  if (e.kind === 'bindings') return Math.max(1, e.table.size);
  return 1;
}

/** undefined when `text` is not a snapshot this code wrote. */
export function decodeSnapshot(text: string, t: SnapshotTimes): { entries: Map<string, Entry>; skipped: number } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(doc) || doc['format'] !== 'linegate-store' || doc['v'] !== 1) return undefined;
  const saved = doc['savedAtEpochMs'];
  const list = doc['entries'];
  if (typeof saved !== 'number' || !Array.isArray(list)) return undefined;
  // Time that passed while the store was down (never negative: a clock set back adds nothing).
  const base = t.now - Math.max(0, t.epochNow - saved);
  const entries = new Map<string, Entry>();
  let skipped = 0;
  for (const item of list) {
    const entry = Array.isArray(item) && typeof item[0] === 'string' ? decodeEntry(item[1], base, t.now) : 'bad';
    if (entry === 'bad') skipped += 1;
    else if (entry) entries.set(item[0] as string, entry);
  }
  return { entries, skipped };
}

function encodeEntry(e: Entry, now: number): Json | undefined {
  switch (e.kind) {
    case 'settings':
      return { kind: e.kind, version: e.version, settings: e.settings };
    case 'bindings': {
      const bindings = [...e.table].filter(([, s]) => s.exp > now).map(([id, s]) => ({ id, ttlMs: s.exp - now, b: s.b as unknown as Json }));
      return bindings.length > 0 ? { kind: e.kind, bindings } : undefined;
    }
    case 'nonce':
      return e.exp > now ? { kind: e.kind, nc: e.nc, graceMs: e.graceMs, ttlMs: e.exp - now } : undefined;
    case 'counter':
      return e.exp > now ? { kind: e.kind, value: e.value, ttlMs: e.exp - now } : undefined;
    case 'recent':
      return e.exp > now ? { kind: e.kind, calls: e.calls as unknown as Json, ttlMs: e.exp - now } : undefined;
    case 'kv':
      return e.exp > now ? { kind: e.kind, value: e.value, ttlMs: e.exp - now } : undefined;
  }
}

/** The entry, undefined if it expired while the store was down, 'bad' if damaged. */
function decodeEntry(x: unknown, base: number, now: number): Entry | undefined | 'bad' {
  if (!isObj(x)) return 'bad';
  const exp = typeof x['ttlMs'] === 'number' ? base + x['ttlMs'] : NaN;
  const live = exp > now;
  switch (x['kind']) {
    case 'settings': {
      const settings = x['settings'];
      return isCount(x['version']) && isJsonObject(settings) ? { kind: 'settings', version: x['version'], settings } : 'bad';
    }
    case 'bindings':
      return decodeBindings(x['bindings'], base, now);
    case 'nonce':
      if (!isCount(x['nc']) || !isCount(x['graceMs']) || Number.isNaN(exp)) return 'bad';
      return live ? { kind: 'nonce', nc: x['nc'], graceMs: x['graceMs'], exp } : undefined;
    case 'counter':
      if (typeof x['value'] !== 'number' || Number.isNaN(exp)) return 'bad';
      return live ? { kind: 'counter', value: x['value'], exp } : undefined;
    case 'recent':
      if (!Array.isArray(x['calls']) || !x['calls'].every(isRecentCall) || Number.isNaN(exp)) return 'bad';
      return live ? { kind: 'recent', calls: x['calls'] as RecentCall[], exp } : undefined;
    case 'kv':
      if (!('value' in x) || Number.isNaN(exp)) return 'bad';
      return live ? { kind: 'kv', value: x['value'] as Json, exp } : undefined;
    default:
      return 'bad';
  }
}

function decodeBindings(list: unknown, base: number, now: number): Entry | undefined | 'bad' {
  if (!Array.isArray(list)) return 'bad';
  const table = new Map<string, StoredBinding>();
  for (const item of list) {
    if (!isObj(item) || typeof item['id'] !== 'string' || typeof item['ttlMs'] !== 'number' || !isBinding(item['b'])) return 'bad';
    const exp = base + item['ttlMs'];
    if (exp > now) table.set(item['id'], { exp, b: item['b'] });
  }
  return table.size > 0 ? { kind: 'bindings', table } : undefined;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
