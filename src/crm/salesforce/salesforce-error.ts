/**
 * Salesforce failures as values the worker can act on: an error code from Salesforce's
 * table, whether retrying can ever help, and which fields were at fault.
 *
 * Salesforce REST API Developer Guide, "Status Codes and Error Responses": 401 = session
 * expired or invalid (INVALID_SESSION_ID), 403 REQUEST_LIMIT_EXCEEDED = the org's API
 * allowance is used up, 5xx = Salesforce-side failure; error bodies are
 * `[{ "message", "errorCode", "fields" }]`. UNABLE_TO_LOCK_ROW ("Core Data Types Used in API
 * Calls", StatusCode) is another transaction holding the row: retrying succeeds.
 */
import { LinegateError } from '../../shared/index.js';
import type { ErrorVerdict } from './types.js';

export class SalesforceError extends LinegateError {
  /** True when retrying the same request cannot succeed (validation, permissions, bad field…). */
  readonly permanent: boolean;
  /** The fields Salesforce blamed, if any. */
  readonly fields: readonly string[];
  readonly httpStatus: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { permanent: boolean; fields?: readonly string[]; httpStatus?: number; cause?: unknown },
  ) {
    super(code, message, { cause: options.cause });
    this.name = 'SalesforceError';
    this.permanent = options.permanent;
    this.fields = options.fields ?? [];
    this.httpStatus = options.httpStatus;
  }
}

const RELOGIN = new Set(['INVALID_SESSION_ID']);
const RETRY = new Set(['UNABLE_TO_LOCK_ROW', 'ALL_OR_NONE_OPERATION_ROLLED_BACK']);
const BACKOFF = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
  'REQUEST_TIMEOUT',
  'NETWORK_ERROR',
  // Node / node-fetch socket errors: the request may never have reached Salesforce.
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'UND_ERR_SOCKET',
]);

/**
 * What to do about a Salesforce error code (a whole request's, or one record's in an sObject
 * Collections result, where there is no HTTP status).
 */
export function classifySalesforceError(code: string, httpStatus?: number): ErrorVerdict {
  if (RELOGIN.has(code) || httpStatus === 401) return 'relogin';
  if (RETRY.has(code)) return 'retry';
  if (BACKOFF.has(code) || /^ERROR_HTTP_5\d\d$/.test(code)) return 'backoff';
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) return 'backoff';
  return 'permanent';
}

/** What we could learn from anything jsforce, node-fetch or our own code threw. */
export interface ErrorFacts {
  readonly code: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/**
 * jsforce throws HttpApiError (`errorCode`, `data` = Salesforce's error object), OAuth errors
 * named after the OAuth `error` (invalid_grant…), plain Errors carrying a SOAP faultstring
 * ("INVALID_LOGIN: …"), and node-fetch FetchErrors with a socket `code`.
 */
export function errorFacts(err: unknown): ErrorFacts {
  if (err instanceof SalesforceError) return { code: err.code, message: err.message, fields: err.fields };
  if (!(err instanceof Error)) return { code: 'UNKNOWN_ERROR', message: String(err), fields: [] };
  const rec = err as Error & { errorCode?: unknown; code?: unknown; data?: unknown };
  const message = err.message;
  if (typeof rec.errorCode === 'string' && rec.errorCode !== '' && rec.errorCode !== 'Error') {
    return { code: rec.errorCode, message, fields: fieldsOf(rec.data) };
  }
  if (typeof rec.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(rec.code)) return { code: rec.code, message, fields: [] };
  if (err.name === 'FetchError' || err.name === 'AbortError') return { code: 'NETWORK_ERROR', message, fields: [] };
  if (message === 'Request Timeout') return { code: 'REQUEST_TIMEOUT', message, fields: [] };
  const fault = /^([A-Z][A-Z_]+[A-Z]):\s/.exec(message);
  if (fault?.[1]) return { code: fault[1], message, fields: [] };
  // OAuth token endpoint errors are named after RFC 6749 §5.2 codes (invalid_grant…);
  // non-JSON HTTP failures after their status (ERROR_HTTP_503).
  if (/^[a-z]+(_[a-z]+)+$|^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(err.name)) return { code: err.name, message, fields: [] };
  return { code: 'UNKNOWN_ERROR', message, fields: [] };
}

function fieldsOf(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const fields = (data as { fields?: unknown }).fields;
  return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
}
