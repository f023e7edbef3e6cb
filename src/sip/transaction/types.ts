/**
 * Public types of the transaction layer (RFC 3261 §17 as amended by RFC 6026).
 *
 * Source and Destination are declared here, structurally identical to the transport
 * layer's, so that this folder does not depend on src/sip/transport: the owner of the
 * layer passes the transport's values straight through.
 */
import type { Clock } from '../../shared/index.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from '../message/index.js';

/** Where a message came from. `tcp` is reliable, `udp` is not (RFC 3261 §17). */
export type Source = {
  protocol: 'udp' | 'tcp';
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  connectionId?: string;
};

/** Where a message goes. For TCP, `connectionId` names the connection to reuse. */
export type Destination = {
  protocol: 'udp' | 'tcp';
  address: string;
  port: number;
  connectionId?: string;
};

/** RFC 3261 §17.1.1.1 and table 4; milliseconds. */
export interface TimerConfig {
  T1: number;
  T2: number;
  T4: number;
}

export interface TransactionLayerOptions {
  clock: Clock;
  timers?: Partial<TimerConfig>;
  /**
   * The owner serialises and sends. It must not throw; a failure is reported back with
   * TransactionLayer.transportError(tx, error), `tx` being the third argument given here.
   */
  transmit(msg: SipMessage, dest: Destination, tx: ServerTransaction | ClientTransaction): void;
  /**
   * Optional, for memory: with it, a transaction that is past its final response keeps
   * only the bytes it may still have to re-send (the final, or the ACK to a non-2xx), not
   * the parsed messages. Transactions live 64·T1 (32 s) after their final (timers D, H, J,
   * L, M; RFC 6026), so at hundreds of calls a second the parsed messages would otherwise
   * be most of the live heap and make every full GC long. `serialize` must return the
   * bytes `transmit` would send; `transmitBytes` sends them like `transmit` does.
   */
  compact?: TransactionCompaction;
  /**
   * Send every response over UDP to the packet's source port, as if the request's top Via
   * had carried `rport` (RFC 3581 §4; sofia's "server_rport = 2"). Default false: the
   * source port only when `rport` is present, otherwise the sent-by port (RFC 3261 §18.2.2).
   */
  forceRport?: boolean;
}

export interface TransactionCompaction {
  serialize(msg: SipMessage): Buffer;
  transmitBytes(bytes: Buffer, dest: Destination, tx: ServerTransaction | ClientTransaction): void;
}

/** The layer's user: the dialog/engine layer above (RFC 3261 §17 "TU"). */
export interface TransactionUser {
  /** A new request: not an ACK, not a CANCEL, not a retransmission. */
  onRequest(req: SipRequest, src: Source, stx: ServerTransaction): void;
  /**
   * An ACK no INVITE server transaction absorbed: the ACK to a 2xx (RFC 3261 §17.2.3,
   * its own branch) or one matching an INVITE transaction in the RFC 6026 Accepted state.
   */
  onAck(req: SipRequest, src: Source): void;
  /**
   * A new CANCEL (its own non-INVITE server transaction) and the INVITE server transaction
   * it matches per RFC 3261 §9.2, if any. The TU answers it (200, or 481 if `invite` is
   * undefined) through `cancelStx`.
   */
  onCancel(cancel: SipRequest, src: Source, cancelStx: ServerTransaction, invite: ServerTransaction | undefined): void;
  /** A response matching no client transaction, e.g. a 2xx retransmitted after timer M. */
  onStrayResponse(res: SipResponse, src: Source): void;
  /**
   * A server transaction ended (its last timer, a failure, or close() excepted). One call
   * on the TU instead of a 'terminated' listener per transaction: at 360 calls/s a closure,
   * its context and listener lists for each of ~23,000 live transactions were ~115,000 heap
   * objects for every mark-compact to trace (load-tests/RESULTS.md, session 5).
   */
  onServerTerminated?(stx: ServerTransaction): void;
}

export interface ClientTransactionHandler {
  /** Every provisional, the final and, for INVITE in the Accepted state, every further 2xx. */
  onResponse(res: SipResponse, src: Source): void;
  /** Timer B or F fired (or §9.1's 64·T1 after a CANCEL): the caller synthesises a 408. */
  onTimeout(): void;
  /** The owner reported a transmit failure before a final response arrived (§17.1.4). */
  onTransportError(error: string): void;
  onTerminated?(): void;
}

export type ServerTransactionState =
  | 'trying' // non-INVITE only
  | 'proceeding'
  | 'completed'
  | 'confirmed' // INVITE only
  | 'accepted' // INVITE only, RFC 6026 §7.1
  | 'terminated';

export type ClientTransactionState =
  | 'held' // a CANCEL waiting for the INVITE's first provisional (RFC 3261 §9.1)
  | 'calling' // INVITE only
  | 'trying' // non-INVITE only
  | 'proceeding'
  | 'completed'
  | 'accepted' // INVITE only, RFC 6026 §7.2
  | 'terminated';

export interface ServerTransactionEvents {
  /**
   * INVITE only. Timer H fired without an ACK to a non-2xx, or 64·T1 passed after a 2xx
   * without ackReceived() (the engine then sends BYE, RFC 3261 §13.3.1.4).
   */
  ackTimeout: () => void;
  /** The owner reported a transmit failure (RFC 3261 §17.2.4); the transaction ends. */
  transportError: (error: string) => void;
  terminated: () => void;
}

export interface ServerTransaction {
  /** Opaque and unique within the process. */
  readonly id: string;
  /**
   * The request. With TransactionLayerOptions.compact it is released once the final
   * response is sent, and reading it then throws SIP_TX_RELEASED (a programming error).
   */
  readonly request: SipRequest;
  readonly source: Source;
  readonly state: ServerTransactionState;
  /** The last response sent; undefined once compacted (see TransactionLayerOptions.compact). */
  readonly lastResponse: SipResponse | undefined;
  /** Where responses go (RFC 3261 §18.2.2, RFC 3581). */
  readonly responseDestination: Destination;
  /**
   * The TU's own note on this transaction, never read by the layer: what the TU would
   * otherwise keep in a WeakMap keyed by the transaction (ephemerons the GC must revisit).
   */
  tuData: unknown;
  /**
   * Sends a response in this transaction. Returns false, sending nothing, when the
   * transaction no longer accepts one (a final was already sent, or it ended).
   */
  respond(res: SipResponse): boolean;
  /** INVITE only: the TU matched the ACK to our 2xx; stops 2xx retransmission. */
  ackReceived(): void;
  on<K extends keyof ServerTransactionEvents>(event: K, listener: ServerTransactionEvents[K]): this;
  off<K extends keyof ServerTransactionEvents>(event: K, listener: ServerTransactionEvents[K]): this;
}

export interface ClientTransaction {
  /** Opaque and unique within the process. */
  readonly id: string;
  /** The request; released (reading throws SIP_TX_RELEASED) after the final with TransactionLayerOptions.compact. */
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly state: ClientTransactionState;
  /** The top Via branch, shared with a CANCEL of this INVITE. */
  readonly branch: string;
  /**
   * INVITE only: CANCEL it (RFC 3261 §9.1). Returns the CANCEL's own client transaction,
   * the existing one if already cancelled, or null when there is nothing left to cancel
   * (final response received, or not an INVITE). The INVITE forgets its CANCEL at the final. The CANCEL is held until the first
   * provisional arrives, and dropped if the INVITE completes first.
   */
  cancel(extraHeaders?: SipHeader[], handler?: Partial<ClientTransactionHandler>): ClientTransaction | null;
}
