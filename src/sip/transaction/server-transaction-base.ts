/**
 * What the INVITE and non-INVITE server transactions share: identity, the last
 * response (re-sent when the request is retransmitted), typed events and termination.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import { TimerSlot } from './timer-slot.js';
import { newTransactionId } from './transaction-id.js';
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

export abstract class ServerTransactionBase implements ServerTransaction {
  readonly id = newTransactionId('s');
  private last: SipResponse | undefined;
  protected currentState: ServerTransactionState;
  protected readonly reliable: boolean;
  /** Timer G (or the 2xx retransmission) for INVITE; unused for non-INVITE. */
  protected readonly retransmitTimer: TimerSlot;
  /** The timer that ends the current state: H, I, L (INVITE) or J (non-INVITE). */
  protected readonly lifetimeTimer: TimerSlot;
  // Allocated on first on(): most transactions never get a listener.
  private listeners: ListenerLists | undefined;

  constructor(
    protected readonly env: TransactionEnv,
    /** The key of this transaction in the layer's map. */
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Source,
    readonly responseDestination: Destination,
    initial: ServerTransactionState,
  ) {
    this.currentState = initial;
    this.reliable = source.protocol !== 'udp';
    this.retransmitTimer = new TimerSlot(env.clock);
    this.lifetimeTimer = new TimerSlot(env.clock);
  }

  get state(): ServerTransactionState {
    return this.currentState;
  }

  get lastResponse(): SipResponse | undefined {
    return this.last;
  }

  abstract respond(res: SipResponse): boolean;

  /** The request arrived again: absorb it, re-sending the last response where the RFC says so. */
  abstract receiveRetransmission(): void;

  ackReceived(): void {
    // Only the INVITE server transaction has anything to stop.
  }

  on<K extends EventName>(event: K, listener: ServerTransactionEvents[K]): this {
    this.listeners ??= {};
    const list = (this.listeners[event] ??= []) as Array<ServerTransactionEvents[K]>;
    list.push(listener);
    return this;
  }

  off<K extends EventName>(event: K, listener: ServerTransactionEvents[K]): this {
    const list = this.listeners?.[event] as Array<ServerTransactionEvents[K]> | undefined;
    const i = list ? list.indexOf(listener) : -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
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

  private stopTimers(): void {
    this.retransmitTimer.stop();
    this.lifetimeTimer.stop();
  }
}
