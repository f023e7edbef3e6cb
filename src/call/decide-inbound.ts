/**
 * Calls in from a trunk: admission (drain, overload, the trunk's concurrent-call cap), then the
 * callee's features. The shell finds the callee with findCallee() and reads the Snapshot first.
 */
import type { CallRequest } from './call-request.js';
import { calleeRoute } from './callee-features.js';
import type { DecisionContext } from './decision-context.js';
import { maxDurationMs } from './fallback-routes.js';
import type { LineUser } from './line-user.js';
import { serviceUnavailable, unavailable } from './rejections.js';
import type { Route } from './route.js';

export function decideInbound(request: CallRequest, user: LineUser, ctx: DecisionContext): Route {
  return (
    admission(request, ctx) ??
    calleeRoute({ from: request.from, internal: false, maxDurationMs: maxDurationMs(ctx, user) }, user, ctx)
  );
}

function admission(request: CallRequest, ctx: DecisionContext): Route | null {
  const { policy } = ctx;
  const refused = serviceUnavailable(policy);
  if (refused) return refused;
  if (request.source.kind === 'trunk' && trunkAtCapacity(request.source.trunk, ctx)) {
    return unavailable('trunkAtCapacity', policy.retryAfterS);
  }
  return null;
}

/** True when the trunk has a cap and is at or over it; trunks without one are unlimited. */
export function trunkAtCapacity(trunk: string, ctx: DecisionContext): boolean {
  const cap = ctx.policy.trunks.get(trunk)?.maxConcurrentCalls;
  return cap !== undefined && (ctx.snapshot.activeCallsByTrunk.get(trunk) ?? 0) >= cap;
}
