/**
 * Every key the Store writes, with its Redis type and TTL policy: the one table to read
 * before touching Redis by hand or adding state. MemoryStore uses the same keys, so its
 * snapshot and a Redis KEYS listing read alike. RedisStore prepends its `prefix`
 * (default `linegate:`). Each operation touches one key, so the layout works on a
 * Redis Cluster without hash tags.
 *
 * | key                              | Redis type | written by                  | TTL |
 * |----------------------------------|------------|-----------------------------|-----|
 * | `settings:<userId>`              | hash v, s  | putSettings                 | none: users' settings live until replaced |
 * | `reg:<aor>`                      | hash       | putBinding / removeBinding  | each binding its own expiry (REGISTER Expires); the key lives as long as its longest binding |
 * | `nonce:<nonce>`                  | hash nc, grace | putNonce / useNonce     | validMs + staleGraceMs from putNonce |
 * | `counter:calls:user:<userId>`    | string int | incr/decrCounter            | sliding, 4 h: refreshed by every incr, so a crashed gateway's calls fade out |
 * | `counter:calls:trunk:<trunkId>`  | string int | incr/decrCounter            | sliding, 4 h |
 * | `counter:authfail:user:<userId>` | string int | incrCounter                 | fixed window, 15 min from the first failure: the lockout window |
 * | `counter:authfail:source:<addr>` | string int | incrCounter                 | fixed window, 15 min |
 * | `recent:<userId>`                | list JSON  | push/updateRecentCall, nextRecentCallSeq | 30 days, refreshed by each push; newest RECENT_CALLS_MAX kept |
 * | `kv:<key>`                       | string JSON| kvSet                       | ttlMs from kvSet |
 *
 * An ended call's last event seq lives in its RecentCall (`lastSeq`), not under a key of
 * its own: earlier versions wrote `kv:call-seq:<callId>` (and `kv:call-seq:<callId>:<seq>`)
 * per call; such keys still load from a snapshot or Redis and simply expire (30 days).
 *
 * Values inside `reg:<aor>`: field = binding identity (bindingId), value =
 * `{"exp":<expiry, ms on the store's clock>,"b":<Binding JSON>}`.
 */
import type { Binding, CounterName } from './store.js';

export const settingsKey = (userId: string): string => `settings:${userId}`;
export const registrationKey = (aor: string): string => `reg:${aor}`;
export const nonceKey = (nonce: string): string => `nonce:${nonce}`;
export const recentCallsKey = (userId: string): string => `recent:${userId}`;
export const kvKey = (key: string): string => `kv:${key}`;

export type CounterTtl = 'sliding' | 'fixed';

const HOUR = 3600_000;
const MINUTE = 60_000;

export const COUNTERS: Readonly<Record<CounterName, { readonly prefix: string; readonly ttl: CounterTtl; readonly defaultTtlMs: number }>> = {
  'calls.user': { prefix: 'counter:calls:user:', ttl: 'sliding', defaultTtlMs: 4 * HOUR },
  'calls.trunk': { prefix: 'counter:calls:trunk:', ttl: 'sliding', defaultTtlMs: 4 * HOUR },
  'authfail.user': { prefix: 'counter:authfail:user:', ttl: 'fixed', defaultTtlMs: 15 * MINUTE },
  'authfail.source': { prefix: 'counter:authfail:source:', ttl: 'fixed', defaultTtlMs: 15 * MINUTE },
};

export const counterKey = (name: CounterName, id: string): string => `${COUNTERS[name].prefix}${id}`;

/** Recent calls kept per user. */
export const RECENT_CALLS_MAX = 50;
export const RECENT_CALLS_TTL_MS = 30 * 24 * HOUR;

/** A binding's identity within its AOR: the instance (RFC 5626 §6) if any, else the contact. */
export function bindingId(b: Binding): string {
  return b.instanceId === undefined ? `contact ${b.contact}` : `instance ${b.instanceId} ${b.regId ?? 0}`;
}
