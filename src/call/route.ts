/**
 * A routing decision: what decideInbound/decideOutbound return and what the CallMachine
 * carries out. Connecting routes carry their Attempt already planned (legs, caller IDs,
 * headers), so the machine only sequences it.
 */
import type { EndReason } from './call-event.js';
import type { EmergencyAddress } from './line-user.js';

/** A header the shell adds to an outgoing INVITE or a response. */
export interface SipHeaderField {
  name: string;
  value: string;
}

/** The caller ID a leg presents; number null = anonymous (RFC 3323). */
export interface CallerId {
  number: string | null;
  display?: string;
}

/** Where one leg goes. */
export type LegTarget =
  | { kind: 'device'; userId: string; contact: string; instanceId?: string }
  | { kind: 'number'; number: string; trunk: string }
  | { kind: 'voicemail'; uri: string; userId: string };

/**
 * An extra INVITE body part. RFC 6442 §4.1: the shell sends the SDP and this part together
 * as multipart/mixed, the part carrying `Content-ID: <contentId>`.
 */
export interface LegBody {
  contentType: string;
  contentId: string;
  content: string;
}

export interface PlannedLeg {
  target: LegTarget;
  callerId: CallerId;
  headers: readonly SipHeaderField[];
  body?: LegBody;
  /** Ring time before this leg is cancelled; none = until the attempt ends. */
  timeoutMs?: number;
  /** Press-1 confirmation window; present only for targets that ask for it. */
  confirmTimeoutMs?: number;
}

/** Legs rung together; a sequential plan has one step per target. */
export interface RingStep {
  legs: readonly PlannedLeg[];
}

export interface Attempt {
  steps: readonly RingStep[];
  overallTimeoutMs?: number;
}

/** Why a call is diverted; the RFC 5806 Diversion reason values. */
export type DiversionReason =
  | 'unconditional'
  | 'user-busy'
  | 'no-answer'
  | 'unavailable'
  | 'do-not-disturb'
  | 'follow-me';

/** Dispositions a decision can end a call with before any leg rings (see docs/call-events.md). */
export type RejectDisposition = 'blocked' | 'busy' | 'missed' | 'failed';

/** A notice the decision asks the shell to raise, beside the SIP answer. */
export type RouteNotice = 'emergency-address-missing';

export interface RejectRoute {
  kind: 'reject';
  status: number;
  /** The reason phrase of the final response: it says why. */
  reason: string;
  disposition: RejectDisposition;
  headers: readonly SipHeaderField[];
  notice?: RouteNotice;
  /** Why, as call.ended's `reason` code; every refusal in rejections.ts names one. */
  endReason?: EndReason;
}

/** Bounds on an answered call; null = none (emergency calls). */
interface Connecting {
  attempt: Attempt;
  maxDurationMs: number | null;
}

export interface RingRoute extends Connecting {
  kind: 'ring';
  /** The user whose plan rings (the callee). */
  userId: string;
  /** True for a call between two users of the domain. */
  internal: boolean;
  fallbacks: Fallbacks;
}

export interface ForwardRoute extends Connecting {
  kind: 'forward';
  number: string;
  cause: DiversionReason;
}

export interface VoicemailRoute extends Connecting {
  kind: 'voicemail';
  uri: string;
  userId: string;
  cause: DiversionReason;
}

export interface ExternalRoute extends Connecting {
  kind: 'external';
  number: string;
  trunk: string;
}

export interface EmergencyRoute extends Connecting {
  kind: 'emergency';
  /** As dialled, e.g. '911'. */
  number: string;
  trunk: string;
  userId: string;
  callbackNumber: string;
  /** The address on file, sent as PIDF-LO; absent when the user has none (the call still goes). */
  address?: EmergencyAddress;
  maxDurationMs: null;
}

/** What happens when a ring plan ends unanswered, per outcome. */
export type FallbackRoute = RejectRoute | ForwardRoute | VoicemailRoute;

export interface Fallbacks {
  busy: FallbackRoute;
  noAnswer: FallbackRoute;
  unreachable: FallbackRoute;
}

/** How an unanswered attempt ended. */
export type AttemptOutcome = keyof Fallbacks;

export type ConnectRoute = RingRoute | ForwardRoute | VoicemailRoute | ExternalRoute | EmergencyRoute;
export type Route = RejectRoute | ConnectRoute;
