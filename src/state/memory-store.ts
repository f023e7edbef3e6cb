/**
 * MemoryStore: the embedded Store. Everything lives in one Map under the keys of keys.ts;
 * every operation runs in one synchronous step, which is what makes it atomic. TTLs run
 * on the injected Clock (expired keys vanish on access and in a periodic sweep).
 *
 * Durability: with `snapshotPath`, a snapshot is written every `snapshotIntervalMs` when
 * something changed and on close() (temp file, fsync, rename, fsync dir), and loaded by
 * start(). What changed after the last snapshot is lost if the process is killed: nonces,
 * counters and recent calls tolerate that, and phones re-REGISTER.
 */
import { readFile } from 'node:fs/promises';
import { LinegateError, systemClock, type Clock, type TimerHandle } from '../shared/index.js';
import { liveBindings, prune, putBindingIn, removeAllIn, removeBindingIn, type BindingTable } from './binding-rules.js';
import { writeFileDurably } from '../shared/index.js';
import type { Json, JsonObject } from './json.js';
import { COUNTERS, counterKey, kvKey, nonceKey, RECENT_CALLS_MAX, RECENT_CALLS_TTL_MS, recentCallsKey, registrationKey, settingsKey } from './keys.js';
import { entryExpiry, type Entry, type EntryKind, type EntryOf } from './memory-entry.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotInSlices } from './store-snapshot.js';
import type {
  Binding,
  CounterIncrOptions,
  CounterIncrResult,
  CounterName,
  CounterValue,
  LiveBinding,
  NonceUse,
  PutBindingResult,
  PutSettingsResult,
  RecentCall,
  RecentCallPatch,
  RemoveBindingResult,
  Store,
  VersionedSettings,
} from './store.js';

export interface MemoryStoreOptions {
  readonly clock?: Clock;
  /** Wall clock, epoch ms: only to age TTLs over the time the store was down. */
  readonly epochNow?: () => number;
  /** Without it the store is memory only. */
  readonly snapshotPath?: string;
  /** Default 30 s. */
  readonly snapshotIntervalMs?: number;
  /** How often expired keys are dropped. Default 60 s. */
  readonly sweepIntervalMs?: number;
  /** A periodic snapshot failed (the next one retries); the composition root logs it. */
  readonly onSnapshotError?: (error: unknown) => void;
}

export class MemoryStore implements Store {
  private entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly epochNow: () => number;
  private timers: { snapshot?: TimerHandle; sweep?: TimerHandle } = {};
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;
  private skippedOnLoad = 0;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.epochNow = options.epochNow ?? Date.now;
  }

  async start(): Promise<void> {
    const path = this.options.snapshotPath;
    if (path) await this.load(path);
    this.scheduleSweep();
    if (path) this.scheduleSnapshot();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  destroy(): void {
    this.closed = true;
    this.stopTimers();
    this.closing ??= Promise.resolve();
  }

  /** Keys held (expired ones not yet swept included) and entries skipped as damaged when the snapshot was loaded. */
  stats(): { keys: number; skippedOnLoad: number } {
    return { keys: this.entries.size, skippedOnLoad: this.skippedOnLoad };
  }

  /** Writes a snapshot now (when configured), encoded in one piece; resolves once it is durable. */
  snapshot(): Promise<void> {
    return this.writeSnapshot(() => Promise.resolve(encodeSnapshot(this.entries, this.times())));
  }

  private times(): { now: number; epochNow: number } {
    return { now: this.clock.now(), epochNow: this.epochNow() };
  }

  /**
   * Writes are chained, so a later snapshot (close()'s) always lands after an earlier one
   * whose encoding was still running in slices.
   */
  private writeSnapshot(encode: () => Promise<string>): Promise<void> {
    const path = this.options.snapshotPath;
    if (!path) return Promise.resolve();
    this.dirty = false;
    const text = encode();
    const write = this.writing.catch(() => undefined).then(() => text).then((t) => writeFileDurably(path, t));
    write.catch(() => (this.dirty = true)); // so the next period tries again
    this.writing = write;
    return write;
  }

  /** The periodic snapshot: encoded a slice at a time so a big store never blocks the event loop for long. */
  private periodicSnapshot(): Promise<void> {
    return this.writeSnapshot(() => encodeSnapshotInSlices(this.entries, () => this.times(), yieldToLoop));
  }

  async getSettings(userId: string): Promise<VersionedSettings | undefined> {
    const e = this.get(settingsKey(userId), 'settings');
    return e && { settings: copy(e.settings), version: e.version };
  }

  async putSettings(userId: string, settings: JsonObject, expectedVersion: number): Promise<PutSettingsResult> {
    const key = settingsKey(userId);
    const current = this.get(key, 'settings')?.version ?? 0;
    if (current !== expectedVersion) return { ok: false, reason: 'conflict', version: current };
    this.set(key, { kind: 'settings', version: current + 1, settings: copy(settings) });
    return { ok: true, version: current + 1 };
  }

  async putBinding(aor: string, binding: Binding, ttlMs: number, maxBindings?: number): Promise<PutBindingResult> {
    return this.withBindings(aor, (table, now) => putBindingIn(table, copy(binding), ttlMs, now, maxBindings));
  }

  async removeBinding(aor: string, binding: Binding): Promise<RemoveBindingResult> {
    return this.withBindings(aor, (table, now) => removeBindingIn(table, binding, now));
  }

  async removeAllBindings(aor: string, callId: string, cseq: number): Promise<number | 'out-of-order'> {
    return this.withBindings(aor, (table, now) => removeAllIn(table, callId, cseq, now));
  }

  async listBindings(aor: string): Promise<LiveBinding[]> {
    return this.withBindings(aor, (table, now) => liveBindings(table, now).map(copy));
  }

  async putNonce(nonce: string, validMs: number, staleGraceMs: number): Promise<void> {
    this.set(nonceKey(nonce), { kind: 'nonce', nc: 0, graceMs: staleGraceMs, exp: this.clock.now() + validMs + staleGraceMs });
  }

  async useNonce(nonce: string, nc: number | null): Promise<NonceUse> {
    const e = this.get(nonceKey(nonce), 'nonce');
    if (!e) return 'unknown';
    if (e.exp - this.clock.now() <= e.graceMs) return 'stale';
    if (nc === null) return 'ok';
    if (nc <= e.nc) return 'replay';
    e.nc = nc;
    this.dirty = true;
    return 'ok';
  }

  async incrCounter(name: CounterName, id: string, options: CounterIncrOptions = {}): Promise<CounterIncrResult> {
    const key = counterKey(name, id);
    const now = this.clock.now();
    const by = options.by ?? 1;
    const ttlMs = options.ttlMs ?? COUNTERS[name].defaultTtlMs;
    const e = this.get(key, 'counter');
    const value = e?.value ?? 0;
    if (options.limit !== undefined && value + by > options.limit) {
      return { allowed: false, value, ttlMs: e ? e.exp - now : 0 };
    }
    if (!e) {
      this.set(key, { kind: 'counter', value: by, exp: now + ttlMs });
      return { allowed: true, value: by, ttlMs };
    }
    e.value += by;
    if (COUNTERS[name].ttl === 'sliding') e.exp = now + ttlMs;
    this.dirty = true;
    return { allowed: true, value: e.value, ttlMs: e.exp - now };
  }

  async decrCounter(name: CounterName, id: string, by = 1): Promise<number> {
    const key = counterKey(name, id);
    const e = this.get(key, 'counter');
    if (!e) return 0;
    e.value -= by;
    this.dirty = true;
    if (e.value > 0) return e.value;
    this.entries.delete(key);
    return 0;
  }

  async getCounter(name: CounterName, id: string): Promise<CounterValue> {
    const e = this.get(counterKey(name, id), 'counter');
    return e ? { value: e.value, ttlMs: e.exp - this.clock.now() } : { value: 0, ttlMs: 0 };
  }

  async resetCounter(name: CounterName, id: string): Promise<void> {
    this.assertOpen();
    if (this.entries.delete(counterKey(name, id))) this.dirty = true;
  }

  async pushRecentCall(userId: string, call: RecentCall): Promise<void> {
    const key = recentCallsKey(userId);
    const calls = [copy(call), ...(this.get(key, 'recent')?.calls ?? [])].slice(0, RECENT_CALLS_MAX);
    this.set(key, { kind: 'recent', calls, exp: this.clock.now() + RECENT_CALLS_TTL_MS });
  }

  async updateRecentCall(userId: string, callId: string, patch: RecentCallPatch): Promise<boolean> {
    const e = this.get(recentCallsKey(userId), 'recent');
    const i = e?.calls.findIndex((c) => c.callId === callId) ?? -1;
    if (!e || i < 0) return false;
    // The entry's own callId, not the argument: the caller's is typically read off a parsed
    // INVITE, and a substring keeps that whole message alive for as long as the entry lives
    // (50 calls per user; src/shared/own-string.ts). The patch cannot rename the call either.
    const entry = e.calls[i] as RecentCall;
    e.calls[i] = { ...entry, ...copy(patch), callId: entry.callId };
    this.dirty = true;
    return true;
  }

  async nextRecentCallSeq(userId: string, callId: string): Promise<number | undefined> {
    const e = this.get(recentCallsKey(userId), 'recent');
    const i = e?.calls.findIndex((c) => c.callId === callId) ?? -1;
    const last = e?.calls[i]?.lastSeq;
    if (!e || last === undefined) return undefined;
    e.calls[i] = { ...(e.calls[i] as RecentCall), lastSeq: last + 1 };
    this.dirty = true;
    return last + 1;
  }

  async listRecentCalls(userId: string, limit = RECENT_CALLS_MAX): Promise<RecentCall[]> {
    return (this.get(recentCallsKey(userId), 'recent')?.calls ?? []).slice(0, Math.max(0, limit)).map(copy);
  }

  async kvGet(key: string): Promise<Json | undefined> {
    const e = this.get(kvKey(key), 'kv');
    return e && copy(e.value);
  }

  async kvSet(key: string, value: Json, ttlMs: number, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    const k = kvKey(key);
    if (options.ifAbsent && this.get(k, 'kv')) return false;
    this.set(k, { kind: 'kv', value: copy(value), exp: this.clock.now() + ttlMs });
    return true;
  }

  async kvDelete(key: string): Promise<boolean> {
    const k = kvKey(key);
    const existed = this.get(k, 'kv') !== undefined;
    if (existed) this.set(k, undefined);
    return existed;
  }

  private withBindings<T>(aor: string, fn: (table: BindingTable, now: number) => T): T {
    const key = registrationKey(aor);
    const table = this.get(key, 'bindings')?.table ?? new Map();
    const result = fn(table, this.clock.now());
    this.set(key, table.size > 0 ? { kind: 'bindings', table } : undefined);
    return result;
  }

  /** The live entry under `key`, dropping it if it expired. */
  private get<K extends EntryKind>(key: string, kind: K): EntryOf<K> | undefined {
    this.assertOpen();
    const e = this.entries.get(key);
    if (!e || e.kind !== kind) return undefined;
    const exp = entryExpiry(e);
    if (exp !== undefined && exp <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e as EntryOf<K>;
  }

  private set(key: string, e: Entry | undefined): void {
    this.assertOpen();
    if (e) this.entries.set(key, e);
    else this.entries.delete(key);
    this.dirty = true;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, e] of this.entries) {
      if (e.kind === 'bindings') prune(e.table, now);
      const exp = entryExpiry(e);
      if ((exp !== undefined && exp <= now) || (e.kind === 'bindings' && e.table.size === 0)) this.entries.delete(key);
    }
  }

  private async load(path: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const snap = decodeSnapshot(text, { now: this.clock.now(), epochNow: this.epochNow() });
    if (!snap) {
      throw new LinegateError('STORE_SNAPSHOT_CORRUPT', `${path} is not a store snapshot this version can read; move it aside to start with an empty store`);
    }
    this.entries = snap.entries;
    this.skippedOnLoad = snap.skipped;
  }

  private scheduleSweep(): void {
    this.timers.sweep = this.clock.setTimeout(() => {
      this.sweep();
      this.scheduleSweep();
    }, this.options.sweepIntervalMs ?? 60_000);
  }

  private scheduleSnapshot(): void {
    this.timers.snapshot = this.clock.setTimeout(() => {
      if (this.dirty) this.periodicSnapshot().catch((e: unknown) => this.options.onSnapshotError?.(e));
      this.scheduleSnapshot();
    }, this.options.snapshotIntervalMs ?? 30_000);
  }

  private stopTimers(): void {
    this.clock.clearTimeout(this.timers.snapshot);
    this.clock.clearTimeout(this.timers.sweep);
    this.timers = {};
  }

  private async shutdown(): Promise<void> {
    this.stopTimers();
    const last = this.snapshot(); // encodes now, so nothing written before close() is missed
    this.closed = true;
    await last;
  }

  private assertOpen(): void {
    if (this.closed) throw new LinegateError('STORE_CLOSED', 'the store is closed');
  }
}

/** A deep copy through JSON, so callers never share objects with the store and values stay JSON, as in Redis. */
function copy<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Lets the I/O queued meanwhile run (setImmediate: after the poll phase, not starving it). */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
