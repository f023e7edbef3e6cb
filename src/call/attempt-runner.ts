/**
 * Running a route's Attempt: start a step's legs, move to the next step when none of them
 * is still ringing, and when the last step is spent, classify the outcome and take the
 * fallback (ring plans) or give the caller the final failure.
 */
import type { EndReason } from './call-event.js';
import type { AttemptOutcome, ConnectRoute } from './route.js';
import type { AttemptState, LegFailure } from './call-state.js';
import { isLive } from './call-state.js';
import { finishUnanswered, withdrawLeg } from './call-ending.js';
import type { FinalResponse } from './call-ending.js';
import { REJECTIONS } from './rejections.js';
import { reasonPhrase } from './sip-headers.js';
import type { Turn } from './turn.js';
import { cancelTimer, command, overallTimerId, ringTimerId, startTimer } from './turn.js';

/** RFC 3261 §21.4.7/21.6: finals that mean "this callee will not take the call". */
const BUSY_STATUSES = new Set([486, 600, 603]);

export function isBusyStatus(status: number): boolean {
  return BUSY_STATUSES.has(status);
}

/** call.ended's reason per outcome (a 603 among the busy ones is 'declined'). */
const OUTCOME_REASON: Record<AttemptOutcome, EndReason> = { busy: 'busy', noAnswer: 'no-answer', unreachable: 'unreachable' };

export function startAttempt(t: Turn, route: ConnectRoute, stage: AttemptState['stage']): void {
  const no = ++t.s.attempts;
  t.s.attempt = { no, route, stage, stepIndex: 0, noAnswer: false, busy: null, lastFailure: null };
  t.s.phase = 'connecting';
  const overall = route.attempt.overallTimeoutMs;
  if (overall !== undefined) startTimer(t, overallTimerId(no), overall);
  startStep(t, 0);
}

function startStep(t: Turn, stepIndex: number): void {
  const attempt = t.s.attempt;
  if (!attempt) return;
  attempt.stepIndex = stepIndex;
  const step = attempt.route.attempt.steps[stepIndex];
  for (const planned of step?.legs ?? []) {
    const legId = `L${t.s.nextLegNo++}`;
    const leg = { legId, target: planned.target, attemptNo: attempt.no, stepIndex, status: 'trying' as const, outcome: null };
    t.s.legs.push(planned.confirmTimeoutMs === undefined ? leg : { ...leg, confirmTimeoutMs: planned.confirmTimeoutMs });
    const { target, callerId, headers, body } = planned;
    command(t, body ? { type: 'StartLeg', legId, target, callerId, headers, body } : { type: 'StartLeg', legId, target, callerId, headers });
    if (planned.timeoutMs !== undefined) startTimer(t, ringTimerId(legId), planned.timeoutMs);
  }
  if (!step || step.legs.length === 0) advance(t);
}

/** Called whenever a leg of the current attempt stops ringing: moves on once the step is spent. */
export function afterLegSettled(t: Turn): void {
  const attempt = t.s.attempt;
  if (t.s.phase !== 'connecting' || !attempt) return;
  const ringing = t.s.legs.some((l) => l.attemptNo === attempt.no && l.stepIndex === attempt.stepIndex && isLive(l));
  if (!ringing) advance(t);
}

function advance(t: Turn): void {
  const attempt = t.s.attempt;
  if (!attempt) return;
  if (attempt.stepIndex + 1 < attempt.route.attempt.steps.length) startStep(t, attempt.stepIndex + 1);
  else exhaustAttempt(t);
}

/** The attempt is over unanswered (every step spent, or the overall timeout). */
export function exhaustAttempt(t: Turn): void {
  const attempt = t.s.attempt;
  if (!attempt) return;
  cancelTimer(t, overallTimerId(attempt.no));
  for (const leg of t.s.legs) if (leg.attemptNo === attempt.no && isLive(leg)) withdrawLeg(t, leg);
  const outcome = outcomeOf(attempt);
  if (attempt.stage === 'primary' && attempt.route.kind === 'ring') {
    const fallback = attempt.route.fallbacks[outcome];
    if (fallback.kind !== 'reject') return startAttempt(t, fallback, 'fallback');
    return finishUnanswered(t, fallback, fallback.disposition, hungUpByFor(outcome), fallback.endReason);
  }
  finalFailure(t, attempt, outcome);
}

/** A ring that timed out anywhere is "no answer"; otherwise any busy leg makes it "busy". */
function outcomeOf(a: AttemptState): AttemptOutcome {
  if (a.noAnswer) return 'noAnswer';
  return a.busy ? 'busy' : 'unreachable';
}

/**
 * Dispositions per docs/call-events.md: a far end's 603 is "rejected", 486/600 "busy"; a
 * call for a user whose plan went unanswered is "missed"; anything else "failed".
 */
function finalFailure(t: Turn, attempt: AttemptState, outcome: AttemptOutcome): void {
  const response = failureResponse(attempt, outcome);
  const userPlan = t.s.route?.kind === 'ring';
  const declined = outcome === 'busy' && response.status === 603;
  const disposition = outcome === 'busy' ? (declined ? 'rejected' : 'busy') : userPlan ? 'missed' : 'failed';
  finishUnanswered(t, response, disposition, hungUpByFor(outcome), declined ? 'declined' : OUTCOME_REASON[outcome]);
}

/** Timeouts are ours; busy and failure answers came from the far end. */
function hungUpByFor(outcome: AttemptOutcome): 'system' | 'callee' {
  return outcome === 'noAnswer' ? 'system' : 'callee';
}

function failureResponse(attempt: AttemptState, outcome: AttemptOutcome): FinalResponse {
  if (outcome === 'noAnswer') return asResponse(REJECTIONS.noAnswer);
  const relayed = relayable(outcome === 'busy' ? attempt.busy : attempt.lastFailure);
  return relayed ?? asResponse(REJECTIONS.unreachable);
}

/**
 * A leg's failure as the caller hears it. 487 is ours (our CANCEL) and never relayed; a 503
 * becomes 500, as RFC 3261 §16.7 step 6 has proxies do, so the caller does not think that
 * this server is the one overloaded.
 */
function relayable(f: LegFailure | null): FinalResponse | null {
  if (!f || f.status < 400 || f.status > 699 || f.status === 487) return null;
  if (f.status === 503) return { status: 500, reason: 'Server Internal Error', headers: [] };
  return { status: f.status, reason: f.reason ?? reasonPhrase(f.status), headers: [] };
}

function asResponse(r: { status: number; reason: string }): FinalResponse {
  return { status: r.status, reason: r.reason, headers: [] };
}
