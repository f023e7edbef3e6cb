/**
 * What the recording service (issue #5) is given and what it answers. Like the rest of
 * src/b2bua it sees the media server only through MediaEndpoint, so the embedded endpoint,
 * FreeSWITCH and unit-test fakes fit alike.
 */
import type { Logger } from 'pino';
import type { RecordingPolicy } from '../../config/index.js';
import type { CallEvent } from '../../events/index.js';
import type { MediaEndpoint } from '../../media/index.js';
import type { Clock } from '../../shared/index.js';

export type RecordingAvailableEvent = Extract<CallEvent, { type: 'recording.available' }>;

/** A user with a recording policy: the dialplan's `User` fits as it is. */
export interface RecordingUser {
  readonly id: string;
  readonly recording: RecordingPolicy;
}

/** The two endpoints of an anchored call (a MediaAnchor fits). */
export interface AnchoredMedia {
  /** Faces the caller: recordCall() is called on it, so the caller is the left channel. */
  readonly caller: MediaEndpoint;
  /** Faces the callee: the right channel. */
  readonly callee: MediaEndpoint;
  /** Resolves when the media is gone; the call's recording then ends as at hang-up. */
  readonly closed?: Promise<void>;
}

/** Where recording.available goes: the event log (`EventLog.append` fits). */
export interface RecordingEventSink {
  append(event: CallEvent): Promise<unknown>;
}

/**
 * The next unused event seq of a call that has ended. The control API's CallSequence fits:
 * it rejects until the shell has recorded the call's last seq, and the service retries.
 */
export interface EventSequence {
  /** `userId`: whose recent calls hold the call. */
  next(callId: string, userId: string): Promise<number>;
}

export interface RecordingServiceOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: RecordingEventSink;
  readonly sequence: EventSequence;
  readonly users: readonly RecordingUser[];
  /** Recordings go to `<dir>/<userId>/<recordingId>.wav`: a path the media server writes and this process can list. */
  readonly dir: string;
  /** A WAV played to both parties before each recording starts (PROMPTS['recording-notice']); none when absent. */
  readonly consentPrompt?: string;
  /** Recordings whose file is older than this are deleted by sweep(); kept forever when absent. */
  readonly retentionDays?: number;
  /** How often start() runs sweep() (default one hour). */
  readonly sweepIntervalMs?: number;
  /** Wall clock, epoch ms: file ages and events' `at` (default Date.now). */
  readonly epochNow?: () => number;
  /** Where the recording can be fetched, for the event's `url`; no url when absent. */
  readonly urlOf?: (userId: string, recordingId: string) => string;
}

/** What the shell tells the service when an anchored call is answered. */
export interface AnsweredCall {
  readonly callId: string;
  /** The users of the call, the call's owner first (an internal call has two). */
  readonly userIds: readonly string[];
  readonly media: AnchoredMedia;
}

export type RecordingState = 'idle' | 'starting' | 'recording' | 'paused';

/** Why a control request was refused; RECORDING_REFUSAL_STATUS maps each to an HTTP status. */
export type RecordingRefusal =
  | 'not-found'
  | 'not-allowed-by-policy'
  | 'already-recording'
  | 'not-recording'
  | 'call-ended'
  | 'media-failed';

export type RecordingResult =
  | { readonly ok: true; readonly state: RecordingState; readonly recordingId?: string }
  | { readonly ok: false; readonly code: RecordingRefusal; readonly message: string };

/** The status the control API answers with for each refusal (409: the call's state or policy forbids it). */
export const RECORDING_REFUSAL_STATUS: Readonly<Record<RecordingRefusal, number>> = Object.freeze({
  'not-found': 404,
  'not-allowed-by-policy': 409,
  'already-recording': 409,
  'not-recording': 409,
  'call-ended': 409,
  'media-failed': 502,
});

/** A finished recording file, before its event goes out. */
export interface FinishedRecording {
  readonly callId: string;
  readonly userId: string;
  readonly recordingId: string;
  readonly path: string;
  readonly durationMs: number;
}

/** The pino subset the service logs with (a pino Logger fits; tests pass a fake). */
export type Logged = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
