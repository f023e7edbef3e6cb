/**
 * Routes /services/data/vNN.0/… to the resource handlers, and names each request's kind for
 * `apiCalls()` (the kinds the CRM worker counts: login, sosl, soql, create, update, upsert,
 * collections, composite, describe, limits — plus retrieve, versions, resources and other).
 */
import { notFound } from './api-errors.js';
import type { RestReply } from './api-errors.js';
import { collectionRoute } from './collection-routes.js';
import { compositeRoute } from './composite-route.js';
import { limitsRoute, queryRoute, resourcesRoute, searchRoute } from './data-routes.js';
import { describeGlobal } from './describe-result.js';
import type { RestCall } from './rest-call.js';
import { sobjectRoute } from './sobject-routes.js';

export const API_CALL_KINDS = [
  'login', 'versions', 'resources', 'describe', 'limits', 'soql', 'sosl',
  'create', 'retrieve', 'update', 'upsert', 'collections', 'composite', 'other',
] as const;

export type ApiCallKind = (typeof API_CALL_KINDS)[number];

export function classify(method: string, segments: readonly string[]): ApiCallKind {
  const [first, second, third, fourth] = segments;
  switch (first) {
    case undefined:
      return 'resources';
    case 'limits':
      return 'limits';
    case 'query':
    case 'queryAll':
      return 'soql';
    case 'search':
      return 'sosl';
    case 'composite':
      return second === 'sobjects' ? 'collections' : 'composite';
    case 'sobjects':
      return classifySObject(method, second, third, fourth);
    default:
      return 'other';
  }
}

function classifySObject(method: string, type: string | undefined, second: string | undefined, third: string | undefined): ApiCallKind {
  if (type === undefined || second === 'describe' || (second === undefined && method === 'GET')) return 'describe';
  if (second === undefined) return method === 'POST' ? 'create' : 'other';
  if (method === 'GET') return 'retrieve';
  if (method === 'PATCH') return third === undefined ? 'update' : 'upsert';
  return 'other';
}

export function dispatch(call: RestCall): RestReply {
  const [first] = call.segments;
  switch (first) {
    case undefined:
      return resourcesRoute(call);
    case 'limits':
      return call.segments.length === 1 ? limitsRoute(call) : notFound();
    case 'query':
      return queryRoute(call);
    case 'search':
      return searchRoute(call);
    case 'composite':
      return call.segments[1] === 'sobjects' ? collectionRoute(call) : call.segments.length === 1 ? compositeRoute(call, dispatch) : notFound();
    case 'sobjects':
      if (call.segments.length === 1) return call.method === 'GET' ? { status: 200, body: describeGlobal(call.org.schema, call.user.access, call.version) } : notFound();
      return sobjectRoute(call);
    default:
      return notFound();
  }
}
