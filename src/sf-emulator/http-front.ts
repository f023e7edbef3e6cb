/**
 * From an HTTP request to a reply: the login endpoints, the Versions resource, and for every
 * REST data call the checks Salesforce makes before a resource runs — API version, injected
 * faults, session (401 INVALID_SESSION_ID), daily allowance (403 REQUEST_LIMIT_EXCEEDED) — and
 * the Sforce-Limit-Info header on the answer.
 *
 * - 'Versions' (REST API Developer Guide): GET /services/data/ lists [{label, url, version}]
 *   without authentication and does not count toward the API limit ('Limit Info Header').
 * - Authorization: "Bearer <token>" (or the older "OAuth <token>").
 * - An unknown version or path answers 404 NOT_FOUND.
 */
import { errorReply, INVALID_SESSION, notFound, REQUEST_LIMIT_EXCEEDED, sfError } from './api-errors.js';
import type { RestReply } from './api-errors.js';
import type { EmulatedOrg } from './emulated-org.js';
import { handleTokenRequest, trimSlash } from './oauth-endpoint.js';
import { classify, dispatch } from './rest-router.js';
import type { ApiCallKind } from './rest-router.js';
import { fault, handleSoapRequest } from './soap-login.js';

export interface FrontRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface Front {
  readonly org: EmulatedOrg;
  baseUrl(): string;
  countCall(kind: ApiCallKind): void;
}

const SEASONS = ['Winter', 'Spring', 'Summer'];

export function handleRequest(front: Front, req: FrontRequest): RestReply {
  const url = new URL(req.url, 'http://emulator.invalid');
  const path = url.pathname;
  if (path === '/services/oauth2/token') return login(front, req, path, () => tokenEndpoint(front, req));
  const soap = /^\/services\/Soap\/u\/([^/]+)/.exec(path);
  if (soap) return login(front, req, path, () => soapEndpoint(front, soap[1]!, req.body));
  if (path === '/services/data' || path === '/services/data/') {
    front.countCall('versions');
    return req.method === 'GET' ? versions(front.org) : notFound();
  }
  const rest = /^\/services\/data\/(v[^/]+)(\/.*)?$/.exec(path);
  if (!rest) {
    front.countCall('other');
    return notFound();
  }
  return restCall(front, req, url, rest[1]!, rest[2] ?? '');
}

function login(front: Front, req: FrontRequest, path: string, run: () => RestReply): RestReply {
  front.countCall('login');
  if (req.method !== 'POST') return errorReply(405, sfError('METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST`));
  const injected = front.org.faults.take('5xx', req.method, path);
  if (injected) return { status: injected.status ?? 503, text: { contentType: 'text/plain', content: 'Service Unavailable' } };
  return run();
}

function tokenEndpoint(front: Front, req: FrontRequest): RestReply {
  const { org } = front;
  return handleTokenRequest({
    users: org.users,
    sessions: org.sessions,
    clients: org.options.oauthClients ?? [],
    orgId: org.orgId,
    signingKey: org.signingKey,
    baseUrl: () => front.baseUrl(),
    audiences: () => [front.baseUrl(), ...(org.options.jwtAudiences ?? [])].map(trimSlash),
    wallNow: () => org.wallNow(),
  }, req.body);
}

function soapEndpoint(front: Front, versionText: string, body: string): RestReply {
  const version = front.org.acceptedVersion(versionText);
  if (!version) return fault('UNSUPPORTED_API_VERSION', `UNSUPPORTED_API_VERSION: Invalid Api version specified on URL: ${versionText}`);
  return handleSoapRequest({ users: front.org.users, sessions: front.org.sessions, orgId: front.org.orgId, baseUrl: () => front.baseUrl() }, version, body);
}

function versions(org: EmulatedOrg): RestReply {
  const list = [];
  for (let n = org.minVersion; n <= org.maxVersion; n++) {
    const k = n - 50;
    const label = `${SEASONS[((k % 3) + 3) % 3]} '${String(21 + Math.floor(k / 3)).padStart(2, '0')}`;
    list.push({ label, url: `/services/data/v${n}.0`, version: `${n}.0` });
  }
  return { status: 200, body: list };
}

function restCall(front: Front, req: FrontRequest, url: URL, versionText: string, rest: string): RestReply {
  const { org } = front;
  const version = org.acceptedVersion(versionText);
  const decoded = rest.split('/').filter(Boolean).map(safeDecode);
  const segments = decoded.filter((s): s is string => s !== undefined);
  front.countCall(version ? classify(req.method, segments) : 'other');
  if (!version || segments.length !== decoded.length) return notFound();
  const withUsage = (reply: RestReply): RestReply => ({ ...reply, headers: { ...reply.headers, 'Sforce-Limit-Info': org.allowance.header() } });
  const injected = org.faults.take('5xx', req.method, url.pathname);
  if (injected) return withUsage(errorReply(injected.status ?? 503, sfError('SERVER_UNAVAILABLE', 'Service temporarily unavailable (injected fault)')));
  const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.authorization ?? '')?.[1];
  const session = token ? org.sessions.use(token) : undefined;
  const user = session ? org.users.byUsername(session.username) : undefined;
  if (!token || !user) return withUsage(errorReply(401, INVALID_SESSION));
  if (org.faults.take('invalid-session', req.method, url.pathname)) {
    org.sessions.revoke(token);
    return withUsage(errorReply(401, INVALID_SESSION));
  }
  if (org.allowance.exhausted()) return withUsage(errorReply(403, REQUEST_LIMIT_EXCEEDED));
  org.allowance.count();
  const body = parseJson(req.body);
  if (!body.ok) return withUsage(errorReply(400, sfError('JSON_PARSER_ERROR', body.message)));
  return withUsage(dispatch({
    org, user, method: req.method, path: url.pathname, version, segments, query: url.searchParams, body: body.value,
  }));
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: `Unexpected character in the request body: ${(err as Error).message}` };
  }
}
