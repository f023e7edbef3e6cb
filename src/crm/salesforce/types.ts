/**
 * The shapes callers of src/crm/salesforce agree on (the Task worker and the lookup use them).
 */

/**
 * How the integration user logs in.
 * - 'jwt': OAuth 2.0 JWT bearer flow (recommended; no password, a certificate on the app).
 * - 'password': username + password + security token, through SOAP login() or, when the
 *   app's clientId/clientSecret are given, the OAuth 2.0 username-password grant. Salesforce
 *   is retiring both (docs/crm.md, "Password login is being retired").
 */
export type SalesforceAuth =
  | { readonly kind: 'jwt'; readonly clientId: string; readonly username: string; readonly privateKeyPem: string }
  | {
      readonly kind: 'password';
      readonly username: string;
      readonly password: string;
      readonly securityToken: string;
      readonly clientId?: string;
      readonly clientSecret?: string;
    };

export interface SalesforceConnectionOptions {
  readonly auth: SalesforceAuth;
  /**
   * https://login.salesforce.com, https://test.salesforce.com (sandbox) or a My Domain URL;
   * http is accepted only for 127.0.0.1 / localhost (the emulator in tests).
   */
  readonly loginUrl: string;
  /** e.g. '62.0' */
  readonly apiVersion: string;
}

/** What an API call is for; the label of linegate_crm_sf_api_calls_total. */
export type ApiCallKind =
  | 'login'
  | 'sosl'
  | 'soql'
  | 'create'
  | 'update'
  | 'upsert'
  | 'collections'
  | 'composite'
  | 'describe'
  | 'limits';

export const API_CALL_KINDS: readonly ApiCallKind[] = [
  'login', 'sosl', 'soql', 'create', 'update', 'upsert', 'collections', 'composite', 'describe', 'limits',
];

/** normal: calls go at once; slow: calls are spaced out; paused: non-critical calls wait. */
export type GovernorState = 'normal' | 'slow' | 'paused';

/** The org's daily API usage as the last Sforce-Limit-Info header told it. */
export interface ApiUsage {
  readonly used: number;
  readonly max: number;
}

/** What to do about a failed call or record. */
export type ErrorVerdict = 'relogin' | 'backoff' | 'retry' | 'permanent';
