/**
 * The call events the core emits (EmitEvent). src/events owns the stored, versioned schema;
 * these are the payloads it is filled from, with the same names and fields.
 */
import type { CallDirection } from './call-request.js';

export type Disposition = 'answered' | 'missed' | 'busy' | 'rejected' | 'blocked' | 'voicemail' | 'failed' | 'cancelled';

export type HungUpBy = 'caller' | 'callee' | 'system';

/**
 * Why a call ended, as a short machine-readable code (stored as call.ended `reason`,
 * docs/call-events.md lists each value). Absent only when an answered call was hung up by the
 * caller or the callee: `hungUpBy` says all there is to say then.
 */
export type EndReason =
  // refused before anything rang (the decision)
  | 'draining'
  | 'overload'
  | 'trunk-limit'
  | 'user-limit'
  | 'caller-blocked'
  | 'anonymous-blocked'
  | 'dnd'
  | 'no-emergency-address'
  | 'not-permitted'
  | 'destination-blocked'
  | 'address-incomplete'
  // how an attempt to connect ended
  | 'busy'
  | 'declined'
  | 'no-answer'
  | 'unreachable'
  | 'caller-cancelled'
  // an answered call ended by the system
  | 'max-duration'
  // a step of connecting the call failed inside linegate (not a party's answer)
  | 'internal-error';

/** Who rings or answered: one of the user's devices, or a number (extra ring-plan number, forward, trunk). */
export type Party = { kind: 'device'; deviceId: string } | { kind: 'target'; target: string };

interface CallEventBase {
  callId: string;
  /** The user the call belongs to: the callee of a call in, the caller of a call out. */
  userId: string;
  direction: CallDirection;
  /** The caller's number, or 'anonymous'. */
  from: string;
  /** As dialled. */
  to: string;
  /** Milliseconds since the epoch, from the input that caused the event. */
  at: number;
  /** For a call between two users: the callee, once the decision names them. */
  calleeUserId?: string;
}

export interface CallStartedEvent extends CallEventBase {
  type: 'call.started';
  /** The caller's display name, if one was given. */
  fromName?: string;
  /** The trunk a call in arrived on. */
  trunkId?: string;
}

/** Emitted once, on the first provisional of any leg. */
export interface CallRingingEvent extends CallEventBase {
  type: 'call.ringing';
  /** Everything ringing at that moment. */
  targets: Party[];
}

export interface CallAnsweredEvent extends CallEventBase {
  type: 'call.answered';
  /** The device (its RFC 5626 instance id, else its contact URI) or the number that answered. */
  answeredBy: Party;
}

export interface CallEndedEvent extends CallEventBase {
  type: 'call.ended';
  disposition: Disposition;
  /** Talk time in whole seconds, rounded up, from answer to hang-up; 0 when never answered. */
  durationS: number;
  hungUpBy: HungUpBy;
  answeredBy?: Party;
  /** The final SIP status the caller heard when the call was refused or failed, and its reason phrase. */
  sipStatus?: number;
  /** The SIP reason phrase (not stored: the stored `reason` is `endReason`). */
  reason?: string;
  /** Why it ended; stored as call.ended `reason`. Absent when an answered call was hung up by a party. */
  endReason?: EndReason;
}

export interface EmergencyCallEvent extends CallEventBase {
  type: 'emergency.call';
  number: string;
  trunk: string;
  callbackNumber: string;
  /** Whether a PIDF-LO with the address on file went with the INVITE. */
  locationSent: boolean;
}

export type CallEvent = CallStartedEvent | CallRingingEvent | CallAnsweredEvent | CallEndedEvent | EmergencyCallEvent;
