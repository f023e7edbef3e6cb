/**
 * What the INVITE and non-INVITE server transactions share: identity, the last
 * response (re-sent when the request is retransmitted), typed events and termination.
 */
import { LinegateError } from '../../shared/index.js';
import { keepBytes, keptBuffer } from '../message/index.js';
import type { KeptBytes, SipRequest, SipResponse } from '../message/index.js';
import { headerTag } from './message-fields.js';
import { isRfc2543Key } from './server-key.js';
import { TimedTransaction } from './timed-transaction.js';
import { nextTransactionNumber, transactionId } from './transaction-id.js';
import type { TransactionEnv } from './transaction-env.js';
import type {
  Destination,
  ServerTransaction,
  ServerTransactionEvents,
  ServerTransactionState,
  Source,
} from './types.js';

type EventName = keyof ServerTransactionEvents;
type ListenerLists = { [K in EventName]?: Array<ServerTransactionEvents[K]> };

export abstract class ServerTransactionBase extends TimedTransaction implements ServerTransaction {
  private readonly number = nextTransactionNumber();
  tuData: unknown = undefined;
  private req: SipRequest | undefined;
  private last: SipResponse | undefined;
  /** After compaction: the last response as bytes (undefined once nothing is left to re-send). */
  private lastBytes: KeptBytes | undefined;
  /**
   * After compaction: the To tag of the last response, for RFC 2543 ACK matching
   * (transaction-layer.ts matchAck). Only a transaction with an RFC 2543 key keeps it.
   */
  private compactedToTag: string | undefined;
  protected currentState: ServerTransactionState;
  protected readonly reliable: boolean;
  // Allocated on first on(): most transactions never get a listener.
  private listeners: ListenerLists | undefined;

  constructor(
    env: TransactionEnv,
    /** The key of this transaction in the layer's map. */
    readonly key: string,
    request: SipRequest,
    readonly source: Source,
    readonly responseDestination: Destination,
    initial: ServerTransactionState,
  ) {
    super(env);
    this.req = request;
    this.currentState = initial;
    this.reliable = source.protocol !== 'udp';
  }

  get id(): string {
    return transactionId('s', this.number);
  }

  get state(): ServerTransactionState {
    return this.currentState;
  }

  get request(): SipRequest {
    if (!this.req) throw new LinegateError('SIP_TX_RELEASED', `transaction ${this.id} released its request after the final response`);
    return this.req;
  }

  get lastResponse(): SipResponse | undefined {
    return this.last;
  }

  /** The To tag of the last response sent ('' without one), undefined before any. */
  lastToTag(): string | undefined {
    return this.last ? headerTag(this.last, 'to') : this.compactedToTag;
  }

  abstract respond(res: SipResponse): boolean;

  /** The request arrived again: absorb it, re-sending the last response where the RFC says so. */
  abstract receiveRetransmission(): void;

  ackReceived(): void {
    // Only the INVITE server transaction has anything to stop.
  }

  on<K extends EventName>(event: K, listener: ServerTransactionEvents[K]): this {
    this.listeners ??= {};
    const list = this.listeners[event] as Array<ServerTransactionEvents[K]> | undefined;
    // The usual single listener in an array of one: `[]` then push() reserves 17 slots, kept
    // for the transaction's 32 s after the call.
    if (list) list.push(listener);
    else (this.listeners[event] as Array<ServerTransactionEvents[K]>) = [listener];
    return this;
  }

  off<K extends EventName>(event: K, listener: ServerTransactionEvents[K]): this {
    const list = this.listeners?.[event] as Array<ServerTransactionEvents[K]> | undefined;
    const i = list ? list.indexOf(listener) : -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
  }

  /** Forgets the listeners of an event that can no longer happen (they may hold the TU's state). */
  protected dropListeners(event: EventName): void {
    if (this.listeners) this.listeners[event] = undefined;
  }

  /** The owner could not send one of our responses (RFC 3261 §17.2.4): tell the TU, end. */
  failTransport(error: string): void {
    if (this.currentState === 'terminated') return;
    this.stopTimers();
    this.endAfter(() => this.emit('transportError', error));
  }

  /** Ends the transaction: timers stopped, removed from the layer, 'terminated' emitted. */
  terminate(): void {
    if (this.currentState === 'terminated') return;
    this.currentState = 'terminated';
    this.stopTimers();
    this.env.release(this.key, this);
    this.emit('terminated');
  }

  /** close(): stop everything silently; the layer clears its maps itself. */
  destroy(): void {
    this.currentState = 'terminated';
    this.stopTimers();
  }

  protected sendResponse(res: SipResponse): void {
    this.last = res;
    this.env.transmit(res, this.responseDestination, this);
  }

  protected resendLastResponse(): void {
    if (this.last) this.env.transmit(this.last, this.responseDestination, this);
    else if (this.lastBytes) this.env.compact?.transmitBytes(keptBuffer(this.lastBytes), this.responseDestination, this);
  }

  /**
   * Past the final response only re-sending it (or nothing) is left: with compaction on,
   * keep its bytes (`keepLast`) and a To tag, and let the parsed messages go (see
   * TransactionLayerOptions.compact). The bytes are kept as a one-byte string (kept.ts): one
   * heap object, and no slice of Node's shared 8 kB Buffer pool pinned for 32 s.
   */
  protected compact(keepLast: boolean): void {
    const c = this.env.compact;
    if (!c) return;
    if (this.last) {
      if (isRfc2543Key(this.key)) this.compactedToTag = headerTag(this.last, 'to');
      this.lastBytes = keepLast ? keepBytes(c.serialize(this.last)) : undefined;
    } else if (!keepLast) {
      this.lastBytes = undefined;
    }
    this.last = undefined;
    this.req = undefined;
  }

  /** Runs a TU notification, then terminates even if the TU threw (no leaked transaction). */
  protected endAfter(notify: () => void): void {
    try {
      notify();
    } finally {
      this.terminate();
    }
  }

  protected emit<K extends EventName>(event: K, ...args: Parameters<ServerTransactionEvents[K]>): void {
    const list = this.listeners?.[event];
    if (!list || list.length === 0) return;
    for (const listener of list.slice()) {
      (listener as (...a: Parameters<ServerTransactionEvents[K]>) => void)(...args);
    }
  }
}
