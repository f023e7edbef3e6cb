/**
 * Call recording (issue #5): calls whose users' policy allows recording are anchored
 * through a MediaAnchor, recorded as stereo WAV (caller left, callee right) with an
 * optional consent announcement, announced by recording.available and swept after the
 * retention period. docs/recording.md describes the hooks call control adds.
 */
export { MediaAnchor, answeredCodec } from './media-anchor.js';
export { RecordingService, safeSegment } from './recording-service.js';
export { CallRecorder } from './call-recorder.js';
export type { CallRecorderDeps } from './call-recorder.js';
export { allows, needsAnchor, strongestPolicy } from './recording-policy.js';
export type { RecordingAction, RecordingPolicy } from './recording-policy.js';
export { RecordingEvents } from './recording-events.js';
export { DAY_MS, sweepRecordings } from './retention-sweep.js';
export type { SweepResult } from './retention-sweep.js';
export { RECORDING_REFUSAL_STATUS } from './recording-types.js';
export { RECORDING_ACTIONS, RECORDING_API_CODES, controlRecording, isRecordingAction, recordingApiAnswer } from './recording-api.js';
export type { RecordingApiAction } from './recording-api.js';
export type {
  AnchoredMedia, AnsweredCall, EventSequence, FinishedRecording, RecordingAvailableEvent, RecordingEventSink, RecordingRefusal,
  RecordingResult, RecordingServiceOptions, RecordingState, RecordingUser,
} from './recording-types.js';
