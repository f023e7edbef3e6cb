/**
 * Lockout after repeated authentication failures, per user and per source address,
 * kept in the Store so that every gateway sharing it agrees.
 *
 * - Failures are counted in `authfail.user` / `authfail.source` with a fixed window
 *   (`windowS`, from the first failure: keys.ts).
 * - Reaching `maxFailures` in the window locks for `durationS`: a `lockout:<scope>:<id>`
 *   key with that TTL, so the lock lifts by itself. The counter restarts at 0.
 * - While locked, every attempt is answered 403 without looking at the password, and is
 *   still counted: whoever keeps knocking during the lock starts the next window with
 *   those failures, so the first wrong password after the lift locks again.
 *
 * Users are keyed by the username they gave, known or not, so an unknown name locks
 * exactly like a known one (no user enumeration through lockout either).
 */
import type { RegistrarSettings } from '../../config/index.js';
import type { CounterName, Store } from '../../state/index.js';

export type LockScope = 'user' | 'source';

const COUNTER: Record<LockScope, CounterName> = { user: 'authfail.user', source: 'authfail.source' };

export class Lockout {
  private readonly windowMs: number;
  private readonly durationMs: number;

  constructor(private readonly store: Store, private readonly limits: RegistrarSettings['lockout']) {
    this.windowMs = limits.windowS * 1000;
    this.durationMs = limits.durationS * 1000;
  }

  async isLocked(scope: LockScope, id: string): Promise<boolean> {
    return (await this.store.kvGet(lockKey(scope, id))) !== undefined;
  }

  /** An attempt while locked: counted, nothing else. */
  async countLocked(scope: LockScope, id: string): Promise<void> {
    await this.store.incrCounter(COUNTER[scope], id, { ttlMs: this.windowMs });
  }

  /** Counts a failure for both; returns the scope that became locked (user first), if any. */
  async fail(username: string, source: string): Promise<LockScope | undefined> {
    const user = await this.countAndMaybeLock('user', username);
    const src = await this.countAndMaybeLock('source', source);
    return user ? 'user' : src ? 'source' : undefined;
  }

  /** A success clears the user's failures; the source's stay (one good account must not shield guessing at others). */
  async succeed(username: string): Promise<void> {
    await this.store.resetCounter(COUNTER.user, username);
  }

  private async countAndMaybeLock(scope: LockScope, id: string): Promise<boolean> {
    const { value } = await this.store.incrCounter(COUNTER[scope], id, { ttlMs: this.windowMs });
    if (value < this.limits.maxFailures) return false;
    await this.store.kvSet(lockKey(scope, id), { lockedBy: value }, this.durationMs);
    await this.store.resetCounter(COUNTER[scope], id);
    return true;
  }
}

export function lockKey(scope: LockScope, id: string): string {
  return `lockout:${scope}:${id}`;
}
