/**
 * The state of one call in the CallMachine. Plain data: the shell may keep it in memory or
 * serialise it. step() never mutates the state it is given.
 */
import type { Disposition, HungUpBy, Party } from './call-event.js';
import type { CallRequest } from './call-request.js';
import type { ConnectRoute, LegTarget, Route } from './route.js';

/** deciding → connecting → bridged → ended; any phase may jump to ended. */
export type CallPhase = 'deciding' | 'connecting' | 'bridged' | 'ended';

/**
 * trying/ringing: INVITE out, no final yet. confirming: answered, waiting for press-1.
 * cancelling: CANCEL sent, waiting for the 487 (or a crossing 2xx). bridged: the winner.
 */
export type LegStatus = 'trying' | 'ringing' | 'confirming' | 'cancelling' | 'bridged' | 'ended';

/** How a leg finished: it is 'answered' only if it was the one bridged to the caller. */
export type LegOutcome = 'answered' | 'failed' | 'cancelled';

export interface LegState {
  legId: string;
  target: LegTarget;
  attemptNo: number;
  stepIndex: number;
  confirmTimeoutMs?: number;
  status: LegStatus;
  outcome: LegOutcome | null;
}

export interface LegFailure {
  status: number;
  reason?: string;
}

/** One route being tried: the primary decision, or the fallback after an unanswered ring plan. */
export interface AttemptState {
  no: number;
  route: ConnectRoute;
  stage: 'primary' | 'fallback';
  stepIndex: number;
  /** A ring time, the overall timeout or a confirmation window ran out. */
  noAnswer: boolean;
  /** The last busy-class final (486, 600, 603) from a leg of this attempt. */
  busy: LegFailure | null;
  lastFailure: LegFailure | null;
}

export interface BridgeState {
  legId: string;
  at: number;
  answeredBy: Party;
  voicemail: boolean;
}

export interface CallEnd {
  at: number;
  disposition: Disposition;
  hungUpBy: HungUpBy;
}

export interface CallState {
  callId: string;
  request: CallRequest;
  userId: string;
  /** The callee user of an internal call, once decided. */
  calleeUserId: string | null;
  startedAt: number;
  phase: CallPhase;
  /** The primary decision; null while deciding. */
  route: Route | null;
  attempt: AttemptState | null;
  attempts: number;
  legs: LegState[];
  nextLegNo: number;
  /** Ids of the timers started and neither fired nor cancelled yet. */
  timers: string[];
  /** 180 sent to the caller and call.ringing emitted. */
  ringing: boolean;
  /** A forced drain arrived while deciding: only an emergency decision may proceed. */
  forcedDrain: { retryAfterS: number } | null;
  bridge: BridgeState | null;
  end: CallEnd | null;
}

export function isLive(leg: LegState): boolean {
  return leg.status === 'trying' || leg.status === 'ringing' || leg.status === 'confirming';
}

export function isEmergency(s: CallState): boolean {
  return s.route?.kind === 'emergency';
}

/** Ended, every leg finished and every timer fired or cancelled: the shell may forget the call. */
export function isSettled(s: CallState): boolean {
  return s.phase === 'ended' && s.timers.length === 0 && s.legs.every((l) => l.status === 'ended');
}

/**
 * A private copy of a state for one step: the containers a step may change (the state, its
 * attempt, legs, timers, bridge, end, forcedDrain) are new objects; request and route, which
 * no step changes, are shared. Written out field by field rather than `{ ...s, legs: … }`:
 * V8 (Node 20) clones a spread source through a per-map inline cache that goes megamorphic
 * over the maps a state takes during a call, and adding properties to a spread result takes
 * a slow path; the literal is an order of magnitude cheaper per step (load-tests/bench-call-core.ts).
 * A field added to CallState must be added here (tsc insists for required fields; the
 * call-state-clone unit test compares the keys of a full state and its copy).
 */
export function cloneState(s: CallState): CallState {
  return {
    callId: s.callId,
    request: s.request,
    userId: s.userId,
    calleeUserId: s.calleeUserId,
    startedAt: s.startedAt,
    phase: s.phase,
    route: s.route,
    attempt: s.attempt && cloneAttempt(s.attempt),
    attempts: s.attempts,
    legs: s.legs.map(cloneLeg),
    nextLegNo: s.nextLegNo,
    timers: s.timers.slice(),
    ringing: s.ringing,
    forcedDrain: s.forcedDrain && { retryAfterS: s.forcedDrain.retryAfterS },
    bridge: s.bridge && { legId: s.bridge.legId, at: s.bridge.at, answeredBy: s.bridge.answeredBy, voicemail: s.bridge.voicemail },
    end: s.end && { at: s.end.at, disposition: s.end.disposition, hungUpBy: s.end.hungUpBy },
  };
}

function cloneAttempt(a: AttemptState): AttemptState {
  return {
    no: a.no,
    route: a.route,
    stage: a.stage,
    stepIndex: a.stepIndex,
    noAnswer: a.noAnswer,
    busy: a.busy,
    lastFailure: a.lastFailure,
  };
}

/** A copy of a leg; it has a confirmTimeoutMs key only if the original has one. */
function cloneLeg(l: LegState): LegState {
  const leg: LegState = {
    legId: l.legId,
    target: l.target,
    attemptNo: l.attemptNo,
    stepIndex: l.stepIndex,
    status: l.status,
    outcome: l.outcome,
  };
  if (l.confirmTimeoutMs !== undefined) leg.confirmTimeoutMs = l.confirmTimeoutMs;
  return leg;
}
