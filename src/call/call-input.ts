/**
 * What the shell feeds the CallMachine. Every input carries `at` (ms since the epoch): the
 * core has no clock of its own.
 */
import type { CallRequest } from './call-request.js';
import type { Route } from './route.js';

/** The INVITE arrived; the call belongs to `userId` (callee in, caller out). */
export interface StartInput {
  type: 'Start';
  request: CallRequest;
  userId: string;
  at: number;
}

/** The decision the shell computed with decideInbound/decideOutbound (it may have awaited the Store). */
export interface DecidedInput {
  type: 'Decided';
  route: Route;
  at: number;
}

/** A provisional response (180/183) on a leg. */
export interface LegProgressInput {
  type: 'LegProgress';
  legId: string;
  status: number;
  at: number;
}

/** A 2xx on a leg (the shell ACKs it in any case). */
export interface LegAnsweredInput {
  type: 'LegAnswered';
  legId: string;
  at: number;
}

/** A final non-2xx on a leg (or a transport/transaction failure reported as 408/503). */
export interface LegFailedInput {
  type: 'LegFailed';
  legId: string;
  status: number;
  reason?: string;
  at: number;
}

/** The 487 that answers our CANCEL. */
export interface LegCancelledInput {
  type: 'LegCancelled';
  legId: string;
  at: number;
}

/** The caller sent CANCEL (the engine itself answers the INVITE with 487, RFC 3261 §9.2). */
export interface CallerCancelledInput {
  type: 'CallerCancelled';
  at: number;
}

export interface CallerHungUpInput {
  type: 'CallerHungUp';
  at: number;
}

export interface CalleeHungUpInput {
  type: 'CalleeHungUp';
  legId: string;
  at: number;
}

/** A timer started by StartTimer expired (a stale one, already cancelled, is ignored). */
export interface TimerFiredInput {
  type: 'TimerFired';
  timerId: string;
  at: number;
}

/** A DTMF digit (RFC 4733 or SIP INFO) on a leg waiting for its press-1 confirmation. */
export interface DtmfReceivedInput {
  type: 'DtmfReceived';
  legId: string;
  digit: string;
  at: number;
}

/** Shutdown: `force` = the drain timeout passed and calls still up must end (emergency calls excepted). */
export interface DrainInput {
  type: 'Drain';
  force: boolean;
  /** Retry-After for the callers whose unanswered calls a forced drain refuses. */
  retryAfterS?: number;
  at: number;
}

export type CallInput =
  | StartInput
  | DecidedInput
  | LegProgressInput
  | LegAnsweredInput
  | LegFailedInput
  | LegCancelledInput
  | CallerCancelledInput
  | CallerHungUpInput
  | CalleeHungUpInput
  | TimerFiredInput
  | DtmfReceivedInput
  | DrainInput;
