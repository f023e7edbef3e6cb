/**
 * ShellFailed: the shell could not carry out a step of the call (ShellStep in call-input.ts),
 * an error inside linegate rather than an answer from a party. The call ends by the system
 * with reason `internal-error` and its one call.ended, and every leg still up is CANCELled
 * or BYEd, so that the call settles and the shell can release what it holds.
 *
 * - Before the caller has a 200 (deciding, connecting, or bridged when the failed step is
 *   `answer-caller`): disposition `failed`, and the caller hears 500, or 503 with
 *   Retry-After when the shell says the failure is likely temporary (the shell drops the
 *   response if the caller has already had a final one).
 * - Once the caller has its 200 (bridged, any later step): the call was answered and stays
 *   so (`answered` or `voicemail`, talk time counted, no status), ended by the system like
 *   max-duration: both sides get BYE.
 *
 * Emergency calls end too: the shell reports that it cannot carry the call on, and a call
 * left up regardless would never settle nor write its call.ended.
 */
import type { FinalResponse } from './call-ending.js';
import { endBridged, failBridged, finishUnanswered } from './call-ending.js';
import type { ShellStep } from './call-input.js';
import { retryAfterHeader } from './sip-headers.js';
import type { Turn } from './turn.js';

/** RFC 3261 §21.5.1: what the caller hears when linegate fails before answering. */
export const INTERNAL_ERROR_RESPONSE: FinalResponse = { status: 500, reason: 'Server Internal Error', headers: [] };

/** RFC 3261 §21.5.4 and §20.33: a failure that is likely temporary; try again after the delay. */
function unavailableResponse(retryAfterS: number): FinalResponse {
  return { status: 503, reason: 'Service Unavailable', headers: [retryAfterHeader(retryAfterS)] };
}

export function onShellFailed(t: Turn, step: ShellStep, retryAfterS?: number): void {
  const response = retryAfterS === undefined ? INTERNAL_ERROR_RESPONSE : unavailableResponse(retryAfterS);
  switch (t.s.phase) {
    case 'deciding':
    case 'connecting':
      return finishUnanswered(t, response, 'failed', 'system', 'internal-error');
    case 'bridged':
      if (step === 'answer-caller') return failBridged(t, response, 'internal-error');
      return endBridged(t, 'system', 'internal-error');
    case 'ended':
      return;
  }
}
