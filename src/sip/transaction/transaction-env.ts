/**
 * What a transaction needs from the layer that owns it. Internal to this folder: it keeps
 * the transactions free of map bookkeeping and the layer free of state machines.
 */
import type { Clock } from '../../shared/index.js';
import type { ExpiryQueues } from './expiry-queues.js';
import type { SipMessage, SipRequest } from '../message/index.js';
import type {
  ClientTransaction,
  ClientTransactionHandler,
  ClientTransactionState,
  Destination,
  ServerTransaction,
  TimerConfig,
  TransactionCompaction,
} from './types.js';

export interface TransactionEnv {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  /** Timers D, I, J, K, L and M: the waits that follow a transaction's final response. */
  readonly expiry: ExpiryQueues;
  transmit(msg: SipMessage, dest: Destination, tx: ServerTransaction | ClientTransaction): void;
  readonly compact: TransactionCompaction | undefined;
  /** Forget a terminated transaction (removes it from its map if it is still the entry for `key`). */
  release(key: string, tx: ServerTransaction | ClientTransaction): void;
}

/** A client transaction created but not sent yet: a CANCEL held by RFC 3261 §9.1. */
export interface HeldClientTransaction extends ClientTransaction {
  readonly state: ClientTransactionState;
  start(): void;
  terminate(): void;
}

export interface ClientEnv extends TransactionEnv {
  /** Registers a held CANCEL for `invite`; undefined if that key is already taken. */
  createCancel(invite: ClientTransaction, cancel: SipRequest, handler: ClientTransactionHandler): HeldClientTransaction | undefined;
}
