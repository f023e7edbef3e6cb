/**
 * One string instance per distinct value, for values that repeat across many long-lived
 * records: the peer address "203.0.113.7" on every transaction and dialog of a trunk, say.
 * Node hands out a new string for each datagram's source address, and at 360 calls/s the
 * engine kept ~70,000 copies of "127.0.0.1" for the 32 s its completed transactions last
 * (load-tests/RESULTS.md). An entry is stored as ownString(value), so the table never keeps
 * a message alive through a slice; it is a BoundedCache, which bounds it whatever comes in.
 */
import { BoundedCache } from './bounded-cache.js';
import { ownString } from './own-string.js';

export class StringInterner {
  private readonly table: BoundedCache<string>;

  constructor(readonly capacity: number) {
    this.table = new BoundedCache(capacity);
  }

  intern(s: string): string {
    const known = this.table.get(s);
    if (known !== undefined) return known;
    const own = ownString(s);
    this.table.set(own, own, true);
    return own;
  }

  get size(): number {
    return this.table.size;
  }
}
