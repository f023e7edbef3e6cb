/**
 * One step of the CallMachine: a private copy of the state, the commands produced so far and
 * the time of the input. Timer and event bookkeeping lives here so that every StartTimer is
 * matched by exactly one fire or CancelTimer.
 */
import type { CallCommand } from './call-command.js';
import type { CallEvent } from './call-event.js';
import type { CallState, LegState } from './call-state.js';
import { cloneState } from './call-state.js';
import { isAnonymous } from './call-request.js';

export interface Turn {
  s: CallState;
  out: CallCommand[];
  at: number;
}

export function beginTurn(state: CallState, at: number): Turn {
  return { s: cloneState(state), out: [], at };
}

export const TIMER_MAX_DURATION = 'max-duration';
export const overallTimerId = (attemptNo: number): string => `overall:A${attemptNo}`;
export const ringTimerId = (legId: string): string => `ring:${legId}`;
export const confirmTimerId = (legId: string): string => `confirm:${legId}`;

export function command(t: Turn, c: CallCommand): void {
  t.out.push(c);
}

export function startTimer(t: Turn, timerId: string, ms: number): void {
  if (t.s.timers.includes(timerId)) return;
  t.s.timers.push(timerId);
  command(t, { type: 'StartTimer', timerId, ms: Math.max(0, ms) });
}

export function cancelTimer(t: Turn, timerId: string): void {
  if (!t.s.timers.includes(timerId)) return;
  t.s.timers = t.s.timers.filter((id) => id !== timerId);
  command(t, { type: 'CancelTimer', timerId });
}

export function cancelAllTimers(t: Turn): void {
  for (const id of [...t.s.timers]) cancelTimer(t, id);
}

/** A timer fired: true if it was active (and is now spent); a stale firing returns false. */
export function consumeTimer(t: Turn, timerId: string): boolean {
  if (!t.s.timers.includes(timerId)) return false;
  t.s.timers = t.s.timers.filter((id) => id !== timerId);
  return true;
}

/** A leg leaving the ringing/confirming states takes its timers with it. */
export function retireLegTimers(t: Turn, leg: LegState): void {
  cancelTimer(t, ringTimerId(leg.legId));
  cancelTimer(t, confirmTimerId(leg.legId));
}

export function findLeg(t: Turn, legId: string): LegState | undefined {
  return t.s.legs.find((l) => l.legId === legId);
}

type EventBody<E> = E extends CallEvent ? Omit<E, 'callId' | 'userId' | 'direction' | 'from' | 'to' | 'at'> : never;

type EventCommon = Pick<CallEvent, 'callId' | 'userId' | 'direction' | 'from' | 'to' | 'at' | 'calleeUserId'>;

/**
 * Emits a call event with the common fields filled from the call and the input time.
 * Object.assign, not `{ ...base, ...body }`: V8 (Node 20) builds an object spread into an
 * object spread through a slow path (µs per event; load-tests/bench-call-core.ts).
 */
export function emit(t: Turn, body: EventBody<CallEvent>): void {
  const { request } = t.s;
  const common: EventCommon = {
    callId: t.s.callId,
    userId: t.s.userId,
    direction: request.direction,
    from: isAnonymous(request.from) ? 'anonymous' : (request.from.number ?? 'anonymous'),
    to: request.to,
    at: t.at,
  };
  if (t.s.calleeUserId !== null) common.calleeUserId = t.s.calleeUserId;
  command(t, { type: 'EmitEvent', event: Object.assign(common, body) });
}
