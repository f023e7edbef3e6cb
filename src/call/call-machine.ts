/**
 * The CallMachine: `step(state, input) → { state, commands }`, pure. The shell feeds it the
 * call's inputs in the order they happen and carries out the commands; timers are StartTimer /
 * CancelTimer commands and come back as TimerFired inputs.
 *
 *   Start → deciding --Decided--> connecting --answer / press-1--> bridged --hang-up--> ended
 *                                 (steps, then the fallback)
 *   any phase --caller CANCEL / BYE, final failure, forced drain, shell failure--> ended
 */
import { exhaustAttempt, startAttempt } from './attempt-runner.js';
import type { CallCommand, Notice } from './call-command.js';
import { endBridged, finishUnanswered } from './call-ending.js';
import type { FinalResponse } from './call-ending.js';
import type { CallInput, DecidedInput, DrainInput, StartInput } from './call-input.js';
import type { CallState } from './call-state.js';
import { isEmergency, isSettled } from './call-state.js';
import {
  onCalleeHungUp,
  onConfirmTimeout,
  onDtmf,
  onLegAnswered,
  onLegCancelled,
  onLegFailed,
  onLegProgress,
  onRingTimeout,
} from './leg-handlers.js';
import { REJECTIONS } from './rejections.js';
import { onShellFailed } from './shell-failure.js';
import type { EmergencyRoute, RejectRoute, Route } from './route.js';
import { retryAfterHeader } from './sip-headers.js';
import type { Turn } from './turn.js';
import { TIMER_MAX_DURATION, beginTurn, command, consumeTimer, emit } from './turn.js';

export interface StepResult {
  state: CallState;
  commands: CallCommand[];
}

/** A new call: state 'deciding' and the call.started event. */
function start(input: StartInput): StepResult {
  const state: CallState = {
    callId: input.request.callId,
    request: input.request,
    userId: input.userId,
    calleeUserId: null,
    startedAt: input.at,
    phase: 'deciding',
    route: null,
    attempt: null,
    attempts: 0,
    legs: [],
    nextLegNo: 1,
    timers: [],
    ringing: false,
    forcedDrain: null,
    bridge: null,
    end: null,
  };
  const t = beginTurn(state, input.at);
  const { from, source } = input.request;
  emit(t, {
    type: 'call.started',
    ...(from.display ? { fromName: from.display } : {}),
    ...(source.kind === 'trunk' ? { trunkId: source.trunk } : {}),
  });
  return { state: t.s, commands: t.out };
}

function step(state: CallState, input: CallInput): StepResult {
  const t = beginTurn(state, input.at);
  dispatch(t, input);
  return { state: t.s, commands: t.out };
}

function dispatch(t: Turn, input: CallInput): void {
  switch (input.type) {
    case 'Start':
      return; // the call exists already; start() makes new ones
    case 'Decided':
      return onDecided(t, input);
    case 'LegProgress':
      return onLegProgress(t, input.legId, input.status);
    case 'LegAnswered':
      return onLegAnswered(t, input.legId);
    case 'LegFailed':
      return onLegFailed(t, input.legId, input.status, input.reason);
    case 'LegCancelled':
      return onLegCancelled(t, input.legId);
    case 'CallerCancelled':
    case 'CallerHungUp':
      return onCallerGone(t);
    case 'CalleeHungUp':
      return onCalleeHungUp(t, input.legId);
    case 'TimerFired':
      return onTimerFired(t, input.timerId);
    case 'DtmfReceived':
      return onDtmf(t, input.legId, input.digit);
    case 'Drain':
      return onDrain(t, input);
    case 'ShellFailed':
      return onShellFailed(t, input.step, input.retryAfterS);
  }
}

function onDecided(t: Turn, { route }: DecidedInput): void {
  if (t.s.phase !== 'deciding') return onLateDecision(t, route);
  t.s.route = route;
  if (route.kind === 'emergency') announceEmergency(t, route);
  else if (t.s.forcedDrain) return finishUnanswered(t, drainResponse(t.s.forcedDrain.retryAfterS), 'failed', 'system', 'draining');
  if (route.kind === 'reject') return refuse(t, route);
  if (route.kind === 'ring' && route.internal) t.s.calleeUserId = route.userId;
  startAttempt(t, route, 'primary');
}

/**
 * A decision that arrives after the caller left (CANCEL before the app decided) starts
 * nothing. An emergency one still raises its notice: an abandoned emergency call must reach
 * the notification targets (the MLTS notification duty of Kari's Law, 47 CFR §9.16). No
 * event: call.ended has been written and must stay the call's last event.
 */
function onLateDecision(t: Turn, route: Route): void {
  if (t.s.phase !== 'ended' || t.s.route !== null || route.kind !== 'emergency') return;
  t.s.route = route;
  command(t, { type: 'Notify', notice: emergencyNotice(t, route) });
}

function refuse(t: Turn, route: RejectRoute): void {
  if (route.notice === 'emergency-address-missing') {
    const { callId, userId, request } = t.s;
    command(t, { type: 'Notify', notice: { kind: route.notice, callId, userId, dialled: request.to, at: t.at } });
  }
  finishUnanswered(t, route, route.disposition, 'system', route.endReason);
}

function announceEmergency(t: Turn, route: EmergencyRoute): void {
  const { number, trunk, callbackNumber } = route;
  emit(t, { type: 'emergency.call', number, trunk, callbackNumber, locationSent: route.address !== undefined });
  command(t, { type: 'Notify', notice: emergencyNotice(t, route) });
}

function emergencyNotice(t: Turn, route: EmergencyRoute): Notice {
  const { number, trunk, callbackNumber } = route;
  const { callId, userId } = t.s;
  return { kind: 'emergency-call', callId, userId, number, callbackNumber, trunk, address: route.address ?? null, at: t.at };
}

/**
 * CANCEL or BYE from the caller. Unanswered, the user "missed" the call once their plan
 * started ringing; before that (still deciding, or a call out) it is "cancelled".
 */
function onCallerGone(t: Turn): void {
  switch (t.s.phase) {
    case 'deciding':
      return finishUnanswered(t, null, 'cancelled', 'caller', 'caller-cancelled');
    case 'connecting': {
      const missed = t.s.route?.kind === 'ring' && t.s.legs.length > 0;
      return finishUnanswered(t, null, missed ? 'missed' : 'cancelled', 'caller', 'caller-cancelled');
    }
    case 'bridged':
      return endBridged(t, 'caller');
    case 'ended':
      return;
  }
}

function onTimerFired(t: Turn, timerId: string): void {
  if (!consumeTimer(t, timerId)) return;
  if (timerId === TIMER_MAX_DURATION) {
    if (t.s.phase === 'bridged') endBridged(t, 'system', 'max-duration');
    return;
  }
  const [kind, id = ''] = timerId.split(':');
  if (kind === 'ring') return onRingTimeout(t, id);
  if (kind === 'confirm') return onConfirmTimeout(t, id);
  if (kind === 'overall' && t.s.phase === 'connecting' && t.s.attempt && `A${t.s.attempt.no}` === id) {
    t.s.attempt.noAnswer = true;
    exhaustAttempt(t);
  }
}

/**
 * Architecture §3 lifecycle: a graceful drain lets calls in progress run on (new calls are
 * refused by the decisions); a forced one ends them. Emergency calls are never ended here.
 */
function onDrain(t: Turn, input: DrainInput): void {
  if (!input.force || isEmergency(t.s)) return;
  const retryAfterS = input.retryAfterS ?? 0;
  switch (t.s.phase) {
    case 'deciding':
      t.s.forcedDrain = { retryAfterS };
      return;
    case 'connecting':
      return finishUnanswered(t, drainResponse(retryAfterS), 'failed', 'system', 'draining');
    case 'bridged':
      return endBridged(t, 'system', 'draining');
    case 'ended':
      return;
  }
}

function drainResponse(retryAfterS: number): FinalResponse {
  const { status, reason } = REJECTIONS.draining;
  return { status, reason, headers: [retryAfterHeader(retryAfterS)] };
}

export const CallMachine = { start, step, isSettled };
