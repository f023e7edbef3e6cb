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

/**
 * A step of carrying out the call that the shell could not complete: an error inside
 * linegate (its Store, media, SIP stack, a bug), not an answer from a party.
 *
 * - `decide`: deciding and preparing the call (the Store's settings and counters, the
 *   registrations, the media anchor), after call.started;
 * - `answer-caller`: answering the caller with the bridged leg's session (a press-1 leg moved
 *   back from the prompt, the anchor's answer, the caller's 200): the caller has no 200;
 * - `relay`: connecting the answered caller to the callee once the caller has its 200.
 */
export type ShellStep = 'decide' | 'answer-caller' | 'relay';

/** The shell could not carry out `step`: the call ends by the system with `internal-error`. */
export interface ShellFailedInput {
  type: 'ShellFailed';
  step: ShellStep;
  /**
   * Set when the failure is likely temporary (deciding: mostly the Store out of reach): a
   * caller without a final hears 503 with this Retry-After instead of 500, so that a carrier
   * tries another gateway or later (architecture: store down → 503 + Retry-After).
   */
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
  | DrainInput
  | ShellFailedInput;
