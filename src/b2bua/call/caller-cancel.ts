/**
 * The caller's CANCEL (RFC 3261 §9.2), caught from the moment the INVITE reaches the app.
 *
 * srf emits 'cancel' on the INVITE's request once, synchronously, when the CANCEL comes in,
 * and then forgets the INVITE. The wire protocol is a TCP stream: when the INVITE and its
 * CANCEL arrive in one read (a caller that CANCELs on the 100 Trying, a busy event loop),
 * srf hands the app the INVITE and emits the CANCEL in the same tick, before any `await` of
 * the app has resumed. A listener attached after an await (authentication, the directory
 * lookup) never hears it, and the call would be decided and rung for a caller who left.
 * So the listener is attached in the INVITE handler itself and the CANCEL is latched until
 * the call's session exists.
 */
import type { EventEmitter } from 'node:events';

export class CallerCancel {
  private fired = false;
  private listener: (() => void) | undefined;

  constructor(req: EventEmitter) {
    req.once('cancel', () => {
      this.fired = true;
      const fn = this.listener;
      this.listener = undefined;
      fn?.();
    });
  }

  get cancelled(): boolean {
    return this.fired;
  }

  /** Calls `fn` once the caller has CANCELled: at once if that happened already. */
  onCancel(fn: () => void): void {
    if (this.fired) fn();
    else this.listener = fn;
  }
}
