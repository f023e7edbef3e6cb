import { ownString } from './own-string.js';

/**
 * A cache of at most `capacity` entries in two generations: new entries go into `young`;
 * when it holds half the capacity it becomes `old` and the previous `old` is dropped. A hit
 * in `old` moves the entry to `young`, so the entries in use survive each turnover and the
 * rest are dropped a generation later. Every operation is a Map get/set/delete: no iterating
 * for the least recently used entry (with Map insertion order that means skipping the holes
 * deletes leave at the front of V8's table, which grows expensive under churn).
 */
export class BoundedCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generation: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`BoundedCache capacity must be a whole number ≥ 1, got ${capacity}`);
    this.generation = Math.ceil(capacity / 2);
  }

  /** Entries held: at most `capacity`. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      // Moved up from the old generation: a copy of its own again, as on a miss.
      this.old.delete(key);
      this.add(ownString(key), aged);
    }
    return aged;
  }

  /**
   * @param ownKey the key is already a string of its own (ownString), e.g. when it is the
   *   value too (StringInterner): it is stored as given instead of copied once more.
   */
  set(key: string, value: V, ownKey = false): void {
    this.old.delete(key);
    this.add(ownKey ? key : ownString(key), value);
  }

  /** `key` is a string of its own: a caller's key may be a slice of a SIP message, which the entry would keep alive (own-string.ts). */
  private add(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}

