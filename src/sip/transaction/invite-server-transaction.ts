/**
 * The INVITE server transaction: RFC 3261 §17.2.1 with RFC 6026 §7.1's Accepted state.
 *
 *   Proceeding --1xx--> Proceeding
 *   Proceeding --2xx--> Accepted   (timer L; 2xx re-sent over UDP until ackReceived())
 *   Proceeding --3xx-6xx--> Completed (timers G, H)  --ACK--> Confirmed (timer I)
 *
 * Deviation, on purpose: RFC 6026 leaves 2xx retransmission to the TU (RFC 3261
 * §13.3.1.4). Like drachtio-server (sofia-sip), this transaction does it itself: T1
 * doubling up to T2 until the TU reports the ACK, and 'ackTimeout' at 64·T1 otherwise.
 */
import type { SipResponse } from '../message/index.js';
import { ServerTransactionBase } from './server-transaction-base.js';
import { sixtyFourT1 } from './timers.js';

/** What became of an ACK matched to this transaction. */
export type AckDisposition = 'absorbed' | 'to-tu';

export class InviteServerTransaction extends ServerTransactionBase {
  private retransmitInterval = 0;
  private acked = false;

  respond(res: SipResponse): boolean {
    const status = res.status;
    if (this.currentState === 'proceeding') {
      if (status < 200) this.sendResponse(res);
      else if (status < 300) this.enterAccepted(res);
      else this.enterCompleted(res);
      return true;
    }
    if (this.currentState === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §7.1: a 2xx from the TU in Accepted is passed to the transport.
      this.sendResponse(res);
      this.compact(!this.acked && !this.reliable);
      return true;
    }
    return false;
  }

  receiveRetransmission(): void {
    // RFC 3261 §17.2.1: re-send the last provisional or the non-2xx final. In Accepted the
    // INVITE is absorbed silently (RFC 6026 §7.1); the 2xx has its own retransmission.
    if (this.currentState === 'proceeding' || this.currentState === 'completed') this.resendLastResponse();
  }

  /** An ACK with this transaction's identity (same branch, or RFC 2543 match). */
  receiveAck(): AckDisposition {
    switch (this.currentState) {
      case 'completed':
        this.enterConfirmed();
        return 'absorbed';
      case 'accepted':
        // RFC 6026 §7.1: in Accepted the ACK (a 2xx ACK reusing the INVITE branch) goes to the TU.
        return 'to-tu';
      default:
        // Confirmed: a retransmitted ACK. Proceeding: an ACK before any final; nothing to do.
        return 'absorbed';
    }
  }

  override ackReceived(): void {
    if (this.currentState !== 'accepted' || this.acked) return;
    this.acked = true;
    this.stopRetransmit();
    this.dropListeners('ackTimeout');
    // Only absorbing retransmitted INVITEs is left until timer L (RFC 6026 §7.1).
    this.compact(false);
  }

  private enterAccepted(res: SipResponse): void {
    this.currentState = 'accepted';
    this.env.expiry.after(this, sixtyFourT1(this.env.timers), this.onTimerL);
    if (!this.reliable) this.startRetransmission();
    this.sendResponse(res);
    this.compact(!this.reliable);
  }

  private enterCompleted(res: SipResponse): void {
    this.currentState = 'completed';
    this.lifetimeTimer.start(sixtyFourT1(this.env.timers), this.onTimerH);
    // Timer G re-sends it over UDP, and a retransmitted INVITE gets it again (RFC 3261 §17.2.1).
    if (!this.reliable) this.startRetransmission();
    this.sendResponse(res);
    this.compact(true);
  }

  private enterConfirmed(): void {
    this.currentState = 'confirmed';
    this.stopRetransmit();
    this.stopLifetime(); // timer H: the ACK came
    this.compact(false);
    // Timer I absorbs ACK retransmissions; a reliable transport has none (RFC 3261 §17.2.1).
    if (this.reliable) this.terminate();
    else this.env.expiry.after(this, this.env.timers.T4, this.onTimerI);
  }

  /** Timer G for a non-2xx, the 2xx retransmission in Accepted: T1, doubling, capped at T2. */
  private startRetransmission(): void {
    this.retransmitInterval = this.env.timers.T1;
    this.retransmitTimer.start(this.retransmitInterval, this.onRetransmit);
  }

  private onRetransmit(): void {
    this.retransmitInterval = Math.min(2 * this.retransmitInterval, this.env.timers.T2);
    this.retransmitTimer.start(this.retransmitInterval, this.onRetransmit);
    this.resendLastResponse();
  }

  /** RFC 3261 §17.2.1: no ACK for the non-2xx within 64·T1. */
  private onTimerH(): void {
    this.stopRetransmit();
    this.endAfter(() => this.emit('ackTimeout'));
  }

  private onTimerI(): void {
    this.terminate();
  }

  /** RFC 6026 §7.1 timer L; without the TU's ackReceived() it is also the ACK timeout (§13.3.1.4). */
  private onTimerL(): void {
    this.stopRetransmit();
    if (this.acked) this.terminate();
    else this.endAfter(() => this.emit('ackTimeout'));
  }
}
