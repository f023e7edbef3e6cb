/**
 * POST /services/oauth2/token — the OAuth 2.0 JWT bearer and username-password grants.
 *
 * Salesforce Help, 'OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration' and 'OAuth 2.0
 * Username-Password Flow for Special Scenarios': the body is form-encoded; grant_type is
 * urn:ietf:params:oauth:grant-type:jwt-bearer with `assertion`, or `password` with client_id,
 * client_secret, username and password (the password followed by the user's security token).
 * Success answers 200 with access_token, instance_url, id (the identity URL
 * …/id/<org id>/<user id>), token_type "Bearer", issued_at and signature (base64 HMAC-SHA256 of
 * id + issued_at). Failures answer 400 with {error, error_description} (RFC 6749 §5.2):
 *   invalid_grant "invalid assertion"            — bad signature, malformed JWT, wrong alg
 *   invalid_client_id "client identifier invalid" — unknown iss / client_id
 *   invalid_grant "audience is invalid"           — aud is not this login server
 *   invalid_grant "expired authorization code"    — exp in the past (what Salesforce answers)
 *   invalid_grant "user hasn't approved this consumer" — sub not pre-approved for the app
 *   invalid_client "invalid client credentials"   — wrong client_secret
 *   invalid_grant "authentication failure"        — wrong username, password or token
 *   unsupported_grant_type "grant type not supported"
 * (descriptions as reported by integrators, e.g. useparagon.com 'Salesforce invalid_grant
 * audience is invalid', salesforce.stackexchange.com q. 282513 and 184363).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RestReply } from './api-errors.js';
import type { OAuthClient } from './emulator-options.js';
import { parseAssertion, signatureValid } from './jwt-assertion.js';
import type { OrgUser, OrgUsers } from './org-users.js';
import type { SessionRegistry } from './session-registry.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface TokenEndpointDeps {
  readonly users: OrgUsers;
  readonly sessions: SessionRegistry;
  readonly clients: readonly OAuthClient[];
  readonly orgId: string;
  readonly signingKey: Buffer;
  baseUrl(): string;
  audiences(): readonly string[];
  /** Wall clock, ms since the epoch. */
  wallNow(): number;
}

const oauthError = (error: string, description: string): RestReply => ({ status: 400, body: { error, error_description: description } });

export function handleTokenRequest(deps: TokenEndpointDeps, body: string): RestReply {
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  if (grant === JWT_BEARER_GRANT) return jwtGrant(deps, form.get('assertion') ?? '');
  if (grant === 'password') return passwordGrant(deps, form);
  return oauthError('unsupported_grant_type', 'grant type not supported');
}

function jwtGrant(deps: TokenEndpointDeps, assertion: string): RestReply {
  const parsed = parseAssertion(assertion);
  if (!parsed.ok) return oauthError('invalid_grant', 'invalid assertion');
  const { iss, sub, aud, exp } = parsed.claims;
  const keys = deps.users.jwtKeys(iss);
  if (keys.length === 0) return oauthError('invalid_client_id', 'client identifier invalid');
  if (!signatureValid(parsed, keys)) return oauthError('invalid_grant', 'invalid assertion');
  if (!deps.audiences().includes(trimSlash(aud))) return oauthError('invalid_grant', 'audience is invalid');
  if (exp * 1000 <= deps.wallNow()) return oauthError('invalid_grant', 'expired authorization code');
  const user = deps.users.byUsername(sub);
  if (!user || user.spec.jwt?.consumerKey !== iss) return oauthError('invalid_grant', "user hasn't approved this consumer");
  return tokenResponse(deps, user, 'api');
}

function passwordGrant(deps: TokenEndpointDeps, form: URLSearchParams): RestReply {
  const clientId = form.get('client_id') ?? '';
  const client = deps.clients.find((c) => c.clientId === clientId);
  const jwtApp = deps.users.jwtKeys(clientId).length > 0;
  if (!client && !jwtApp) return oauthError('invalid_client_id', 'client identifier invalid');
  if (client?.clientSecret !== undefined && !sameText(client.clientSecret, form.get('client_secret') ?? '')) {
    return oauthError('invalid_client', 'invalid client credentials');
  }
  const user = deps.users.byUsername(form.get('username') ?? '');
  if (!user || !sameText(user.spec.password + user.spec.securityToken, form.get('password') ?? '')) {
    return oauthError('invalid_grant', 'authentication failure');
  }
  return tokenResponse(deps, user);
}

function tokenResponse(deps: TokenEndpointDeps, user: OrgUser, scope?: string): RestReply {
  const session = deps.sessions.issue(user.spec.username);
  const base = deps.baseUrl();
  const id = `${base}/id/${deps.orgId}/${user.userId}`;
  const issuedAt = String(deps.wallNow());
  const signature = createHmac('sha256', deps.signingKey).update(id + issuedAt).digest('base64');
  return {
    status: 200,
    body: { access_token: session.token, ...(scope ? { scope } : {}), instance_url: base, id, token_type: 'Bearer', issued_at: issuedAt, signature },
  };
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
