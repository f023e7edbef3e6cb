/**
 * Call routes: click-to-call (RFC 3725 third-party call control, run by the shell), notes
 * and opportunity tags on a call during or after it, and a user's recent calls.
 */
import { DISPOSITIONS } from '../../events/index.js';
import type { RecentCall, Store } from '../../state/index.js';
import { LinegateError } from '../../shared/index.js';
import { apiError, ok } from './api-error.js';
import type { ApiResponse } from './api-error.js';
import { CALL_NOT_FOUND } from './call-annotations.js';
import type { CallAnnotations } from './call-annotations.js';
import type { CallControl } from './call-control.js';
import { CALL_SEQUENCE_UNKNOWN } from './call-sequence.js';
import type { OpenApiDocument } from './openapi-document.js';
import type { Route, RouteRequest } from './route.js';
import type { SettingsService } from './settings-service.js';
import { userId, validBody } from './settings-routes.js';

export interface CallRouteDeps {
  readonly settings: SettingsService;
  readonly document: OpenApiDocument;
  readonly calls: CallControl;
  readonly annotations: CallAnnotations;
  readonly store: Store;
}

const DEFAULT_LIMIT = 50;

export function callRoutes(deps: CallRouteDeps): Route[] {
  return [
    { method: 'POST', path: '/click-to-call', auth: true, handle: (req) => clickToCall(req, deps) },
    { method: 'POST', path: '/calls/{callId}/notes', auth: true, handle: (req) => annotate(req, deps, 'NoteAdd', 201) },
    { method: 'PUT', path: '/calls/{callId}/opportunity', auth: true, handle: (req) => annotate(req, deps, 'OpportunityTag', 200) },
    { method: 'GET', path: '/users/{userId}/calls', auth: true, handle: (req) => recentCalls(req, deps) },
  ];
}

async function clickToCall(req: RouteRequest, deps: CallRouteDeps): Promise<ApiResponse> {
  const body = await validBody(req, deps.document, 'ClickToCall');
  if (!body.ok) return body.response;
  const b = body.value as { userId: string; destination: string; opportunityId?: string };
  const user = deps.settings.user(b.userId);
  if (!user.ok) return user.response;
  const opts = b.opportunityId === undefined ? {} : { opportunityId: b.opportunityId };
  const started = await shell(() => deps.calls.clickToCall(user.value.id, b.destination, opts));
  if (!started.ok) return started.response;
  if (b.opportunityId !== undefined) await deps.annotations.recordOpportunity(started.value.callId, user.value.id, b.opportunityId);
  return ok({ callId: started.value.callId }, 202);
}

async function annotate(req: RouteRequest, deps: CallRouteDeps, schema: 'NoteAdd' | 'OpportunityTag', status: number): Promise<ApiResponse> {
  const callId = req.params['callId'] ?? '';
  const body = await validBody(req, deps.document, schema);
  if (!body.ok) return body.response;
  const b = body.value as { userId: string; text?: string; opportunityId?: string };
  const user = deps.settings.user(b.userId);
  if (!user.ok) return user.response;
  const done = await shell(() =>
    schema === 'NoteAdd' ? deps.annotations.addNote(callId, user.value.id, b.text ?? '') : deps.annotations.tagOpportunity(callId, user.value.id, b.opportunityId ?? ''),
  );
  return done.ok ? ok({ callId }, status) : done.response;
}

async function recentCalls(req: RouteRequest, deps: CallRouteDeps): Promise<ApiResponse> {
  const user = deps.settings.user(userId(req));
  if (!user.ok) return user.response;
  const limitText = req.query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!/^[0-9]{1,2}$/.test(limitText ?? '50') || limit < 1 || limit > DEFAULT_LIMIT) {
    return apiError('VALIDATION_FAILED', `limit must be a whole number from 1 to ${DEFAULT_LIMIT}`, { field: 'limit' });
  }
  const calls = await deps.store.listRecentCalls(user.value.id, limit);
  return ok({ calls: calls.map(summary) });
}

function summary(call: RecentCall): object {
  return {
    callId: call.callId,
    direction: call.direction,
    otherParty: call.direction === 'inbound' ? call.from : call.to,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt ?? null,
    endedAt: call.endedAt ?? null,
    durationS: call.durationS ?? (call.endedAt === undefined ? null : 0),
    status: status(call),
    answeredBy: call.answeredBy ?? null,
    hasNotes: call.hasNotes === true,
    opportunityId: call.opportunityId ?? null,
  };
}

/** in-progress until the call ends; a disposition this version does not know reads as failed. */
function status(call: RecentCall): string {
  if (call.endedAt === undefined && call.disposition === undefined) return 'in-progress';
  return (DISPOSITIONS as readonly string[]).find((d) => d === call.disposition) ?? 'failed';
}

type ShellResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: ApiResponse };

/** Runs a call-shell action; its expected refusals become API errors, anything else propagates (500). */
async function shell<T>(action: () => Promise<T>): Promise<ShellResult<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (e) {
    if (!(e instanceof LinegateError)) throw e;
    if (e.code === CALL_NOT_FOUND) return { ok: false, response: apiError('CALL_NOT_FOUND', e.message) };
    if (e.code === CALL_SEQUENCE_UNKNOWN) return { ok: false, response: apiError('CALL_SEQUENCE_UNKNOWN', 'this call has no recorded event sequence (it ended without recording one), so it cannot be annotated here; add the note in the CRM instead') };
    return { ok: false, response: apiError('CALL_CONTROL_FAILED', `the call could not be handled (${e.code})`) };
  }
}
