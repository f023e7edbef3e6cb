/**
 * Failures the control API answers with, as values: `{ error: { code, message } }` with a
 * stable `code` (docs/openapi.yaml, ErrorCode) that clients match on, never the message.
 */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'USER_NOT_FOUND'
  | 'CALL_NOT_FOUND'
  | 'BLOCK_ENTRY_NOT_FOUND'
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_TOO_LARGE'
  | 'VERSION_CONFLICT'
  | 'CALL_SEQUENCE_UNKNOWN'
  | 'CALL_CONTROL_FAILED'
  | 'FEATURE_NOT_AVAILABLE'
  | 'MESSAGE_NOT_FOUND'
  | 'RECORDING_NOT_ALLOWED'
  | 'RECORDING_ALREADY_ACTIVE'
  | 'RECORDING_NOT_ACTIVE'
  | 'CALL_ENDED'
  | 'RECORDING_MEDIA_FAILED'
  | 'INTERNAL';

const STATUS: Readonly<Record<ApiErrorCode, number>> = {
  UNAUTHORIZED: 401,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  USER_NOT_FOUND: 404,
  CALL_NOT_FOUND: 404,
  BLOCK_ENTRY_NOT_FOUND: 404,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  VERSION_CONFLICT: 409,
  CALL_SEQUENCE_UNKNOWN: 409,
  CALL_CONTROL_FAILED: 502,
  FEATURE_NOT_AVAILABLE: 404,
  MESSAGE_NOT_FOUND: 404,
  // The recording codes are recording-api.ts's (RECORDING_API_CODES), with its statuses.
  RECORDING_NOT_ALLOWED: 409,
  RECORDING_ALREADY_ACTIVE: 409,
  RECORDING_NOT_ACTIVE: 409,
  CALL_ENDED: 409,
  RECORDING_MEDIA_FAILED: 502,
  INTERNAL: 500,
};

export interface ApiErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** Where in the request body (or query) the bad value is: `address.postalCode`, `targets[1].to`. */
  readonly field?: string;
  /** With VERSION_CONFLICT: the version to re-read from. */
  readonly currentVersion?: number;
}

/** A handler's answer: a status, a JSON body and extra headers. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function apiError(code: ApiErrorCode, message: string, extra: Omit<ApiErrorBody, 'code' | 'message'> = {}): ApiResponse {
  return { status: STATUS[code], body: { error: { code, message, ...extra } } };
}

export function ok(body: unknown, status = 200): ApiResponse {
  return { status, body };
}

export function isFailure(r: ApiResponse | object): r is ApiResponse {
  return 'status' in r && typeof r.status === 'number' && r.status >= 400;
}
