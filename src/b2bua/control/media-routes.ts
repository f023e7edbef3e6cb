/**
 * Visual voicemail and call recording over the control API (issue #5; docs/voicemail.md
 * and docs/recording.md, "hooks"). Bearer-authenticated like every route, user-scoped: the
 * user must exist in the dialplan, and a message is only ever looked up in its user's box.
 * Without the service wired (an external voicemail service; no media), the routes answer
 * 404 FEATURE_NOT_AVAILABLE, so a client can tell "not here" from "no such message".
 */
import { controlRecording, isRecordingAction, recordingApiAnswer } from '../recording/index.js';
import type { RecordingService } from '../recording/index.js';
import type { VoicemailService } from '../voicemail/index.js';
import { apiError, ok } from './api-error.js';
import type { ApiResponse } from './api-error.js';
import type { OpenApiDocument } from './openapi-document.js';
import type { FileResponse, Route, RouteRequest } from './route.js';
import type { SettingsService } from './settings-service.js';
import { userId, validBody } from './settings-routes.js';

export interface MediaRouteDeps {
  readonly settings: SettingsService;
  readonly document: OpenApiDocument;
  readonly voicemail?: VoicemailService | undefined;
  readonly recordings?: RecordingService | undefined;
}

const VOICEMAIL_MESSAGE = '/users/{userId}/voicemail/{messageId}';

export function mediaRoutes(deps: MediaRouteDeps): Route[] {
  return [
    { method: 'GET', path: '/users/{userId}/voicemail', auth: true, handle: (req) => withBox(req, deps, listMessages) },
    { method: 'GET', path: VOICEMAIL_MESSAGE, auth: true, handle: (req) => withBox(req, deps, download) },
    { method: 'POST', path: `${VOICEMAIL_MESSAGE}/heard`, auth: true, handle: (req) => withBox(req, deps, (vm, user, r) => change(vm.markHeard(user, messageId(r)), r, { heard: true })) },
    { method: 'DELETE', path: VOICEMAIL_MESSAGE, auth: true, handle: (req) => withBox(req, deps, (vm, user, r) => change(vm.delete(user, messageId(r)), r, { deleted: true })) },
    { method: 'POST', path: '/calls/{callId}/recording/{action}', auth: true, handle: (req) => recording(req, deps) },
  ];
}

type BoxHandler = (vm: VoicemailService, userId: string, req: RouteRequest) => Promise<ApiResponse | FileResponse>;

async function withBox(req: RouteRequest, deps: MediaRouteDeps, handle: BoxHandler): Promise<ApiResponse | FileResponse> {
  const vm = deps.voicemail;
  if (!vm) return apiError('FEATURE_NOT_AVAILABLE', 'voicemail is not kept by this gateway (the dialplan uses an external voicemail service)');
  const user = deps.settings.user(userId(req));
  if (!user.ok) return user.response;
  if (!vm.hasMailbox(user.value.id)) return apiError('FEATURE_NOT_AVAILABLE', `user "${user.value.id}" has no voicemail box`);
  return handle(vm, user.value.id, req);
}

function messageId(req: RouteRequest): string {
  return req.params['messageId'] ?? '';
}

async function listMessages(vm: VoicemailService, user: string): Promise<ApiResponse> {
  const [messages, counts] = await Promise.all([vm.list(user), vm.counts(user)]);
  return ok({
    userId: user, new: counts.new, old: counts.old,
    messages: messages.map((m) => ({ id: m.id, from: m.from, at: m.at, durationMs: m.durationMs, heard: m.heard, callId: m.callId })),
  });
}

async function download(vm: VoicemailService, user: string, req: RouteRequest): Promise<ApiResponse | FileResponse> {
  const file = await vm.open(user, messageId(req));
  if (!file) return apiError('MESSAGE_NOT_FOUND', `no message "${messageId(req)}" in ${user}'s voicemail`);
  return { status: 200, contentType: 'audio/wav', path: file.path, size: file.size };
}

async function change(done: Promise<boolean>, req: RouteRequest, body: object): Promise<ApiResponse> {
  if (!(await done)) return apiError('MESSAGE_NOT_FOUND', `no message "${messageId(req)}" in this voicemail box`);
  return ok({ messageId: messageId(req), ...body });
}

async function recording(req: RouteRequest, deps: MediaRouteDeps): Promise<ApiResponse> {
  const action = req.params['action'] ?? '';
  if (!isRecordingAction(action)) return apiError('VALIDATION_FAILED', `no recording action "${action}": use start, pause, resume or stop`, { field: 'action' });
  const body = await validBody(req, deps.document, 'RecordingControl');
  if (!body.ok) return body.response;
  const user = deps.settings.user((body.value as { userId: string }).userId);
  if (!user.ok) return user.response;
  if (!deps.recordings) return apiError('FEATURE_NOT_AVAILABLE', 'call recording is not available on this gateway');
  const callId = req.params['callId'] ?? '';
  return recordingApiAnswer(callId, await controlRecording(deps.recordings, action, user.value.id, callId)) as ApiResponse;
}
