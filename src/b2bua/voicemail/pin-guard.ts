/**
 * PIN checks for mailbox retrieval, with a lockout kept in the Store (so it holds across
 * calls, gateway processes and restarts): after `pinMaxFailures` wrong PINs in a row the
 * mailbox is locked for `pinLockMs`, whatever PIN is then entered.
 *
 * The Store's counters have a fixed set of names; until a voicemail one is added (see
 * docs/voicemail.md) the failures are counted as `authfail.user` under the id
 * `voicemail-pin:<userId>`, apart from the user's SIP Digest failures (id `<userId>`).
 * The window is fixed from the first failure; reaching the limit restarts it so that the
 * lock lasts `pinLockMs` from the failure that locked it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../../state/index.js';

export const pinCounterId = (userId: string): string => `voicemail-pin:${userId}`;

export type PinCheck = 'ok' | 'wrong' | 'locked';

export class PinGuard {
  constructor(
    private readonly store: Store,
    private readonly maxFailures: number,
    private readonly lockMs: number,
  ) {}

  async isLocked(userId: string): Promise<boolean> {
    const c = await this.store.getCounter('authfail.user', pinCounterId(userId));
    return c.value >= this.maxFailures;
  }

  /** `wrong` when this failure did not lock the mailbox yet; `locked` when it is (now or already). */
  async check(userId: string, expected: string, entered: string): Promise<PinCheck> {
    if (await this.isLocked(userId)) return 'locked';
    if (expected.length > 0 && samePin(expected, entered)) {
      await this.store.resetCounter('authfail.user', pinCounterId(userId));
      return 'ok';
    }
    const r = await this.store.incrCounter('authfail.user', pinCounterId(userId), { ttlMs: this.lockMs });
    if (r.value < this.maxFailures) return 'wrong';
    await this.store.resetCounter('authfail.user', pinCounterId(userId));
    await this.store.incrCounter('authfail.user', pinCounterId(userId), { by: r.value, ttlMs: this.lockMs });
    return 'locked';
  }
}

/** Constant-time for equal lengths, so the PIN cannot be guessed digit by digit from timing. */
function samePin(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
