/**
 * Bridging the winning leg and ending the call: the places where legs are withdrawn, timers
 * cleared and the one call.ended event emitted.
 */
import type { CallEndedEvent, Disposition, EndReason, HungUpBy, Party } from './call-event.js';
import type { LegState } from './call-state.js';
import { isLive } from './call-state.js';
import type { LegTarget, SipHeaderField } from './route.js';
import { REASON_COMPLETED_ELSEWHERE } from './sip-headers.js';
import type { Turn } from './turn.js';
import {
  TIMER_MAX_DURATION,
  cancelAllTimers,
  cancelTimer,
  command,
  emit,
  overallTimerId,
  retireLegTimers,
  startTimer,
} from './turn.js';

export interface FinalResponse {
  status: number;
  reason: string;
  headers: readonly SipHeaderField[];
}

/**
 * Withdraws a leg that must not connect: CANCEL while unanswered (RFC 3261 §9.1), BYE once
 * answered (a press-1 leg, or the bridged one).
 */
export function withdrawLeg(t: Turn, leg: LegState, reason?: string): void {
  retireLegTimers(t, leg);
  if (leg.status === 'trying' || leg.status === 'ringing') {
    command(t, reason === undefined ? { type: 'CancelLeg', legId: leg.legId } : { type: 'CancelLeg', legId: leg.legId, reason });
    leg.status = 'cancelling';
  } else if (leg.status === 'confirming' || leg.status === 'bridged') {
    command(t, { type: 'ByeLeg', legId: leg.legId });
    if (leg.status === 'confirming') leg.outcome = 'cancelled';
    leg.status = 'ended';
  }
}

export function withdrawLiveLegs(t: Turn, reason?: string): void {
  for (const leg of t.s.legs) if (isLive(leg)) withdrawLeg(t, leg, reason);
}

/**
 * The first leg to answer (or to confirm) wins: the others are CANCELled with RFC 3326
 * Reason cause=200 so that the user's other phones do not log a missed call.
 */
export function bridge(t: Turn, leg: LegState): void {
  const attempt = t.s.attempt;
  if (!attempt) return;
  retireLegTimers(t, leg);
  cancelTimer(t, overallTimerId(attempt.no));
  leg.status = 'bridged';
  leg.outcome = 'answered';
  withdrawLiveLegs(t, REASON_COMPLETED_ELSEWHERE);
  command(t, { type: 'BridgeLegs', legId: leg.legId });
  const voicemail = attempt.route.kind === 'voicemail';
  const answeredBy = partyOf(leg.target);
  t.s.phase = 'bridged';
  t.s.bridge = { legId: leg.legId, at: t.at, answeredBy, voicemail };
  if (!voicemail) emit(t, { type: 'call.answered', answeredBy });
  if (attempt.route.maxDurationMs !== null) startTimer(t, TIMER_MAX_DURATION, attempt.route.maxDurationMs);
}

/**
 * Ends a bridged call; whoever did not hang up gets a BYE. A party's hang-up needs no reason;
 * the system names its own (max-duration, draining).
 */
export function endBridged(t: Turn, hungUpBy: 'caller' | 'callee'): void;
export function endBridged(t: Turn, hungUpBy: 'system', endReason: EndReason): void;
export function endBridged(t: Turn, hungUpBy: HungUpBy, endReason?: EndReason): void {
  const bridged = t.s.legs.find((l) => l.status === 'bridged');
  if (bridged) {
    if (hungUpBy === 'callee') bridged.status = 'ended';
    else withdrawLeg(t, bridged);
  }
  if (hungUpBy !== 'caller') command(t, { type: 'ByeCaller' });
  endCall(t, t.s.bridge?.voicemail ? 'voicemail' : 'answered', hungUpBy, endReason);
}

/**
 * Ends a call that was never bridged: withdraw every leg, answer the caller if asked, log.
 * `endReason` is required (undefined only for a RejectRoute built without one) so that no
 * unanswered end forgets to say why.
 */
export function finishUnanswered(
  t: Turn,
  response: FinalResponse | null,
  disposition: Disposition,
  hungUpBy: HungUpBy,
  endReason: EndReason | undefined,
): void {
  withdrawLiveLegs(t);
  const final = response && { status: response.status, reason: response.reason, headers: response.headers };
  if (final) command(t, { type: 'Respond', ...final });
  endCall(t, disposition, hungUpBy, endReason, final ?? undefined);
}

/**
 * The caller could not be answered with the bridged leg (the shell's `answer-caller` step
 * failed): that leg gets BYE and the caller `response`. The callee did answer (call.answered
 * is written and answeredBy stays), but the caller never had a 200 and nobody talked: the
 * call 'failed', by the system, with durationS 0.
 */
export function failBridged(t: Turn, response: FinalResponse, endReason: EndReason): void {
  const bridged = t.s.legs.find((l) => l.status === 'bridged');
  if (bridged) withdrawLeg(t, bridged);
  const final = { status: response.status, reason: response.reason, headers: response.headers };
  command(t, { type: 'Respond', ...final });
  endCall(t, 'failed', 'system', endReason, final, false);
}

type EndedBody = Omit<CallEndedEvent, 'callId' | 'userId' | 'direction' | 'from' | 'to' | 'at'>;

/** `talked`: false when a bridge never reached the caller (failBridged), so no talk time counts. */
function endCall(t: Turn, disposition: Disposition, hungUpBy: HungUpBy, endReason?: EndReason, response?: FinalResponse, talked = true): void {
  cancelAllTimers(t);
  const bridge = t.s.bridge;
  const durationS = bridge && talked ? Math.ceil(Math.max(0, t.at - bridge.at) / 1000) : 0;
  t.s.phase = 'ended';
  t.s.end = { at: t.at, disposition, hungUpBy };
  // Optional fields assigned after the literal, not spread into it (turn.ts emit: V8's slow path).
  const ended: EndedBody = { type: 'call.ended', disposition, durationS, hungUpBy };
  if (bridge && !bridge.voicemail) ended.answeredBy = bridge.answeredBy;
  if (response) {
    ended.sipStatus = response.status;
    ended.reason = response.reason;
  }
  if (endReason !== undefined) ended.endReason = endReason;
  emit(t, ended);
}

/** How events name a leg's target: the device (instance id, else contact), or the number or mailbox URI. */
export function partyOf(target: LegTarget): Party {
  switch (target.kind) {
    case 'device':
      return { kind: 'device', deviceId: target.instanceId ?? target.contact };
    case 'number':
      return { kind: 'target', target: target.number };
    case 'voicemail':
      return { kind: 'target', target: target.uri };
  }
}
