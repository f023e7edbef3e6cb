/**
 * The control API's HTTP server (node:http, no framework): bearer-token auth, the route
 * table, JSON errors with stable codes, and the OpenAPI document at /openapi.yaml|json.
 * Lifecycle as in architecture §3: start(), close() (graceful, idempotent), destroy().
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Dialplan } from '../../config/index.js';
import type { EventLog } from '../../events/index.js';
import type { RecordingService } from '../recording/index.js';
import type { VoicemailService } from '../voicemail/index.js';
import type { Store } from '../../state/index.js';
import { apiError } from './api-error.js';
import type { ApiResponse } from './api-error.js';
import { BearerAuth } from './bearer-auth.js';
import type { TokenSource } from './bearer-auth.js';
import { blockListRoutes } from './block-list-routes.js';
import { CallAnnotations } from './call-annotations.js';
import type { CallControl } from './call-control.js';
import { callRoutes } from './call-routes.js';
import { mediaRoutes } from './media-routes.js';
import { readJsonBody, writeFile, writeJson, writeText } from './http-io.js';
import type { BodyResult } from './http-io.js';
import { OpenApiDocument } from './openapi-document.js';
import { matchRoute } from './route.js';
import type { FileResponse, Route, TextResponse } from './route.js';
import { SettingsChecker } from './settings-check.js';
import { SettingsService } from './settings-service.js';
import { settingsRoutes } from './settings-routes.js';

export interface ControlServerOptions {
  readonly address: string;
  /** 0: any free port (tests). */
  readonly port: number;
  /** The control API token (config's Secret): compared in constant time, never logged. */
  readonly token: TokenSource;
  readonly dialplan: Dialplan;
  readonly store: Store;
  readonly events: EventLog;
  readonly calls: CallControl;
  /** linegate's own voicemail (visual voicemail routes); absent: they answer FEATURE_NOT_AVAILABLE. */
  readonly voicemail?: VoicemailService | undefined;
  /** Call recording control; absent: FEATURE_NOT_AVAILABLE. */
  readonly recordings?: RecordingService | undefined;
  readonly logger?: Logger;
  /** Wall clock, epoch ms, for events' `at`. Default Date.now. */
  readonly wallNow?: () => number;
  /** Default: docs/openapi.yaml of this checkout. */
  readonly openApiPath?: string;
}

export class ControlServer {
  private readonly auth: BearerAuth;
  private readonly server: Server;
  private routes: readonly Route[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ControlServerOptions) {
    this.auth = new BearerAuth(options.token);
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  async start(): Promise<void> {
    const document = await OpenApiDocument.load(this.options.openApiPath);
    this.routes = buildRoutes(this.options, document);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): { address: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { address: a.address, port: a.port };
  }

  /** Method and path template of every route answered, for the OpenAPI check. */
  routeTable(): ReadonlyArray<{ method: string; path: string }> {
    return this.routes.map((r) => ({ method: r.method, path: r.path }));
  }

  /** Stops accepting, lets requests in flight finish, closes idle keep-alive connections. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    return this.closing;
  }

  destroy(): void {
    this.server.closeAllConnections();
    if (this.server.listening) this.server.close();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let response: ApiResponse | TextResponse | FileResponse;
    let route = 'unmatched';
    try {
      const found = this.dispatch(req);
      route = found.route;
      response = await found.run();
    } catch (e) {
      // A store or event log failure: logged here, answered as a stable code without internals.
      this.options.logger?.error({ err: e, method: req.method, route }, 'control API request failed');
      response = apiError('INTERNAL', 'the request could not be completed; try again');
    }
    if ('path' in response) await writeFile(res, response);
    else if ('text' in response) writeText(res, response.status, response.contentType, response.text);
    else writeJson(res, response);
    // Never the Authorization header or the body: they may hold the token or personal data.
    this.options.logger?.debug({ method: req.method, route, status: response.status, ms: Math.round(performance.now() - started) }, 'control API request');
  }

  private dispatch(req: IncomingMessage): { route: string; run: () => Promise<ApiResponse | TextResponse | FileResponse> } {
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    const match = matchRoute(this.routes, req.method ?? 'GET', url.pathname);
    if (match.type === 'NotFound') return { route: 'unmatched', run: async () => drained(req, apiError('ROUTE_NOT_FOUND', `no route ${url.pathname}`)) };
    if (match.type === 'WrongMethod') {
      const failure = { ...apiError('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here`), headers: { allow: match.allow.join(', ') } };
      return { route: 'unmatched', run: async () => drained(req, failure) };
    }
    const { route, params } = match;
    const run = async (): Promise<ApiResponse | TextResponse | FileResponse> => {
      const denied = route.auth ? this.auth.check(req.headers.authorization) : undefined;
      if (denied) return drained(req, denied);
      let body: Promise<BodyResult> | undefined;
      return route.handle({ params, query: url.searchParams, body: () => (body ??= readJsonBody(req)) });
    };
    return { route: `${route.method} ${route.path}`, run };
  }
}

/** Answers without reading the body; it is discarded so the connection stays usable. */
function drained<T>(req: IncomingMessage, response: T): T {
  req.resume();
  return response;
}

function buildRoutes(options: ControlServerOptions, document: OpenApiDocument): Route[] {
  const settings = new SettingsService(options.dialplan.users, options.store);
  const checker = new SettingsChecker(options.dialplan);
  const annotations = new CallAnnotations({ store: options.store, events: options.events, calls: options.calls, wallNow: options.wallNow ?? Date.now });
  const deps = { settings, checker, document };
  return [
    { method: 'GET', path: '/openapi.yaml', auth: false, handle: async () => ({ status: 200, contentType: 'application/yaml', text: document.yaml }) },
    { method: 'GET', path: '/openapi.json', auth: false, handle: async () => ({ status: 200, contentType: 'application/json', text: document.json }) },
    ...settingsRoutes(deps),
    ...blockListRoutes(deps),
    ...callRoutes({ settings, document, calls: options.calls, annotations, store: options.store }),
    ...mediaRoutes({ settings, document, voicemail: options.voicemail, recordings: options.recordings }),
  ];
}
