/**
 * Click-to-call planning: the destination is decided exactly as if the user had dialled
 * it from a device (decideOutbound: blocked prefixes, international permission, limits,
 * internal users' features), and the route's first ring step becomes the INVITEs the
 * ClickToCallSession sends once a device has answered. A refusal is a LinegateError the
 * control API turns into CALL_CONTROL_FAILED with the code in its message.
 */
import type { CallRequest, LineUser, Route } from '../../call/index.js';
import type { Dialplan } from '../../config/index.js';
import { LinegateError } from '../../shared/index.js';
import type { ReachableDevice } from './call-registrar.js';
import type { ClickToCallPlan } from './click-to-call-session.js';
import type { LegRequest } from './leg-request.js';
import { legRequest } from './leg-request.js';

export const CLICK_TO_CALL_REFUSED = 'CLICK_TO_CALL_REFUSED';
export const NO_DEVICES_REGISTERED = 'NO_DEVICES_REGISTERED';

/** How long the user's devices ring before the click-to-call gives up. */
export const DEVICE_RING_MS = 30_000;
const DEFAULT_DESTINATION_RING_MS = 25_000;

export function clickToCallRequest(callId: string, user: LineUser, destination: string): CallRequest {
  return { callId, direction: 'outbound', from: { number: user.businessNumber }, to: destination, source: { kind: 'device', userId: user.id } };
}

export interface PlanInput {
  callId: string;
  user: LineUser;
  destination: string;
  route: Route;
  dialplan: Dialplan;
  /** The user's own devices. */
  devices: readonly ReachableDevice[];
  /** Every device the decision looked up (the callee's too, for an internal call). */
  known: ReadonlyMap<string, ReachableDevice>;
}

export function clickToCallPlan(p: PlanInput): ClickToCallPlan {
  const { route } = p;
  if (route.kind === 'reject') throw new LinegateError(CLICK_TO_CALL_REFUSED, `${route.status} ${route.reason}`);
  if (route.kind === 'emergency') throw new LinegateError(CLICK_TO_CALL_REFUSED, 'emergency numbers are dialled from a device, not by click-to-call');
  if (p.user.businessNumber === '') throw new LinegateError(CLICK_TO_CALL_REFUSED, `${p.user.id} has no business number to call from`);
  if (p.devices.length === 0) throw new LinegateError(NO_DEVICES_REGISTERED, `${p.user.id} has no registered device to ring`);
  const step = route.attempt.steps[0];
  const legs: LegRequest[] = (step?.legs ?? []).map((leg, i) => {
    const built = legRequest({ type: 'StartLeg', legId: `D${i + 1}`, target: leg.target, callerId: leg.callerId, headers: leg.headers },
      { dialplan: p.dialplan, offer: undefined, devices: p.known });
    if (!built.ok) throw new LinegateError(CLICK_TO_CALL_REFUSED, `${built.status} ${built.reason}`);
    return built.leg;
  });
  if (legs.length === 0) throw new LinegateError(CLICK_TO_CALL_REFUSED, `${p.destination} cannot be reached now`);
  const ringMs = step?.legs[0]?.timeoutMs ?? route.attempt.overallTimeoutMs ?? DEFAULT_DESTINATION_RING_MS;
  return {
    callId: p.callId, userId: p.user.id, from: p.user.businessNumber, destination: p.destination, domain: p.dialplan.domain,
    devices: p.devices, destinationLegs: legs, maxDurationMs: route.maxDurationMs, deviceRingMs: DEVICE_RING_MS, destinationRingMs: ringMs,
  };
}
