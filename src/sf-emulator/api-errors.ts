/**
 * Salesforce's error shapes. REST API Developer Guide, 'Status Codes and Error Responses'
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm):
 * an error body is an array of `{ message, errorCode, fields }`; 401 means the session ID or
 * OAuth token expired or is invalid; 403 with REQUEST_LIMIT_EXCEEDED means the org's API
 * request limit is exceeded; 404 the resource was not found; 300 an external ID matched more
 * than one record.
 *
 * Inside sObject Collections results the same error is reported per record as
 * `{ statusCode, message, fields }` (the SaveResult's Error type; see the response examples in
 * 'Update Records Using sObject Collections').
 */

/** One error, as the emulator carries it internally. */
export interface SfError {
  readonly errorCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/** A REST reply before it is written to the socket. `body` is serialised as JSON unless `text` is set. */
export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A non-JSON body (SOAP XML, plain text) with its content type. */
  readonly text?: { readonly contentType: string; readonly content: string };
}

export function sfError(errorCode: string, message: string, fields: readonly string[] = []): SfError {
  return { errorCode, message, fields };
}

/** The REST error body: `[{ message, errorCode, fields }]`. */
export function errorReply(status: number, errors: SfError | readonly SfError[]): RestReply {
  const list = Array.isArray(errors) ? (errors as readonly SfError[]) : [errors as SfError];
  return { status, body: list.map((e) => ({ message: e.message, errorCode: e.errorCode, fields: [...e.fields] })) };
}

/** The per-record error inside a collection result: `{ statusCode, message, fields }`. */
export function recordError(e: SfError): { statusCode: string; message: string; fields: string[] } {
  return { statusCode: e.errorCode, message: e.message, fields: [...e.fields] };
}

export const NOT_FOUND = sfError('NOT_FOUND', 'The requested resource does not exist');

export const INVALID_SESSION = sfError('INVALID_SESSION_ID', 'Session expired or invalid');

export const REQUEST_LIMIT_EXCEEDED = sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

export function notFound(): RestReply {
  return errorReply(404, NOT_FOUND);
}

export function methodNotAllowed(method: string, allowed: readonly string[]): RestReply {
  return errorReply(405, sfError('METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`));
}

export function noSuchColumn(type: string, field: string): SfError {
  return sfError('INVALID_FIELD', `No such column '${field}' on sobject of type ${type}`);
}

export function unsupportedType(type: string): SfError {
  return sfError('INVALID_TYPE', `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
}
