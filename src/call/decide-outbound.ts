/**
 * Calls out from a user's device, in this order (docs/call-features.md):
 *   emergency number → emergency route, bypassing everything below;
 *   admission: drain, overload, no emergency address on file (E911), the caller's call limit;
 *   extension or another user's number → that user's features and plan (internal call);
 *   external: normalise → blocked prefixes → international permission → trunk cap → trunk.
 */
import type { CallRequest } from './call-request.js';
import { calleeRoute } from './callee-features.js';
import { trunkAtCapacity } from './decide-inbound.js';
import type { DecisionContext } from './decision-context.js';
import { isInternational, normaliseNumber, stripVisualSeparators } from './dial-string.js';
import { findCallee } from './directory.js';
import { maxDurationMs } from './fallback-routes.js';
import type { LineUser } from './line-user.js';
import { DEFAULT_EMERGENCY_NUMBERS } from './policy.js';
import type { Policy } from './policy.js';
import { locationByValue } from './pidf-lo.js';
import { reject, rejectWith, serviceUnavailable, unavailable } from './rejections.js';
import type { EmergencyRoute, ExternalRoute, PlannedLeg, Route } from './route.js';
import { PRIORITY_EMERGENCY } from './sip-headers.js';

export function decideOutbound(request: CallRequest, caller: LineUser, ctx: DecisionContext): Route {
  const dialled = stripVisualSeparators(request.to);
  if (isEmergencyNumber(dialled, ctx.policy)) return emergencyRoute(dialled, request, caller, ctx);
  return callerAdmission(caller, ctx) ?? destination(dialled, request, caller, ctx);
}

/** An empty list in the policy never disables emergency calling: the defaults apply. */
export function isEmergencyNumber(dialled: string, policy: Policy): boolean {
  const numbers = policy.emergencyNumbers.length > 0 ? policy.emergencyNumbers : DEFAULT_EMERGENCY_NUMBERS;
  return numbers.includes(stripVisualSeparators(dialled));
}

/**
 * Emergency calls go to the emergency trunk with the caller's business number as the
 * callback number, the address as PIDF-LO when one is on file, and no duration limit. If the
 * emergency trunk refuses the call, the same INVITE is tried once on the outbound trunk:
 * an emergency call must get out if any way out exists.
 */
function emergencyRoute(number: string, request: CallRequest, caller: LineUser, ctx: DecisionContext): EmergencyRoute {
  const { emergencyTrunk, outboundTrunk } = ctx.policy;
  const trunks = emergencyTrunk === outboundTrunk ? [emergencyTrunk] : [emergencyTrunk, outboundTrunk];
  const location = caller.emergencyAddress
    ? locationByValue(caller.emergencyAddress, `pres:${caller.businessNumber}@${ctx.policy.domain}`, request.callId)
    : undefined;
  const legFor = (trunk: string): PlannedLeg => {
    const leg: PlannedLeg = {
      target: { kind: 'number', number, trunk },
      callerId: businessCallerId(caller),
      headers: [PRIORITY_EMERGENCY, ...(location?.headers ?? [])],
    };
    if (location) leg.body = location.body;
    return leg;
  };
  const route: EmergencyRoute = {
    kind: 'emergency',
    number,
    trunk: emergencyTrunk,
    userId: caller.id,
    callbackNumber: caller.businessNumber,
    attempt: { steps: trunks.map((trunk) => ({ legs: [legFor(trunk)] })) },
    maxDurationMs: null,
  };
  if (caller.emergencyAddress) route.address = caller.emergencyAddress;
  return route;
}

function callerAdmission(caller: LineUser, ctx: DecisionContext): Route | null {
  const refused = serviceUnavailable(ctx.policy);
  if (refused) return refused;
  // E911 (issue #3): without an address on file, only emergency numbers may be dialled.
  if (!caller.emergencyAddress) return reject('noEmergencyAddress', { notice: 'emergency-address-missing' });
  const active = ctx.snapshot.activeCallsByUser.get(caller.id) ?? 0;
  return active >= caller.limits.maxConcurrentCalls ? reject('callerAtLimit') : null;
}

function destination(dialled: string, request: CallRequest, caller: LineUser, ctx: DecisionContext): Route {
  const callee = findCallee(ctx.directory, dialled, ctx.policy.numbering);
  if (callee) {
    const from = { ...businessCallerId(caller), display: caller.displayName ?? request.from.display };
    const call = { from, internal: true, maxDurationMs: maxDurationMs(ctx, caller, callee) };
    return calleeRoute(call, callee, ctx);
  }
  return external(dialled, caller, ctx);
}

function external(dialled: string, caller: LineUser, ctx: DecisionContext): Route {
  const { policy } = ctx;
  const number = normaliseNumber(dialled, policy.numbering);
  if (number === null) return reject('addressIncomplete');
  const blocked = policy.blockedPrefixes.find((b) => b.prefix !== '' && number.startsWith(b.prefix));
  if (blocked) return rejectWith({ status: 403, reason: blocked.reason, disposition: 'blocked', endReason: 'destination-blocked' });
  if (isInternational(number, policy.numbering) && !caller.permissions.international) {
    return reject('internationalNotPermitted');
  }
  if (trunkAtCapacity(policy.outboundTrunk, ctx)) return unavailable('trunkAtCapacity', policy.retryAfterS);
  return externalRoute(number, caller, ctx);
}

function externalRoute(number: string, caller: LineUser, ctx: DecisionContext): ExternalRoute {
  const trunk = ctx.policy.outboundTrunk;
  const leg: PlannedLeg = { target: { kind: 'number', number, trunk }, callerId: businessCallerId(caller), headers: [] };
  return { kind: 'external', number, trunk, attempt: { steps: [{ legs: [leg] }] }, maxDurationMs: maxDurationMs(ctx, caller) };
}

/** Calls out present the business number (issue #3), never a device's own identity. */
function businessCallerId(caller: LineUser): { number: string; display?: string } {
  return caller.displayName === undefined
    ? { number: caller.businessNumber }
    : { number: caller.businessNumber, display: caller.displayName };
}
