/**
 * Every refusal the core decides, with the SIP status and reason phrase the caller hears, the
 * call.ended disposition and its `reason` code (docs/call-events.md). docs/call-features.md
 * lists the same table.
 */
import type { EndReason } from './call-event.js';
import type { Policy } from './policy.js';
import type { RejectDisposition, RejectRoute, RouteNotice, SipHeaderField } from './route.js';
import { retryAfterHeader } from './sip-headers.js';

interface Rejection {
  status: number;
  reason: string;
  disposition: RejectDisposition;
  /** The reason phrase is for people (and configurable for blocked prefixes); this is for machines. */
  endReason: EndReason;
}

export const REJECTIONS = {
  draining: { status: 503, reason: 'Service Unavailable (draining)', disposition: 'failed', endReason: 'draining' },
  // `blocked`, not drain's `failed`: admission control is a limit, like a trunk's cap, and the
  // stored call.ended (disposition, sipStatus, reason) must tell an overload refusal from a drain.
  overloaded: { status: 503, reason: 'Service Unavailable (overload)', disposition: 'blocked', endReason: 'overload' },
  trunkAtCapacity: { status: 503, reason: 'Trunk capacity reached', disposition: 'blocked', endReason: 'trunk-limit' },
  anonymousBlocked: { status: 603, reason: 'Anonymous calls not accepted', disposition: 'blocked', endReason: 'anonymous-blocked' },
  callerBlocked: { status: 603, reason: 'Caller blocked', disposition: 'blocked', endReason: 'caller-blocked' },
  doNotDisturb: { status: 486, reason: 'Do Not Disturb', disposition: 'blocked', endReason: 'dnd' },
  busy: { status: 486, reason: 'Busy Here', disposition: 'busy', endReason: 'busy' },
  noAnswer: { status: 480, reason: 'No Answer', disposition: 'missed', endReason: 'no-answer' },
  unreachable: { status: 480, reason: 'Temporarily Unavailable', disposition: 'missed', endReason: 'unreachable' },
  noEmergencyAddress: { status: 403, reason: 'No emergency address on file', disposition: 'blocked', endReason: 'no-emergency-address' },
  callerAtLimit: { status: 403, reason: 'Concurrent call limit reached', disposition: 'blocked', endReason: 'user-limit' },
  internationalNotPermitted: { status: 403, reason: 'International calls not permitted', disposition: 'blocked', endReason: 'not-permitted' },
  addressIncomplete: { status: 484, reason: 'Address Incomplete', disposition: 'failed', endReason: 'address-incomplete' },
} as const satisfies Record<string, Rejection>;

export type RejectionName = keyof typeof REJECTIONS;

export function reject(
  name: RejectionName,
  extra: { headers?: SipHeaderField[]; notice?: RouteNotice } = {},
): RejectRoute {
  return rejectWith(REJECTIONS[name], extra);
}

export function rejectWith(
  r: Rejection,
  extra: { headers?: SipHeaderField[]; notice?: RouteNotice } = {},
): RejectRoute {
  const route: RejectRoute = { kind: 'reject', ...r, headers: extra.headers ?? [] };
  if (extra.notice) route.notice = extra.notice;
  return route;
}

/** 503 with Retry-After (RFC 3261 §21.5.4): draining, overloaded, or a trunk at its cap. */
export function unavailable(name: 'draining' | 'overloaded' | 'trunkAtCapacity', retryAfterS: number): RejectRoute {
  return reject(name, { headers: [retryAfterHeader(retryAfterS)] });
}

/**
 * Whether this process takes new calls at all: not while draining (SIGTERM) nor while
 * overloaded. Decisions ask it after the emergency check, so emergency calls never hear it
 * (issue #3). Drain wins: it will not pass, and its Retry-After is the longer one.
 */
export function serviceUnavailable(policy: Policy): RejectRoute | null {
  if (policy.draining) return unavailable('draining', policy.retryAfterS);
  if (policy.overloaded) return unavailable('overloaded', policy.overloaded.retryAfterS);
  return null;
}
