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
      this.old.delete(key);
      this.add(key, aged);
    }
    return aged;
  }

  set(key: string, value: V): void {
    this.old.delete(key);
    this.add(key, value);
  }

  private add(key: string, value: V): void {
    // A key of its own: a caller's key may be a slice of a SIP message, which the entry would
    // keep alive (own-string.ts). Only on a miss or a move up from the old generation.
    this.young.set(ownString(key), value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}

