/**
 * The call-event schema (docs/call-events.md documents every field).
 *
 * Every event is versioned by `v`. Adding an optional field keeps `v`; removing, renaming
 * or changing the meaning of a field bumps `v` for that event type, and consumers reject
 * versions they do not know (parseCallEvent answers `unsupported-version`) instead of
 * guessing. Event type names (`call.started`, …) are the wire names of issue #3, not the
 * PascalCase tags used for in-process unions: they are read by the CRM worker and by people.
 */

/** The schema version this code writes and reads. */
export const CALL_EVENT_VERSION = 1;

export const CALL_EVENT_TYPES = [
  'call.started',
  'call.ringing',
  'call.answered',
  'call.ended',
  'note.added',
  'opportunity.tagged',
  'emergency.call',
  'voicemail.deposited',
  'voicemail.heard',
  'recording.available',
] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const DISPOSITIONS = [
  'answered',
  'missed',
  'busy',
  'rejected',
  'blocked',
  'voicemail',
  'failed',
  'cancelled',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const HANGUP_PARTIES = ['caller', 'callee', 'system'] as const;
export type HangupParty = (typeof HANGUP_PARTIES)[number];

/**
 * call.ended `reason`: why the call ended, one code per cause the gateway tells apart
 * (docs/call-events.md explains each). Absent when an answered call was hung up by the caller
 * or the callee. New codes may be added without a new `v`: a reader drops a code it does not
 * know (the event still loads), as it drops a field it does not know.
 */
export const END_REASONS = [
  'draining',
  'overload',
  'trunk-limit',
  'user-limit',
  'caller-blocked',
  'anonymous-blocked',
  'dnd',
  'no-emergency-address',
  'not-permitted',
  'destination-blocked',
  'address-incomplete',
  'busy',
  'declined',
  'no-answer',
  'unreachable',
  'caller-cancelled',
  'max-duration',
  'internal-error',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Who rang or answered: one of the user's registered devices, or a forwarding target. */
export type Party =
  | { readonly kind: 'device'; readonly deviceId: string }
  | { readonly kind: 'target'; readonly target: string };

/** Fields every event carries. */
export interface CallEventBase {
  readonly v: 1;
  /** The call this event belongs to; the CRM worker's idempotency key. */
  readonly callId: string;
  /** 1, 2, 3… per callId, in the order the call produced its events. */
  readonly seq: number;
  /** When it happened, ISO 8601 with a zone (`2024-05-01T12:00:00.000Z`). */
  readonly at: string;
  readonly tenant?: string;
}

export interface CallStarted extends CallEventBase {
  readonly type: 'call.started';
  readonly userId: string;
  readonly direction: Direction;
  readonly from: string;
  readonly to: string;
  readonly fromName?: string;
  readonly trunkId?: string;
}

export interface CallRinging extends CallEventBase {
  readonly type: 'call.ringing';
  readonly userId: string;
  readonly targets: readonly Party[];
}

export interface CallAnswered extends CallEventBase {
  readonly type: 'call.answered';
  readonly userId: string;
  readonly answeredBy: Party;
}

export interface CallEnded extends CallEventBase {
  readonly type: 'call.ended';
  readonly userId: string;
  readonly disposition: Disposition;
  /** Whole seconds from answer to hang-up; 0 when never answered. */
  readonly durationS: number;
  readonly hungUpBy: HangupParty;
  readonly answeredBy?: Party;
  /** The final SIP status of a call that did not connect (486, 603, 503…). */
  readonly sipStatus?: number;
  /** Why it ended (END_REASONS); absent when an answered call was hung up by a party. */
  readonly reason?: EndReason;
}

export interface NoteAdded extends CallEventBase {
  readonly type: 'note.added';
  /** The author. */
  readonly userId: string;
  readonly text: string;
}

export interface OpportunityTagged extends CallEventBase {
  readonly type: 'opportunity.tagged';
  /** Who tagged the call. */
  readonly userId: string;
  readonly opportunityId: string;
}

export interface EmergencyCall extends CallEventBase {
  readonly type: 'emergency.call';
  readonly userId: string;
  /** The emergency number dialled (112, 911…). */
  readonly number: string;
  readonly deviceId?: string;
  /** The dispatchable location known for the caller, as configured. */
  readonly location?: string;
}

export const VOICEMAIL_HEARD_VIA = ['phone', 'api'] as const;
export type VoicemailHeardVia = (typeof VOICEMAIL_HEARD_VIA)[number];

/** A caller left a message (issue #5). `callId` is the call that left it. */
export interface VoicemailDeposited extends CallEventBase {
  readonly type: 'voicemail.deposited';
  /** The mailbox owner. */
  readonly userId: string;
  /** The caller: E.164 number, SIP URI or `anonymous`. */
  readonly from: string;
  readonly durationMs: number;
  readonly messageId: string;
  /** Where the control API serves the WAV: `/users/<userId>/voicemail/<messageId>`. */
  readonly url: string;
}

/** A message was heard for the first time. `callId` is the call that left it. */
export interface VoicemailHeard extends CallEventBase {
  readonly type: 'voicemail.heard';
  readonly userId: string;
  readonly messageId: string;
  /** By phone (the retrieval menu) or over the control API (visual voicemail). */
  readonly via: VoicemailHeardVia;
}

export type CallEvent =
  | CallStarted
  | CallRinging
  | CallAnswered
  | CallEnded
  | NoteAdded
  | OpportunityTagged
  | EmergencyCall
  | VoicemailDeposited
  | VoicemailHeard
  | RecordingAvailable;

/** How a recording's channels map to the parties; one layout today (stereo, issue #5). */
export const RECORDING_LAYOUTS = ['caller-left,callee-right'] as const;
export type RecordingLayout = (typeof RECORDING_LAYOUTS)[number];

/**
 * A call recording is complete and its file final (issue #5). Written once the call has
 * ended, so its seq follows the call's `call.ended`; a call recorded in several pieces
 * (on-demand stop, then start) has one event per file.
 */
export interface RecordingAvailable extends CallEventBase {
  readonly type: 'recording.available';
  /** The user whose recording policy applied. */
  readonly userId: string;
  readonly recordingId: string;
  /** The WAV file, as the media server names it. */
  readonly path: string;
  /** Where it can be fetched, when the gateway serves recordings. */
  readonly url?: string;
  readonly durationMs: number;
  readonly channels: 1 | 2;
  readonly layout: RecordingLayout;
}

/** Limits that keep one event small enough for one log line / stream entry. */
export const CALL_EVENT_LIMITS = {
  /** Longest identifier or address field (callId, userId, from, to…). */
  maxIdLength: 512,
  /** Longest note text. */
  maxTextLength: 8192,
  /** Most ringing targets in one call.ringing event. */
  maxTargets: 64,
} as const;
