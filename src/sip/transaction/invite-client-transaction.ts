/**
 * The INVITE client transaction: RFC 3261 §17.1.1 with RFC 6026 §7.2's Accepted state.
 *
 *   Calling --1xx--> Proceeding --2xx--> Accepted (timer M; further 2xx go to the handler)
 *   Calling/Proceeding --3xx-6xx--> Completed (ACK sent; timer D re-sends it per retransmission)
 *   Calling --timer B--> Terminated (onTimeout)
 *
 * CANCEL (RFC 3261 §9.1) is built here and run as its own non-INVITE client transaction.
 */
import { keepBytes, keptBuffer } from '../message/index.js';
import type { KeptBytes, SipHeader, SipRequest, SipResponse } from '../message/index.js';
import { buildAck } from './build-ack.js';
import { buildCancel } from './build-cancel.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import type { ClientEnv, HeldClientTransaction } from './transaction-env.js';
import { sixtyFourT1, timerD } from './timers.js';
import type { ClientTransaction, ClientTransactionHandler, Destination, Source } from './types.js';

const IGNORE = (): void => {};
/** The CANCEL's handler when the TU gave none: one object for all, not one per CANCEL. */
const IGNORING: ClientTransactionHandler = Object.freeze({ onResponse: IGNORE, onTimeout: IGNORE, onTransportError: IGNORE });

export class InviteClientTransaction extends ClientTransactionBase {
  private ack: SipRequest | undefined;
  /** The ACK as bytes once compacted (TransactionLayerOptions.compact). */
  private ackBytes: KeptBytes | undefined;
  private cancelTx: HeldClientTransaction | undefined;

  constructor(
    private readonly clientEnv: ClientEnv,
    key: string,
    branch: string,
    /** The INVITE's top Via value and CSeq number, reused by the ACK and the CANCEL (released at the final). */
    private topVia: string,
    private readonly cseq: number,
    request: SipRequest,
    destination: Destination,
    handler: ClientTransactionHandler,
  ) {
    super(clientEnv, key, branch, request, destination, handler, 'calling');
  }

  start(): void {
    this.lifetimeTimer.start(sixtyFourT1(this.env.timers), this.onTimerB);
    if (!this.reliable) {
      this.retransmitInterval = this.env.timers.T1;
      this.retransmitTimer.start(this.retransmitInterval, this.onTimerA);
    }
    this.transmitRequest();
  }

  receiveResponse(res: SipResponse, src: Source): void {
    switch (this.currentState) {
      case 'calling':
      case 'proceeding':
        if (res.status < 200) this.onProvisional(res, src);
        else if (res.status < 300) this.enterAccepted(res, src);
        else this.enterCompleted(res, src);
        return;
      case 'accepted':
        // RFC 6026 §7.2: every 2xx (retransmission, or another fork's) goes to the TU.
        if (res.status >= 200 && res.status < 300) this.handler.onResponse(res, src);
        return;
      case 'completed':
        // RFC 3261 §17.1.1.2: a retransmitted final is answered with the ACK again.
        if (res.status >= 300) this.resendAck();
        return;
      default:
        return;
    }
  }

  override cancel(extraHeaders?: SipHeader[], handler?: Partial<ClientTransactionHandler>): ClientTransaction | null {
    if (this.cancelTx) return this.cancelTx;
    if (this.currentState !== 'calling' && this.currentState !== 'proceeding') return null;
    const cancel = buildCancel(this.request, this.topVia, this.cseq, extraHeaders);
    const tx = this.clientEnv.createCancel(this, cancel, completeHandler(handler));
    if (!tx) return null;
    this.cancelTx = tx;
    // RFC 3261 §9.1: no CANCEL before a provisional response; it waits in 'held'.
    if (this.currentState === 'proceeding') this.sendCancel();
    return tx;
  }

  override terminate(): void {
    this.dropHeldCancel();
    super.terminate();
  }

  override destroy(): void {
    this.cancelTx = undefined;
    super.destroy();
  }

  private onProvisional(res: SipResponse, src: Source): void {
    if (this.currentState === 'calling') {
      this.currentState = 'proceeding';
      // RFC 3261 §17.1.1.2: retransmission stops, and timer B only covers Calling.
      this.stopRetransmit();
      this.stopLifetime();
      if (this.cancelTx?.state === 'held') this.sendCancel();
    }
    this.handler.onResponse(res, src);
  }

  private enterAccepted(res: SipResponse, src: Source): void {
    this.currentState = 'accepted';
    this.stopTimers();
    this.dropHeldCancel();
    this.releaseRequest();
    this.topVia = ''; // no CANCEL or ACK is built from it any more
    this.env.expiry.after(this, sixtyFourT1(this.env.timers), this.onTimerM);
    this.handler.onResponse(res, src);
  }

  private enterCompleted(res: SipResponse, src: Source): void {
    this.currentState = 'completed';
    this.stopTimers();
    this.dropHeldCancel();
    const ack = buildAck(this.request, this.topVia, this.cseq, res);
    this.topVia = ''; // no CANCEL or ACK is built from it any more
    if (!this.reliable) this.env.expiry.after(this, timerD(this.env.timers), this.onTimerD);
    this.env.transmit(ack, this.destination, this);
    // Timer D only re-sends this ACK: keep its bytes rather than the INVITE (TransactionLayerOptions.compact).
    const c = this.env.compact;
    if (c) this.ackBytes = keepBytes(c.serialize(ack));
    else this.ack = ack;
    this.releaseRequest();
    if (this.reliable) this.endAfter(() => this.handler.onResponse(res, src));
    else this.handler.onResponse(res, src);
  }

  private resendAck(): void {
    if (this.ack) this.env.transmit(this.ack, this.destination, this);
    else if (this.ackBytes) this.env.compact?.transmitBytes(keptBuffer(this.ackBytes), this.destination, this);
  }

  private sendCancel(): void {
    // RFC 3261 §9.1: with no final 64·T1 after the CANCEL, give the INVITE up as timed out.
    this.lifetimeTimer.start(sixtyFourT1(this.env.timers), this.onCancelExpired);
    this.cancelTx?.start();
  }

  /**
   * At the final (or the end): a CANCEL still held is never sent, and one already sent runs
   * on in the layer without us. Not kept either way: the CANCEL's transaction would otherwise
   * stay reachable, long terminated, for the rest of timer D or M (32 s).
   */
  private dropHeldCancel(): void {
    if (this.cancelTx?.state === 'held') this.cancelTx.terminate();
    this.cancelTx = undefined;
  }

  private onTimerA(): void {
    // Timer A doubles without the T2 cap (RFC 3261 §17.1.1.2).
    this.retransmitInterval *= 2;
    this.retransmitTimer.start(this.retransmitInterval, this.onTimerA);
    this.transmitRequest();
  }

  private onTimerB(): void {
    this.stopRetransmit();
    this.endAfter(() => this.handler.onTimeout());
  }

  private onCancelExpired(): void {
    this.endAfter(() => this.handler.onTimeout());
  }

  private onTimerD(): void {
    this.terminate();
  }

  private onTimerM(): void {
    this.terminate();
  }
}

/** The CANCEL's handler: whatever the TU gave, no-ops for the rest (called as methods, keeping `this`). */
function completeHandler(h: Partial<ClientTransactionHandler> | undefined): ClientTransactionHandler {
  if (!h) return IGNORING;
  return {
    onResponse: (res, src) => h.onResponse?.(res, src),
    onTimeout: () => h.onTimeout?.(),
    onTransportError: (error) => h.onTransportError?.(error),
    onTerminated: () => h.onTerminated?.(),
  };
}
