/**
 * The routes a user's call can be diverted to — forward to a number, or voicemail — and the
 * choice between them when a ring plan ends unanswered (issue #3: forward on no-answer /
 * busy / unreachable, else voicemail, else a final response).
 */
import type { CallerIdentity } from './call-request.js';
import { isAnonymous } from './call-request.js';
import type { DecisionContext } from './decision-context.js';
import { normaliseNumber } from './dial-string.js';
import type { LineUser } from './line-user.js';
import { reject } from './rejections.js';
import type {
  AttemptOutcome,
  CallerId,
  DiversionReason,
  Fallbacks,
  FallbackRoute,
  ForwardRoute,
  VoicemailRoute,
} from './route.js';
import { diversionHeader } from './sip-headers.js';

/** What each unanswered outcome is called in RFC 5806 Diversion. */
const OUTCOME_DIVERSION: Record<AttemptOutcome, DiversionReason> = {
  busy: 'user-busy',
  noAnswer: 'no-answer',
  unreachable: 'unavailable',
};

const OUTCOME_REJECTION = { busy: 'busy', noAnswer: 'noAnswer', unreachable: 'unreachable' } as const;

/** The caller ID shown on legs that ring for the callee: the original caller's. */
export function presentedCallerId(from: CallerIdentity): CallerId {
  const id: CallerId = { number: isAnonymous(from) ? null : from.number };
  if (from.display !== undefined) id.display = from.display;
  return id;
}

/** The shorter of the system and per-user duration limits, in ms. */
export function maxDurationMs(ctx: DecisionContext, ...users: LineUser[]): number {
  let limit = ctx.policy.maxCallDurationS;
  for (const u of users) limit = Math.min(limit, u.limits.maxCallDurationS ?? Infinity);
  return limit * 1000;
}

/**
 * Forward to a number over the outbound trunk. The original caller ID is kept and the user's
 * number goes in Diversion (RFC 5806), which carriers need before they accept that caller ID.
 * No ring timeout: the far network ends an unanswered call.
 */
export function forwardRoute(
  number: string,
  cause: DiversionReason,
  user: LineUser,
  from: CallerIdentity,
  ctx: DecisionContext,
  durationMs: number,
): ForwardRoute {
  const target = normaliseNumber(number, ctx.policy.numbering) ?? number;
  const leg = {
    target: { kind: 'number' as const, number: target, trunk: ctx.policy.outboundTrunk },
    callerId: presentedCallerId(from),
    headers: [diversionHeader(user.businessNumber, cause)],
  };
  return { kind: 'forward', number: target, cause, attempt: { steps: [{ legs: [leg] }] }, maxDurationMs: durationMs };
}

/** Voicemail at the configured URI; Diversion names the mailbox (the user's number) and why. */
export function voicemailRoute(
  cause: DiversionReason,
  user: LineUser,
  from: CallerIdentity,
  ctx: DecisionContext,
  durationMs: number,
): VoicemailRoute {
  const uri = ctx.policy.voicemailUri;
  const leg = {
    target: { kind: 'voicemail' as const, uri, userId: user.id },
    callerId: presentedCallerId(from),
    headers: [diversionHeader(user.businessNumber, cause)],
  };
  return { kind: 'voicemail', uri, userId: user.id, cause, attempt: { steps: [{ legs: [leg] }] }, maxDurationMs: durationMs };
}

/** Forward for this outcome if set, else voicemail if enabled, else the outcome's final response. */
export function fallbackFor(
  outcome: AttemptOutcome,
  user: LineUser,
  from: CallerIdentity,
  ctx: DecisionContext,
  durationMs: number,
): FallbackRoute {
  const cause = OUTCOME_DIVERSION[outcome];
  const forwardTo = user.forwarding[outcome];
  if (forwardTo) return forwardRoute(forwardTo, cause, user, from, ctx, durationMs);
  if (user.voicemail.enabled) return voicemailRoute(cause, user, from, ctx, durationMs);
  return reject(OUTCOME_REJECTION[outcome]);
}

export function fallbacksFor(user: LineUser, from: CallerIdentity, ctx: DecisionContext, durationMs: number): Fallbacks {
  return {
    busy: fallbackFor('busy', user, from, ctx, durationMs),
    noAnswer: fallbackFor('noAnswer', user, from, ctx, durationMs),
    unreachable: fallbackFor('unreachable', user, from, ctx, durationMs),
  };
}
