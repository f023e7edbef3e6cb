/**
 * What the INVITE and non-INVITE client transactions share: identity, the request's
 * retransmission timer (A or E), the lifetime timer (B, D, F, K, M), and termination.
 */
import { LinegateError } from '../../shared/index.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/index.js';
import { TimedTransaction } from './timed-transaction.js';
import { nextTransactionNumber, transactionId } from './transaction-id.js';
import type { TransactionEnv } from './transaction-env.js';
import type {
  ClientTransaction,
  ClientTransactionHandler,
  ClientTransactionState,
  Destination,
  Source,
} from './types.js';

export abstract class ClientTransactionBase extends TimedTransaction implements ClientTransaction {
  private readonly number = nextTransactionNumber();
  protected currentState: ClientTransactionState;
  protected readonly reliable: boolean;
  protected retransmitInterval = 0;
  private req: SipRequest | undefined;

  constructor(
    env: TransactionEnv,
    /** The key of this transaction in the layer's map. */
    readonly key: string,
    readonly branch: string,
    request: SipRequest,
    readonly destination: Destination,
    protected readonly handler: ClientTransactionHandler,
    initial: ClientTransactionState,
  ) {
    super(env);
    this.req = request;
    this.currentState = initial;
    this.reliable = destination.protocol !== 'udp';
  }

  get id(): string {
    return transactionId('c', this.number);
  }

  get state(): ClientTransactionState {
    return this.currentState;
  }

  get request(): SipRequest {
    if (!this.req) throw new LinegateError('SIP_TX_RELEASED', `transaction ${this.id} released its request after the final response`);
    return this.req;
  }

  /** Past the final nothing re-sends the request: let it go when compaction is on (TransactionLayerOptions.compact). */
  protected releaseRequest(): void {
    if (this.env.compact) this.req = undefined;
  }

  abstract start(): void;

  abstract receiveResponse(res: SipResponse, src: Source): void;

  cancel(_extraHeaders?: SipHeader[], _handler?: Partial<ClientTransactionHandler>): ClientTransaction | null {
    return null;
  }

  /**
   * RFC 3261 §17.1.4: a transport failure ends the transaction and is reported to the TU.
   * Once the final response has been delivered the outcome is known: only ACKs are left to
   * send, and a lost one is recovered by the server's retransmission, so nothing is reported.
   */
  failTransport(error: string): void {
    const s = this.currentState;
    if (s === 'terminated' || s === 'completed' || s === 'accepted') return;
    this.stopTimers();
    this.endAfter(() => this.handler.onTransportError(error));
  }

  /** Ends the transaction: timers stopped, removed from the layer, onTerminated called. */
  terminate(): void {
    if (this.currentState === 'terminated') return;
    this.currentState = 'terminated';
    this.stopTimers();
    this.env.release(this.key, this);
    this.handler.onTerminated?.();
  }

  /** close(): stop everything silently; the layer clears its maps itself. */
  destroy(): void {
    this.currentState = 'terminated';
    this.stopTimers();
  }

  protected transmitRequest(): void {
    this.env.transmit(this.request, this.destination, this);
  }

  /** Runs a TU notification, then terminates even if the TU threw (no leaked transaction). */
  protected endAfter(notify: () => void): void {
    try {
      notify();
    } finally {
      this.terminate();
    }
  }
}
