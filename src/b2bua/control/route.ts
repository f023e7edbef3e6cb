/**
 * One route of the control API: a method, an OpenAPI path template (`/users/{userId}/dnd`)
 * and its handler. The route table is data, so a test can compare it with the paths of
 * docs/openapi.yaml in both directions.
 */
import type { ApiResponse } from './api-error.js';
import type { BodyResult } from './http-io.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RouteRequest {
  /** Path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Reads and parses the JSON body (at most once per request). */
  body(): Promise<BodyResult>;
}

/** A non-JSON answer (the OpenAPI document as YAML). */
export interface TextResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** A file streamed as the answer (a voicemail message as audio/wav). */
export interface FileResponse {
  readonly status: number;
  readonly contentType: string;
  readonly path: string;
  readonly size: number;
}

export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  /** false only for the OpenAPI document itself. */
  readonly auth: boolean;
  handle(req: RouteRequest): Promise<ApiResponse | TextResponse | FileResponse>;
}

export type RouteMatch =
  | { readonly type: 'Found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly type: 'WrongMethod'; readonly allow: readonly HttpMethod[] }
  | { readonly type: 'NotFound' };

/** Matches a request path against the table; a segment that is not valid %-encoding matches nothing. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allow: HttpMethod[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.method === method) return { type: 'Found', route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { type: 'WrongMethod', allow } : { type: 'NotFound' };
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(w)?.[1];
    if (name === undefined) {
      if (w !== g) return undefined;
      continue;
    }
    const value = decode(g);
    if (value === undefined || value === '') return undefined;
    params[name] = value;
  }
  return params;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
