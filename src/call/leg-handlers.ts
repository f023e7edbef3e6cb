/**
 * Inputs about one leg: provisional, answer (possibly racing another leg's), failure, the
 * 487 to our CANCEL, the callee's hang-up, press-1 digits and the leg's own timers.
 */
import { afterLegSettled, isBusyStatus } from './attempt-runner.js';
import { bridge, endBridged, partyOf, withdrawLeg } from './call-ending.js';
import type { LegState } from './call-state.js';
import { isLive } from './call-state.js';
import type { Turn } from './turn.js';
import { command, confirmTimerId, emit, findLeg, retireLegTimers, startTimer } from './turn.js';

/** The first 18x of any leg is the caller's 180 and the call.ringing event; later ones add nothing. */
export function onLegProgress(t: Turn, legId: string, status: number): void {
  const leg = findLeg(t, legId);
  if (!leg || (leg.status !== 'trying' && leg.status !== 'ringing')) return;
  if (status <= 100 || status >= 200) return;
  leg.status = 'ringing';
  if (t.s.phase !== 'connecting' || t.s.ringing) return;
  t.s.ringing = true;
  command(t, { type: 'Respond', status: 180, reason: 'Ringing', headers: [] });
  const targets = t.s.legs.filter((l) => l.attemptNo === t.s.attempt?.no && isLive(l)).map((l) => partyOf(l.target));
  emit(t, { type: 'call.ringing', targets });
}

/**
 * A 2xx. The first one of the current attempt wins (or starts the press-1 check); any 2xx
 * that comes after a winner, or after our CANCEL crossed it, is ACKed and BYEd (RFC 3261 §15:
 * the only way to end a dialog a 2xx created).
 */
export function onLegAnswered(t: Turn, legId: string): void {
  const leg = findLeg(t, legId);
  if (!leg) return;
  if (leg.status === 'cancelling') return release(t, leg);
  if (leg.status !== 'trying' && leg.status !== 'ringing') return;
  if (t.s.phase !== 'connecting' || leg.attemptNo !== t.s.attempt?.no) return release(t, leg);
  if (leg.confirmTimeoutMs === undefined) return bridge(t, leg);
  retireLegTimers(t, leg);
  leg.status = 'confirming';
  command(t, { type: 'PromptConfirm', legId });
  startTimer(t, confirmTimerId(legId), leg.confirmTimeoutMs);
}

/** A 2xx that lost: BYE it; from the call's point of view the leg was cancelled. */
function release(t: Turn, leg: LegState): void {
  retireLegTimers(t, leg);
  command(t, { type: 'ByeLeg', legId: leg.legId });
  leg.status = 'ended';
  leg.outcome = 'cancelled';
}

export function onLegFailed(t: Turn, legId: string, status: number, reason?: string): void {
  const leg = findLeg(t, legId);
  if (!leg) return;
  if (leg.status === 'bridged') return onCalleeHungUp(t, legId);
  if (leg.status === 'ended') return;
  const counts = isCurrent(t, leg) && leg.status !== 'cancelling';
  retireLegTimers(t, leg);
  leg.status = 'ended';
  leg.outcome = 'failed';
  if (!counts || !t.s.attempt) return;
  const failure = reason === undefined ? { status } : { status, reason };
  if (isBusyStatus(status)) t.s.attempt.busy = failure;
  else t.s.attempt.lastFailure = failure;
  afterLegSettled(t);
}

/** The 487 after our CANCEL; a 487 we did not ask for counts as an unreachable leg. */
export function onLegCancelled(t: Turn, legId: string): void {
  const leg = findLeg(t, legId);
  if (!leg || leg.status === 'ended' || leg.status === 'bridged') return;
  const counts = isCurrent(t, leg) && leg.status !== 'cancelling';
  retireLegTimers(t, leg);
  leg.status = 'ended';
  leg.outcome = 'cancelled';
  if (counts) afterLegSettled(t);
}

/** The bridged callee hung up: BYE the caller. A press-1 leg that hangs up has declined. */
export function onCalleeHungUp(t: Turn, legId: string): void {
  const leg = findLeg(t, legId);
  if (!leg) return;
  if (leg.status === 'bridged' && t.s.phase === 'bridged') return endBridged(t, 'callee');
  if (leg.status !== 'confirming') return;
  retireLegTimers(t, leg);
  leg.status = 'ended';
  leg.outcome = 'failed';
  if (isCurrent(t, leg) && t.s.attempt) t.s.attempt.noAnswer = true;
  afterLegSettled(t);
}

/** '1' accepts a press-1 leg; any other digit is ignored until the window closes. */
export function onDtmf(t: Turn, legId: string, digit: string): void {
  const leg = findLeg(t, legId);
  if (!leg || leg.status !== 'confirming' || t.s.phase !== 'connecting' || digit !== '1') return;
  bridge(t, leg);
}

/** A leg's ring time ran out: CANCEL it; the step moves on once none of its legs still ring. */
export function onRingTimeout(t: Turn, legId: string): void {
  const leg = findLeg(t, legId);
  if (!leg || (leg.status !== 'trying' && leg.status !== 'ringing')) return;
  withdrawLeg(t, leg);
  if (isCurrent(t, leg) && t.s.attempt) t.s.attempt.noAnswer = true;
  afterLegSettled(t);
}

/** Nobody pressed 1 in time: BYE the leg (it answered) and count it as unanswered. */
export function onConfirmTimeout(t: Turn, legId: string): void {
  const leg = findLeg(t, legId);
  if (!leg || leg.status !== 'confirming') return;
  withdrawLeg(t, leg);
  leg.outcome = 'failed';
  if (isCurrent(t, leg) && t.s.attempt) t.s.attempt.noAnswer = true;
  afterLegSettled(t);
}

function isCurrent(t: Turn, leg: LegState): boolean {
  return t.s.phase === 'connecting' && leg.attemptNo === t.s.attempt?.no;
}
