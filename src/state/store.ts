/**
 * The Store: the runtime state the call path shares between calls (and, with Redis,
 * between gateway processes). Every operation that must be atomic is one method, so an
 * implementation can make it one Lua script or one synchronous step; keys and TTLs are
 * in keys.ts. Two implementations pass one contract suite: MemoryStore (embedded, with a
 * durable snapshot) and RedisStore.
 *
 * Times are relative (`ttlMs`, `expiresInMs`): the store keeps its own clock (the injected
 * Clock, or Redis's TIME), so gateways with skewed clocks agree on what has expired.
 */
import type { Json, JsonObject } from './json.js';

// ── User runtime settings ─────────────────────────────────────────────────────────────

export interface VersionedSettings {
  readonly settings: JsonObject;
  /** 1 after the first put, +1 per put. */
  readonly version: number;
}

export type PutSettingsResult =
  | { readonly ok: true; readonly version: number }
  /** Someone else wrote first: `version` is the current one; re-read, re-apply, retry. */
  | { readonly ok: false; readonly reason: 'conflict'; readonly version: number };

// ── Registrations (RFC 3261 §10.3) ────────────────────────────────────────────────────

/**
 * One contact binding of an address-of-record. Identity within the AOR: the instance
 * (`instanceId` + `regId`, RFC 5626 §6) when given, else the contact URI as the registrar
 * normalised it (RFC 3261 §10.3 step 7 compares with URI equality; the store compares strings).
 */
export interface Binding {
  readonly contact: string;
  readonly callId: string;
  readonly cseq: number;
  readonly instanceId?: string;
  readonly regId?: number;
  readonly q?: number;
  /** Path header values, RFC 3327. */
  readonly path?: readonly string[];
  readonly userAgent?: string;
  /** Where the REGISTER came from (transport:address:port), for connection reuse. */
  readonly source?: string;
}

export interface LiveBinding extends Binding {
  readonly expiresInMs: number;
}

/**
 * `out-of-order`: same Call-ID with a CSeq not above the stored one, so the request must
 * fail (RFC 3261 §10.3 step 7). `too-many`: a new binding would exceed `maxBindings`.
 */
export type PutBindingResult = 'created' | 'updated' | 'out-of-order' | 'too-many';
export type RemoveBindingResult = 'removed' | 'absent' | 'out-of-order';

// ── Digest nonces ─────────────────────────────────────────────────────────────────────

/**
 * - `ok`: issued, still valid, and (with qop) `nc` above every nc seen for it.
 * - `stale`: issued but past its validity: challenge again with stale=true (RFC 7616 §3.3),
 *   so the client retries without asking the user.
 * - `replay`: `nc` not above one already used: reject.
 * - `unknown`: never issued here, or expired so long ago that it is forgotten.
 */
export type NonceUse = 'ok' | 'stale' | 'replay' | 'unknown';

// ── Counters ──────────────────────────────────────────────────────────────────────────

/** The counters the call path keeps; keys.ts gives each its key and TTL policy. */
export type CounterName = 'calls.user' | 'calls.trunk' | 'authfail.user' | 'authfail.source';

export interface CounterIncrOptions {
  /** Default 1. */
  readonly by?: number;
  /** Overrides the table's default TTL. */
  readonly ttlMs?: number;
  /** Refuse (allowed: false, nothing changed) if the new value would exceed it. */
  readonly limit?: number;
}

export interface CounterValue {
  readonly value: number;
  /** Until the counter is forgotten; 0 when it does not exist. */
  readonly ttlMs: number;
}

export interface CounterIncrResult extends CounterValue {
  readonly allowed: boolean;
}

// ── Recent calls ──────────────────────────────────────────────────────────────────────

export interface RecentCall {
  readonly callId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  /** As in call.ended (answered, missed, busy, …). */
  readonly disposition?: string;
  readonly durationS?: number;
  /** The device or target that answered. */
  readonly answeredBy?: string;
  /** A note was added to the call (control API), during or after it. */
  readonly hasNotes?: boolean;
  /** The opportunity the call is tagged with (click-to-call or the control API); the last tag wins. */
  readonly opportunityId?: string;
  /**
   * The last event seq the call has used, once it has ended: the shell records it with the
   * call's end, and events written afterwards (notes, tags, voicemail, recordings) take the
   * next ones through nextRecentCallSeq. Kept here rather than under a key per call, so the
   * store stays bounded by its users (RECENT_CALLS_MAX each), not by the call history.
   */
  readonly lastSeq?: number;
  /**
   * On the callee's entry of an internal call: the owner, whose entry carries `lastSeq`
   * (one counter per call, or two lists would hand out the same seqs).
   */
  readonly seqOwner?: string;
}

export type RecentCallPatch = Partial<Omit<RecentCall, 'callId'>>;

// ── The interface ─────────────────────────────────────────────────────────────────────

export interface Store {
  /** Loads the snapshot / connects. */
  start(): Promise<void>;
  /** Writes a last snapshot / quits. Idempotent. */
  close(): Promise<void>;
  /** Stops now, without a last snapshot. */
  destroy(): void;

  getSettings(userId: string): Promise<VersionedSettings | undefined>;
  /** Writes if the stored version is `expectedVersion` (0: only if none exists yet). */
  putSettings(userId: string, settings: JsonObject, expectedVersion: number): Promise<PutSettingsResult>;

  /** Adds or refreshes a binding for `ttlMs` (> 0), applying RFC 3261 §10.3 ordering. */
  putBinding(aor: string, binding: Binding, ttlMs: number, maxBindings?: number): Promise<PutBindingResult>;
  /** Removes the binding with the same identity (a REGISTER with expires=0). */
  removeBinding(aor: string, binding: Binding): Promise<RemoveBindingResult>;
  /**
   * `Contact: *` with Expires 0 (RFC 3261 §10.3 step 6): removes every binding, or none if
   * one was written by the same Call-ID with a CSeq not below `cseq`. Returns how many.
   */
  removeAllBindings(aor: string, callId: string, cseq: number): Promise<number | 'out-of-order'>;
  /** Live bindings, ordered by identity; expired ones are gone. */
  listBindings(aor: string): Promise<LiveBinding[]>;

  /** Remembers a nonce: valid for `validMs`, then answered `stale` for `staleGraceMs` more. */
  putNonce(nonce: string, validMs: number, staleGraceMs: number): Promise<void>;
  /** Checks and records one use atomically; `nc` null when the request had no qop. */
  useNonce(nonce: string, nc: number | null): Promise<NonceUse>;

  incrCounter(name: CounterName, id: string, options?: CounterIncrOptions): Promise<CounterIncrResult>;
  /** Never below 0; a counter reaching 0 is forgotten. Returns the new value. */
  decrCounter(name: CounterName, id: string, by?: number): Promise<number>;
  getCounter(name: CounterName, id: string): Promise<CounterValue>;
  resetCounter(name: CounterName, id: string): Promise<void>;

  /** Newest first; the list keeps the newest RECENT_CALLS_MAX. */
  pushRecentCall(userId: string, call: RecentCall): Promise<void>;
  /** Merges `patch` into the entry with that callId; false if it is not in the list. */
  updateRecentCall(userId: string, callId: string, patch: RecentCallPatch): Promise<boolean>;
  listRecentCalls(userId: string, limit?: number): Promise<RecentCall[]>;
  /**
   * Atomically raises the entry's `lastSeq` by one and returns it: the call's next event seq.
   * undefined if the call is not in the list or has no `lastSeq` (it has not recorded its end).
   */
  nextRecentCallSeq(userId: string, callId: string): Promise<number | undefined>;

  kvGet(key: string): Promise<Json | undefined>;
  /** Sets with a TTL; with ifAbsent only when the key does not exist. Returns whether it was set. */
  kvSet(key: string, value: Json, ttlMs: number, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
  kvDelete(key: string): Promise<boolean>;
}
