/**
 * Opening a Salesforce session with jsforce, and seeing every HTTP exchange it makes.
 *
 * Logins are done here, not by jsforce's session refresh: a Connection built from an access
 * token and no OAuth client has no refresh delegate, so jsforce never logs in again behind
 * our back and SalesforceClient decides (once per call) when to.
 *
 * jsforce does record `Sforce-Limit-Info` (Connection#limitInfo, updated by
 * Connection#request), but it hides the HTTP status of failures (HttpApiError has only the
 * errorCode) and, in its fetch layer, retries GET/PUT/DELETE on 5xx with real-time sleeps of
 * its own. So each Transport (the Connection's and the OAuth2 client's) is wrapped: the
 * wrapper reports every request and response (status, headers) to an HttpObserver, turns
 * jsforce's internal retries off (the client retries with the injected clock instead) and
 * sets a request timeout.
 */
import { Connection, OAuth2 } from 'jsforce';
import type { HttpRequest, HttpRequestOptions, HttpResponse, TokenResponse } from 'jsforce';
import { buildJwtAssertion, readPrivateKey } from './jwt-assertion.js';
import { checkApiVersion, checkLoginUrl, jwtAudience } from './login-url.js';
import { SalesforceError } from './salesforce-error.js';
import type { SalesforceConnectionOptions } from './types.js';

export interface HttpObserver {
  /** A request is about to leave. */
  onRequest(): void;
  /** Its response arrived (header names lower-cased). */
  onResponse(status: number, headers: Readonly<Record<string, string | undefined>>): void;
}

export interface SalesforceSession {
  readonly connection: Connection;
  readonly userId?: string;
  readonly orgId?: string;
}

/** Opens sessions; SalesforceClient calls it for the first login and for each re-login. */
export interface SalesforceConnector {
  open(observer: HttpObserver): Promise<SalesforceSession>;
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** SOAP login() is not offered from API 65.0 on (Salesforce Help 005132110); older versions keep it until Summer '27. */
const LAST_SOAP_LOGIN_VERSION = 64;
const NO_RETRY: NonNullable<HttpRequestOptions['retry']> = { maxRetries: 0, methods: [], statusCodes: [], errorCodes: [] };

type Transport = Connection['_transport'];

export interface JsforceConnectorOptions {
  /** Wall clock, epoch ms (JWT exp). */
  readonly epochNow: () => number;
  /** Per HTTP request. Default 60 000 ms (jsforce's own default is 30 minutes). */
  readonly requestTimeoutMs?: number;
  /**
   * Where the login requests actually go, when not to loginUrl itself: a local emulator
   * standing in for test.salesforce.com in tests, or a reverse proxy. The JWT audience is
   * still derived from loginUrl.
   */
  readonly loginEndpoint?: string;
}

export class JsforceConnector implements SalesforceConnector {
  private readonly loginUrl: string;
  private readonly endpoint: string;
  private readonly apiVersion: string;
  /** Why the options cannot work; reported by open() so that constructing never throws. */
  private readonly invalid: string | undefined;

  constructor(private readonly options: SalesforceConnectionOptions, private readonly deps: JsforceConnectorOptions) {
    const url = checkLoginUrl(options.loginUrl);
    const version = checkApiVersion(options.apiVersion);
    const endpoint = deps.loginEndpoint === undefined ? url : checkLoginUrl(deps.loginEndpoint);
    this.loginUrl = url.ok ? url.url : options.loginUrl;
    this.endpoint = endpoint.ok ? endpoint.url : this.loginUrl;
    this.apiVersion = version ?? options.apiVersion;
    this.invalid = !url.ok ? url.reason
      : !endpoint.ok ? endpoint.reason
        : !version ? `API version ${JSON.stringify(options.apiVersion)} is not of the form '62.0'` : undefined;
  }

  async open(observer: HttpObserver): Promise<SalesforceSession> {
    if (this.invalid !== undefined) throw configError(this.invalid);
    const auth = this.options.auth;
    if (auth.kind === 'jwt') return this.fromToken(await this.jwtToken(auth, observer), observer);
    if (auth.clientId && auth.clientSecret) {
      const oauth2 = this.observed(new OAuth2({ loginUrl: this.endpoint, clientId: auth.clientId, clientSecret: auth.clientSecret }), observer);
      return this.fromToken(await oauth2.authenticate(auth.username, auth.password + auth.securityToken), observer);
    }
    return this.soapLogin(auth.username, auth.password + auth.securityToken, observer);
  }

  private async jwtToken(auth: { clientId: string; username: string; privateKeyPem: string }, observer: HttpObserver): Promise<TokenResponse> {
    const key = readPrivateKey(auth.privateKeyPem);
    if (!key) throw configError('the JWT private key is not an RSA private key in PEM form');
    const assertion = buildJwtAssertion({
      clientId: auth.clientId,
      username: auth.username,
      audience: jwtAudience(this.loginUrl),
      nowSeconds: this.deps.epochNow() / 1000,
    }, key);
    const oauth2 = this.observed(new OAuth2({ loginUrl: this.endpoint }), observer);
    return oauth2.requestToken({ grant_type: JWT_BEARER_GRANT, assertion });
  }

  private fromToken(token: TokenResponse, observer: HttpObserver): SalesforceSession {
    const ids = parseIdentityUrl(token.id);
    return { connection: this.connection(token.instance_url, token.access_token, observer), ...ids };
  }

  /** jsforce's SOAP login() on a throw-away Connection (API ≤ 64.0), then a plain token Connection. */
  private async soapLogin(username: string, password: string, observer: HttpObserver): Promise<SalesforceSession> {
    const version = Math.min(Number.parseInt(this.apiVersion, 10), LAST_SOAP_LOGIN_VERSION);
    const temp = new Connection({ loginUrl: this.endpoint, version: `${version}.0` });
    this.observeTransport(temp._transport, observer);
    const info = await temp.login(username, password);
    if (!temp.accessToken) throw new SalesforceError('INVALID_LOGIN', 'SOAP login returned no session', { permanent: true });
    return {
      connection: this.connection(temp.instanceUrl, temp.accessToken, observer),
      userId: info.id,
      orgId: info.organizationId,
    };
  }

  private connection(instanceUrl: string, accessToken: string, observer: HttpObserver): Connection {
    const conn = new Connection({ instanceUrl, accessToken, version: this.apiVersion });
    this.observeTransport(conn._transport, observer);
    return conn;
  }

  private observed(oauth2: OAuth2, observer: HttpObserver): OAuth2 {
    this.observeTransport(oauth2._transport, observer);
    return oauth2;
  }

  private observeTransport(transport: Transport, observer: HttpObserver): void {
    const send = transport.httpRequest.bind(transport);
    const timeout = this.deps.requestTimeoutMs ?? 60_000;
    transport.httpRequest = (req: HttpRequest, options?: HttpRequestOptions) => {
      observer.onRequest();
      const pending = send(req, { ...options, retry: NO_RETRY, timeout });
      pending.then((res: HttpResponse) => observer.onResponse(res.statusCode, res.headers), () => undefined);
      return pending;
    };
  }
}

/** Salesforce's identity URL ends in /id/<orgId>/<userId>. */
function parseIdentityUrl(id: string | undefined): { userId?: string; orgId?: string } {
  const m = /\/id\/([^/]+)\/([^/?]+)/.exec(id ?? '');
  return m?.[1] && m[2] ? { orgId: m[1], userId: m[2] } : {};
}

function configError(reason: string): SalesforceError {
  return new SalesforceError('INVALID_CONFIG', reason, { permanent: true });
}
