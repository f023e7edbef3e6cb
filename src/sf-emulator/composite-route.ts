/**
 * POST /composite. REST API Developer Guide, 'Composite', 'Composite Subrequest Result' and
 * 'allOrNone Parameters in Composite and Collections Requests':
 * - body {allOrNone, collateSubrequests, compositeRequest: [{method, url, referenceId, body}]};
 *   up to 25 subrequests, of which up to 5 are sObject Collections or queries; referenceIds
 *   contain only letters, numbers and underscores.
 * - A later subrequest refers to an earlier result with @{referenceId.field} (also
 *   @{ref.records[0].Id}); a reference to a subrequest that failed is refused with
 *   PROCESSING_HALTED "Invalid reference specified …".
 * - The response is 200 {compositeResponse: [{body, httpHeaders, httpStatusCode,
 *   referenceId}]}. "If allOrNone is set to true in the composite request and a subrequest
 *   returns an error, all other subrequests return the 400 HTTP status code" with
 *   PROCESSING_HALTED "The transaction was rolled back since another operation in the same
 *   transaction failed.", and every change is rolled back. The whole request counts as one API
 *   call ('Composite': "The entire series of requests counts as a single call toward your API
 * limits").
 * Subrequests run in order (collateSubrequests is accepted and ignored). Malformed composite
 * bodies answer 400 INVALID_INPUT (the emulator's choice of code).
 */
import { errorReply, sfError } from './api-errors.js';
import type { RestReply } from './api-errors.js';
import { badBody, isPlainObject } from './rest-call.js';
import type { RestCall } from './rest-call.js';

export type Dispatch = (call: RestCall) => RestReply;

interface SubRequest {
  readonly method: string;
  readonly url: string;
  readonly referenceId: string;
  readonly body: unknown;
}

interface SubResult {
  readonly body: unknown;
  readonly httpHeaders: Readonly<Record<string, string>>;
  readonly httpStatusCode: number;
  readonly referenceId: string;
}

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES_AND_COLLECTIONS = 5;
const REF = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}/g;

const halted = (message: string): unknown => [{ errorCode: 'PROCESSING_HALTED', message }];
const ROLLED_BACK = 'The transaction was rolled back since another operation in the same transaction failed.';

export function compositeRoute(call: RestCall, dispatch: Dispatch): RestReply {
  if (call.method !== 'POST') return errorReply(405, sfError('METHOD_NOT_ALLOWED', `HTTP Method '${call.method}' not allowed. Allowed are POST`));
  const parsed = parseRequests(call.body);
  if (typeof parsed === 'string') return errorReply(400, sfError('INVALID_INPUT', parsed));
  if (parsed === undefined) return badBody('{"allOrNone": boolean, "compositeRequest": [ … ]}');
  const allOrNone = isPlainObject(call.body) && call.body['allOrNone'] === true;
  const { store } = call.org;
  if (allOrNone) store.begin();
  const results: SubResult[] = [];
  let failedAt = -1;
  for (const sub of parsed) {
    if (allOrNone && failedAt >= 0) break;
    const result = runOne(call, dispatch, sub, results, allOrNone);
    results.push(result);
    if (result.httpStatusCode >= 400 && failedAt < 0) failedAt = results.length - 1;
  }
  if (allOrNone) {
    if (failedAt >= 0) store.rollback();
    else store.commit();
  }
  const compositeResponse = parsed.map((sub, i): SubResult => {
    const r = results[i];
    if (allOrNone && failedAt >= 0 && i !== failedAt) {
      return { body: halted(ROLLED_BACK), httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId };
    }
    return r!;
  });
  return { status: 200, body: { compositeResponse } };
}

function parseRequests(body: unknown): SubRequest[] | string | undefined {
  if (!isPlainObject(body) || !Array.isArray(body['compositeRequest'])) return undefined;
  const list = body['compositeRequest'] as unknown[];
  if (list.length === 0) return 'compositeRequest must contain at least one subrequest';
  if (list.length > MAX_SUBREQUESTS) return `The composite request has ${list.length} subrequests; the maximum is ${MAX_SUBREQUESTS}`;
  const subs: SubRequest[] = [];
  for (const item of list) {
    if (!isPlainObject(item) || typeof item['method'] !== 'string' || typeof item['url'] !== 'string' || typeof item['referenceId'] !== 'string') {
      return 'each subrequest needs method, url and referenceId';
    }
    const referenceId = item['referenceId'];
    if (!/^[A-Za-z0-9_]+$/.test(referenceId)) return `referenceId '${referenceId}' may contain only letters, numbers and underscores`;
    if (subs.some((s) => s.referenceId === referenceId)) return `Duplicate referenceId '${referenceId}'`;
    subs.push({ method: item['method'].toUpperCase(), url: item['url'], referenceId, body: item['body'] });
  }
  const heavy = subs.filter((s) => /\/(query|queryAll|composite\/sobjects)(\/|\?|$)/.test(s.url)).length;
  if (heavy > MAX_QUERIES_AND_COLLECTIONS) return `at most ${MAX_QUERIES_AND_COLLECTIONS} subrequests may be sObject Collections or queries, found ${heavy}`;
  return subs;
}

function runOne(call: RestCall, dispatch: Dispatch, sub: SubRequest, done: readonly SubResult[], allOrNone: boolean): SubResult {
  const fail = (status: number, body: unknown): SubResult => ({ body, httpHeaders: {}, httpStatusCode: status, referenceId: sub.referenceId });
  const resolved = resolveReferences(sub, done);
  if (typeof resolved === 'string') return fail(400, halted(resolved));
  const target = parseSubUrl(resolved.url);
  const version = target ? call.org.acceptedVersion(target.version) : undefined;
  if (!target || !version) return fail(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  const { url, segments } = target;
  if (segments[0] === 'composite' && segments.length === 1) return fail(400, [{ errorCode: 'INVALID_INPUT', message: 'a composite request cannot contain a composite request' }]);
  const reply = dispatch({
    org: call.org, user: call.user, method: sub.method, path: url.pathname, version, segments,
    query: url.searchParams, body: resolved.body, inAllOrNone: allOrNone,
  });
  return { body: reply.body ?? null, httpHeaders: reply.headers ?? {}, httpStatusCode: reply.status, referenceId: sub.referenceId };
}

/** The subrequest URL's path, version and decoded segments; undefined when it is not a REST data URL. */
function parseSubUrl(text: string): { url: URL; version: string; segments: string[] } | undefined {
  try {
    const url = new URL(text, 'http://composite.invalid');
    const m = /^\/services\/data\/(v[^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return undefined;
    return { url, version: m[1]!, segments: (m[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent) };
  } catch {
    return undefined;
  }
}

function resolveReferences(sub: SubRequest, done: readonly SubResult[]): { url: string; body: unknown } | string {
  let problem: string | undefined;
  const lookup = (ref: string, path: string): unknown => {
    const source = done.find((d) => d.referenceId === ref);
    const value = source && source.httpStatusCode < 400 ? walk(source.body, path) : undefined;
    if (value === undefined) {
      problem ??= `Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must be valid and the subrequest with that referenceId must have completed successfully.`;
    }
    return value;
  };
  const substitute = (text: string): unknown => {
    const whole = new RegExp(`^${REF.source}$`).exec(text);
    if (whole) return lookup(whole[1]!, whole[2]!);
    return text.replace(REF, (_all, ref: string, path: string) => String(lookup(ref, path) ?? ''));
  };
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') return substitute(value);
    if (Array.isArray(value)) return value.map(deep);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
    return value;
  };
  const url = String(substitute(sub.url));
  const body = deep(sub.body);
  return problem ?? { url, body };
}

function walk(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isPlainObject(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}
