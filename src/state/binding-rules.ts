/**
 * The registrar's binding rules (RFC 3261 §10.3 steps 6–7) on one AOR's table. MemoryStore
 * runs them directly; RedisStore runs the same rules as Lua (redis-scripts.ts), and both
 * pass the same contract tests.
 */
import { bindingId } from './keys.js';
import type { StoredBinding } from './memory-entry.js';
import type { Binding, LiveBinding, PutBindingResult, RemoveBindingResult } from './store.js';

export type BindingTable = Map<string, StoredBinding>;

/** Drops expired bindings. */
export function prune(table: BindingTable, now: number): void {
  for (const [id, s] of table) if (s.exp <= now) table.delete(id);
}

/**
 * §10.3 step 7: a binding with the same Call-ID is only replaced by a higher CSeq; a
 * different Call-ID replaces it outright (the UA rebooted).
 */
function outOfOrder(stored: Binding, callId: string, cseq: number): boolean {
  return stored.callId === callId && stored.cseq >= cseq;
}

export function putBindingIn(table: BindingTable, b: Binding, ttlMs: number, now: number, maxBindings?: number): PutBindingResult {
  prune(table, now);
  const id = bindingId(b);
  const stored = table.get(id);
  if (stored && outOfOrder(stored.b, b.callId, b.cseq)) return 'out-of-order';
  if (!stored && maxBindings !== undefined && table.size >= maxBindings) return 'too-many';
  table.set(id, { exp: now + ttlMs, b });
  return stored ? 'updated' : 'created';
}

export function removeBindingIn(table: BindingTable, b: Binding, now: number): RemoveBindingResult {
  prune(table, now);
  const id = bindingId(b);
  const stored = table.get(id);
  if (!stored) return 'absent';
  if (outOfOrder(stored.b, b.callId, b.cseq)) return 'out-of-order';
  table.delete(id);
  return 'removed';
}

/** §10.3 step 6 (`Contact: *`): all or nothing. */
export function removeAllIn(table: BindingTable, callId: string, cseq: number, now: number): number | 'out-of-order' {
  prune(table, now);
  for (const s of table.values()) if (outOfOrder(s.b, callId, cseq)) return 'out-of-order';
  const n = table.size;
  table.clear();
  return n;
}

export function liveBindings(table: BindingTable, now: number): LiveBinding[] {
  prune(table, now);
  return [...table.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => ({ ...s.b, expiresInMs: s.exp - now }));
}
