export type { Json, JsonObject } from './json.js';
export type {
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
export { bindingId, COUNTERS, RECENT_CALLS_MAX, RECENT_CALLS_TTL_MS } from './keys.js';
export type { CounterTtl } from './keys.js';
export { MemoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { RedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
