/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2):
 *
 *   Trying --1xx--> Proceeding --final--> Completed --timer K--> Terminated
 *   Trying/Proceeding --timer F--> Terminated (onTimeout)
 *
 * A CANCEL created before the INVITE's first provisional starts in 'held' and is only
 * sent by start() (RFC 3261 §9.1).
 */
import type { SipResponse } from '../message/index.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import type { HeldClientTransaction } from './transaction-env.js';
import { sixtyFourT1 } from './timers.js';
import type { Source } from './types.js';

export class NonInviteClientTransaction extends ClientTransactionBase implements HeldClientTransaction {
  start(): void {
    if (this.currentState !== 'held') return;
    this.currentState = 'trying';
    this.lifetimeTimer.start(sixtyFourT1(this.env.timers), this.onTimerF);
    if (!this.reliable) {
      this.retransmitInterval = this.env.timers.T1;
      this.retransmitTimer.start(this.retransmitInterval, this.onTimerE);
    }
    this.transmitRequest();
  }

  receiveResponse(res: SipResponse, src: Source): void {
    if (this.currentState !== 'trying' && this.currentState !== 'proceeding') return; // Completed absorbs
    if (res.status < 200) {
      this.currentState = 'proceeding';
      this.handler.onResponse(res, src);
      return;
    }
    this.currentState = 'completed';
    this.stopTimers();
    this.releaseRequest();
    // Timer K absorbs response retransmissions over UDP; 0 on a reliable transport.
    if (!this.reliable) this.env.expiry.after(this, this.env.timers.T4, this.onTimerK);
    if (this.reliable) this.endAfter(() => this.handler.onResponse(res, src));
    else this.handler.onResponse(res, src);
  }

  /** RFC 3261 §17.1.2.2: doubling up to T2 while Trying; every T2 once Proceeding. */
  private onTimerE(): void {
    const { T2 } = this.env.timers;
    this.retransmitInterval = this.currentState === 'proceeding' ? T2 : Math.min(2 * this.retransmitInterval, T2);
    this.retransmitTimer.start(this.retransmitInterval, this.onTimerE);
    this.transmitRequest();
  }

  private onTimerF(): void {
    this.stopRetransmit();
    this.endAfter(() => this.handler.onTimeout());
  }

  private onTimerK(): void {
    this.terminate();
  }
}
