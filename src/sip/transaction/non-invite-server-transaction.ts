/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2):
 *
 *   Trying --1xx--> Proceeding --final--> Completed --timer J--> Terminated
 *
 * Responses are never retransmitted on a timer; a retransmitted request gets the last
 * response again (none while Trying).
 */
import type { SipResponse } from '../message/index.js';
import { ServerTransactionBase } from './server-transaction-base.js';
import { sixtyFourT1 } from './timers.js';

export class NonInviteServerTransaction extends ServerTransactionBase {
  respond(res: SipResponse): boolean {
    if (this.currentState !== 'trying' && this.currentState !== 'proceeding') return false;
    if (res.status < 200) {
      this.currentState = 'proceeding';
      this.sendResponse(res);
      return true;
    }
    this.currentState = 'completed';
    // Timer J: 64·T1 absorbs request retransmissions over UDP; 0 on a reliable transport.
    if (!this.reliable) this.env.expiry.after(this, sixtyFourT1(this.env.timers), this.onTimerJ);
    this.sendResponse(res);
    if (this.reliable) this.terminate();
    else this.compact(true);
    return true;
  }

  receiveRetransmission(): void {
    if (this.currentState === 'proceeding' || this.currentState === 'completed') this.resendLastResponse();
  }

  private onTimerJ(): void {
    this.terminate();
  }
}
