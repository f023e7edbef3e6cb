/**
 * The callee's features, in the one documented order (docs/call-features.md):
 *   blocking → DND → forward always → concurrent-call limit (as busy) → ring plan,
 * with the ring plan's busy / no-answer / unreachable fallbacks decided up front.
 * Used for calls from a trunk and for internal calls alike.
 */
import type { CallerIdentity } from './call-request.js';
import { isAnonymous } from './call-request.js';
import type { DecisionContext } from './decision-context.js';
import { matchesNumberList } from './dial-string.js';
import { fallbackFor, fallbacksFor, forwardRoute, presentedCallerId, voicemailRoute } from './fallback-routes.js';
import type { LineUser } from './line-user.js';
import { reject } from './rejections.js';
import type { Route } from './route.js';
import { ringPlanAttempt } from './ring-plan-attempt.js';

export interface CalleeCall {
  from: CallerIdentity;
  /** A call from another user of the domain. */
  internal: boolean;
  maxDurationMs: number;
}

export function calleeRoute(call: CalleeCall, user: LineUser, ctx: DecisionContext): Route {
  return (
    blocking(call.from, user, ctx) ??
    doNotDisturb(call, user, ctx) ??
    forwardAlways(call, user, ctx) ??
    atCallLimit(call, user, ctx) ??
    ringPlan(call, user, ctx)
  );
}

/** Blocked callers hear 603 Decline (RFC 3261 §21.6.2): the user does not want the call anywhere. */
function blocking(from: CallerIdentity, user: LineUser, ctx: DecisionContext): Route | null {
  if (isAnonymous(from)) return user.blockAnonymous ? reject('anonymousBlocked') : null;
  const number = from.number ?? '';
  const { numbers, prefixes } = user.blockList;
  return matchesNumberList(number, ctx.policy.numbering, numbers, prefixes) ? reject('callerBlocked') : null;
}

function doNotDisturb(call: CalleeCall, user: LineUser, ctx: DecisionContext): Route | null {
  if (!user.dnd) return null;
  if (user.voicemail.enabled) return voicemailRoute('do-not-disturb', user, call.from, ctx, call.maxDurationMs);
  return reject('doNotDisturb');
}

/**
 * Forward always, to a number or to the user's voicemail box; either way the Diversion
 * reason is `unconditional` (RFC 5806), so the box hears "forwarded always", not DND.
 * The control API and the dialplan refuse `always: voicemail` for a user without a box; a
 * stale setting left after the box was removed is ignored (the ring plan runs), as the
 * busy / no-answer / unreachable rules ignore a box that is not there.
 */
function forwardAlways(call: CalleeCall, user: LineUser, ctx: DecisionContext): Route | null {
  const to = user.forwarding.always;
  if (to === undefined || to === '') return null;
  if (typeof to === 'string') return forwardRoute(to, 'unconditional', user, call.from, ctx, call.maxDurationMs);
  if (!user.voicemail.enabled) return null;
  return voicemailRoute('unconditional', user, call.from, ctx, call.maxDurationMs);
}

/** A user already on their maximum of calls is busy: the busy fallback applies. */
function atCallLimit(call: CalleeCall, user: LineUser, ctx: DecisionContext): Route | null {
  const active = ctx.snapshot.activeCallsByUser.get(user.id) ?? 0;
  if (active < user.limits.maxConcurrentCalls) return null;
  return fallbackFor('busy', user, call.from, ctx, call.maxDurationMs);
}

function ringPlan(call: CalleeCall, user: LineUser, ctx: DecisionContext): Route {
  const attempt = ringPlanAttempt(user, presentedCallerId(call.from), ctx);
  if (!attempt) return fallbackFor('unreachable', user, call.from, ctx, call.maxDurationMs);
  return {
    kind: 'ring',
    userId: user.id,
    internal: call.internal,
    attempt,
    fallbacks: fallbacksFor(user, call.from, ctx, call.maxDurationMs),
    maxDurationMs: call.maxDurationMs,
  };
}
