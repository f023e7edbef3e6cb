/**
 * RedisStore: the distributed Store on ioredis. Keys as in keys.ts under `prefix`; the
 * read-modify-write operations are Lua scripts (redis-scripts.ts), the multi-command
 * writes MULTI transactions. Values are JSON; whatever comes back from Redis is checked
 * before it is handed on, so a hand-edited key is skipped rather than crashing a call.
 * The store owns the client it is given: close() quits it.
 */
import type { Redis } from 'ioredis';
import { LinegateError } from '../shared/index.js';
import { isJsonObject, parseJson, type Json, type JsonObject } from './json.js';
import { bindingId, COUNTERS, counterKey, kvKey, nonceKey, RECENT_CALLS_MAX, RECENT_CALLS_TTL_MS, recentCallsKey, registrationKey, settingsKey } from './keys.js';
import {
  DECR_COUNTER,
  INCR_COUNTER,
  LIST_BINDINGS,
  NEXT_RECENT_CALL_SEQ,
  PUT_BINDING,
  PUT_SETTINGS,
  REMOVE_ALL_BINDINGS,
  REMOVE_BINDING,
  UPDATE_RECENT_CALL,
  USE_NONCE,
} from './redis-scripts.js';
import { isBinding, isRecentCall } from './store-values.js';
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

export interface RedisStoreOptions {
  readonly redis: Redis;
  /** Default `linegate:`. */
  readonly prefix?: string;
}

export class RedisStore implements Store {
  private readonly redis: Redis;
  private readonly prefix: string;
  private closing: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'linegate:';
  }

  async start(): Promise<void> {
    await this.redis.ping();
  }

  close(): Promise<void> {
    this.closing ??= this.redis.status === 'end' ? Promise.resolve() : this.redis.quit().then(() => undefined, () => undefined);
    return this.closing;
  }

  destroy(): void {
    this.redis.disconnect();
    this.closing ??= Promise.resolve();
  }

  async getSettings(userId: string): Promise<VersionedSettings | undefined> {
    const [v, s] = await this.redis.hmget(this.k(settingsKey(userId)), 'v', 's');
    const settings = s === null || s === undefined ? undefined : parseJson(s);
    if (v === null || v === undefined || !isJsonObject(settings)) return undefined;
    return { settings, version: Number(v) };
  }

  async putSettings(userId: string, settings: JsonObject, expectedVersion: number): Promise<PutSettingsResult> {
    const reply = await PUT_SETTINGS.run(this.redis, this.k(settingsKey(userId)), [expectedVersion, JSON.stringify(settings)]);
    const [ok, version] = ints(reply, 2, 'PUT_SETTINGS');
    return ok === 1 ? { ok: true, version: version as number } : { ok: false, reason: 'conflict', version: version as number };
  }

  async putBinding(aor: string, binding: Binding, ttlMs: number, maxBindings?: number): Promise<PutBindingResult> {
    const args = [bindingId(binding), JSON.stringify(binding), binding.callId, binding.cseq, Math.ceil(ttlMs), maxBindings ?? ''];
    return oneOf(await PUT_BINDING.run(this.redis, this.k(registrationKey(aor)), args), ['created', 'updated', 'out-of-order', 'too-many']);
  }

  async removeBinding(aor: string, binding: Binding): Promise<RemoveBindingResult> {
    const args = [bindingId(binding), binding.callId, binding.cseq];
    return oneOf(await REMOVE_BINDING.run(this.redis, this.k(registrationKey(aor)), args), ['removed', 'absent', 'out-of-order']);
  }

  async removeAllBindings(aor: string, callId: string, cseq: number): Promise<number | 'out-of-order'> {
    const [n] = ints([await REMOVE_ALL_BINDINGS.run(this.redis, this.k(registrationKey(aor)), [callId, cseq])], 1, 'REMOVE_ALL_BINDINGS');
    return n === -1 ? 'out-of-order' : (n as number);
  }

  async listBindings(aor: string): Promise<LiveBinding[]> {
    const flat = await LIST_BINDINGS.run(this.redis, this.k(registrationKey(aor)), []);
    if (!Array.isArray(flat)) throw badReply('LIST_BINDINGS');
    const out: Array<[string, LiveBinding]> = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const stored = parseJson(String(flat[i + 1]));
      const b: unknown = isJsonObject(stored) ? stored['b'] : undefined;
      if (isBinding(b)) out.push([String(flat[i]), { ...b, expiresInMs: Number(flat[i + 2]) }]);
    }
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, b]) => b);
  }

  async putNonce(nonce: string, validMs: number, staleGraceMs: number): Promise<void> {
    const key = this.k(nonceKey(nonce));
    await this.redis.multi().del(key).hset(key, 'nc', 0, 'grace', Math.ceil(staleGraceMs)).pexpire(key, Math.ceil(validMs + staleGraceMs)).exec();
  }

  async useNonce(nonce: string, nc: number | null): Promise<NonceUse> {
    return oneOf(await USE_NONCE.run(this.redis, this.k(nonceKey(nonce)), [nc ?? '']), ['ok', 'stale', 'replay', 'unknown']);
  }

  async incrCounter(name: CounterName, id: string, options: CounterIncrOptions = {}): Promise<CounterIncrResult> {
    const ttlMs = Math.ceil(options.ttlMs ?? COUNTERS[name].defaultTtlMs);
    const args = [options.by ?? 1, ttlMs, options.limit ?? '', COUNTERS[name].ttl === 'sliding' ? '1' : '0'];
    const [allowed, value, left] = ints(await INCR_COUNTER.run(this.redis, this.k(counterKey(name, id)), args), 3, 'INCR_COUNTER');
    return { allowed: allowed === 1, value: value as number, ttlMs: Math.max(0, left as number) };
  }

  async decrCounter(name: CounterName, id: string, by = 1): Promise<number> {
    return Number(await DECR_COUNTER.run(this.redis, this.k(counterKey(name, id)), [by]));
  }

  async getCounter(name: CounterName, id: string): Promise<CounterValue> {
    const key = this.k(counterKey(name, id));
    const [value, left] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return value === null ? { value: 0, ttlMs: 0 } : { value: Number(value), ttlMs: Math.max(0, left) };
  }

  async resetCounter(name: CounterName, id: string): Promise<void> {
    await this.redis.del(this.k(counterKey(name, id)));
  }

  async pushRecentCall(userId: string, call: RecentCall): Promise<void> {
    const key = this.k(recentCallsKey(userId));
    await this.redis.multi().lpush(key, JSON.stringify(call)).ltrim(key, 0, RECENT_CALLS_MAX - 1).pexpire(key, RECENT_CALLS_TTL_MS).exec();
  }

  async updateRecentCall(userId: string, callId: string, patch: RecentCallPatch): Promise<boolean> {
    const reply = await UPDATE_RECENT_CALL.run(this.redis, this.k(recentCallsKey(userId)), [callId, JSON.stringify(patch)]);
    return Number(reply) === 1;
  }

  async nextRecentCallSeq(userId: string, callId: string): Promise<number | undefined> {
    const seq = Number(await NEXT_RECENT_CALL_SEQ.run(this.redis, this.k(recentCallsKey(userId)), [callId]));
    return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
  }

  async listRecentCalls(userId: string, limit = RECENT_CALLS_MAX): Promise<RecentCall[]> {
    if (limit <= 0) return [];
    const raw = await this.redis.lrange(this.k(recentCallsKey(userId)), 0, limit - 1);
    return raw.map((r): unknown => parseJson(r)).filter(isRecentCall);
  }

  async kvGet(key: string): Promise<Json | undefined> {
    const raw = await this.redis.get(this.k(kvKey(key)));
    return raw === null ? undefined : parseJson(raw);
  }

  async kvSet(key: string, value: Json, ttlMs: number, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    const k = this.k(kvKey(key));
    const json = JSON.stringify(value);
    const ms = Math.max(1, Math.ceil(ttlMs));
    const reply = options.ifAbsent ? await this.redis.set(k, json, 'PX', ms, 'NX') : await this.redis.set(k, json, 'PX', ms);
    return reply === 'OK';
  }

  async kvDelete(key: string): Promise<boolean> {
    return (await this.redis.del(this.k(kvKey(key)))) > 0;
  }

  private k(key: string): string {
    return `${this.prefix}${key}`;
  }
}

function ints(reply: unknown, n: number, what: string): number[] {
  if (!Array.isArray(reply) || reply.length < n) throw badReply(what);
  return reply.slice(0, n).map((x) => {
    const v = Number(x);
    if (!Number.isFinite(v)) throw badReply(what);
    return v;
  });
}

function oneOf<const T extends string>(reply: unknown, allowed: readonly T[]): T {
  if (typeof reply === 'string' && (allowed as readonly string[]).includes(reply)) return reply as T;
  throw badReply(allowed.join('|'));
}

function badReply(what: string): LinegateError {
  return new LinegateError('STORE_REDIS_REPLY', `unexpected reply from Redis for ${what}`);
}
