/**
 * The control API's side of recording: which service function an action runs, and the
 * HTTP answer for a RecordingResult, in the control API's shape (`{ error: { code,
 * message } }` with a stable code, docs/openapi.yaml), so the route the lead adds is a
 * few lines. The codes are new to ApiErrorCode except CALL_NOT_FOUND.
 */
import type { RecordingService } from './recording-service.js';
import type { RecordingRefusal, RecordingResult } from './recording-types.js';
import { RECORDING_REFUSAL_STATUS } from './recording-types.js';

export const RECORDING_ACTIONS = ['start', 'pause', 'resume', 'stop'] as const;
export type RecordingApiAction = (typeof RECORDING_ACTIONS)[number];

export const RECORDING_API_CODES: Readonly<Record<RecordingRefusal, string>> = Object.freeze({
  'not-found': 'CALL_NOT_FOUND',
  'not-allowed-by-policy': 'RECORDING_NOT_ALLOWED',
  'already-recording': 'RECORDING_ALREADY_ACTIVE',
  'not-recording': 'RECORDING_NOT_ACTIVE',
  'call-ended': 'CALL_ENDED',
  'media-failed': 'RECORDING_MEDIA_FAILED',
});

export function isRecordingAction(x: string): x is RecordingApiAction {
  return (RECORDING_ACTIONS as readonly string[]).includes(x);
}

/** Runs `action` for `userId` on `callId`. */
export function controlRecording(service: RecordingService, action: RecordingApiAction, userId: string, callId: string): Promise<RecordingResult> {
  switch (action) {
    case 'start':
      return service.startRecording(userId, callId);
    case 'pause':
      return service.pauseRecording(userId, callId);
    case 'resume':
      return service.resumeRecording(userId, callId);
    case 'stop':
      return service.stopRecording(userId, callId);
  }
}

/** 200 `{ callId, state, recordingId? }`, or the refusal's status with `{ error: { code, message } }`. */
export function recordingApiAnswer(callId: string, result: RecordingResult): { readonly status: number; readonly body: unknown } {
  if (result.ok) {
    return { status: 200, body: { callId, state: result.state, ...(result.recordingId !== undefined ? { recordingId: result.recordingId } : {}) } };
  }
  return { status: RECORDING_REFUSAL_STATUS[result.code], body: { error: { code: RECORDING_API_CODES[result.code], message: result.message } } };
}
