/**
 * The SIP transaction layer (RFC 3261 §17 as amended by RFC 6026).
 */
export { TransactionLayer } from './transaction-layer.js';
export { newBranch, isRfc3261Branch, MAGIC_COOKIE } from './branch.js';
export { DEFAULT_TIMERS, TIMER_D_MIN, resolveTimers } from './timers.js';
export { responseDestination } from './response-destination.js';
export { sharedDestination } from './shared-destination.js';
export type {
  ClientTransaction,
  ClientTransactionHandler,
  ClientTransactionState,
  Destination,
  ServerTransaction,
  ServerTransactionEvents,
  ServerTransactionState,
  Source,
  TimerConfig,
  TransactionLayerOptions,
  TransactionUser,
} from './types.js';
