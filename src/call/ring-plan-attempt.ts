/**
 * A user's RingPlan expanded into an Attempt: 'devices' becomes one leg per registered
 * contact, 'number' one leg over the outbound trunk. Simultaneous = one step with every leg;
 * sequential = one step per target, each with its own ring time, all within the overall timeout.
 */
import type { DecisionContext } from './decision-context.js';
import { normaliseNumber } from './dial-string.js';
import type { LineUser, NumberTarget, RingPlan, Target } from './line-user.js';
import type { Attempt, CallerId, PlannedLeg, RingStep } from './route.js';
import { diversionHeader } from './sip-headers.js';

/** The attempt, or null when no target can ring (no registered device, no number): unreachable. */
export function ringPlanAttempt(user: LineUser, callerId: CallerId, ctx: DecisionContext): Attempt | null {
  const plan = user.ringPlan;
  const perTarget = plan.targets.map((t) => targetLegs(t, plan, user, callerId, ctx));
  const steps: RingStep[] =
    plan.strategy === 'simultaneous' ? [{ legs: ([] as PlannedLeg[]).concat(...perTarget) }] : perTarget.map((legs) => ({ legs }));
  const nonEmpty = steps.filter((s) => s.legs.length > 0);
  if (nonEmpty.length === 0) return null;
  return { steps: nonEmpty, overallTimeoutMs: seconds(plan.overallTimeoutS) };
}

function targetLegs(t: Target, plan: RingPlan, user: LineUser, callerId: CallerId, ctx: DecisionContext): PlannedLeg[] {
  const timeoutS = plan.strategy === 'sequential' ? (t.timeoutS ?? ctx.policy.ringing.defaultTargetTimeoutS) : t.timeoutS;
  const legs = t.kind === 'devices' ? deviceLegs(user, callerId, ctx) : [numberLeg(t, user, callerId, ctx)];
  // The legs are new objects: set on them rather than copied with `{ ...l, timeoutMs }` (a slow
  // path in V8 when a spread is followed by a new property).
  if (timeoutS !== undefined) for (const l of legs) l.timeoutMs = seconds(timeoutS);
  return legs;
}

function deviceLegs(user: LineUser, callerId: CallerId, ctx: DecisionContext): PlannedLeg[] {
  const devices = ctx.snapshot.registrations.get(user.id) ?? [];
  return devices.map((d) => {
    const target: PlannedLeg['target'] = { kind: 'device', userId: user.id, contact: d.contact };
    if (d.instanceId !== undefined) target.instanceId = d.instanceId;
    return { target, callerId, headers: [] };
  });
}

/**
 * An extra number rings with the caller's ID; Diversion (RFC 5806 follow-me) says whose call it is.
 * A confirm target waits its own window for the 1, or the dialplan-wide one.
 */
function numberLeg(t: NumberTarget, user: LineUser, callerId: CallerId, ctx: DecisionContext): PlannedLeg {
  const leg: PlannedLeg = {
    target: { kind: 'number', number: normaliseNumber(t.number, ctx.policy.numbering) ?? t.number, trunk: ctx.policy.outboundTrunk },
    callerId,
    headers: [diversionHeader(user.businessNumber, 'follow-me')],
  };
  if (t.confirm) leg.confirmTimeoutMs = seconds(t.confirmTimeoutS ?? ctx.policy.ringing.confirmTimeoutS);
  return leg;
}

function seconds(s: number): number {
  return Math.max(0, Math.round(s * 1000));
}
