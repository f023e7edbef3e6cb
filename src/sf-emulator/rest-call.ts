/**
 * One REST request as the routes see it, whether it came over HTTP or as a composite
 * subrequest, and the small helpers they share.
 */
import { errorReply, sfError } from './api-errors.js';
import type { RestReply, SfError } from './api-errors.js';
import type { EmulatedOrg } from './emulated-org.js';
import type { OrgUser } from './org-users.js';

export interface RestCall {
  readonly org: EmulatedOrg;
  readonly user: OrgUser;
  readonly method: string;
  /** The full path, e.g. /services/data/v62.0/sobjects/Task (no query string). */
  readonly path: string;
  /** 'NN.0' */
  readonly version: string;
  /** Path segments after /services/data/vNN.0, URL-decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  /** Set for subrequests of a composite request with allOrNone: it overrides a collection's own flag. */
  readonly inAllOrNone?: boolean;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const created = (body: unknown, location: string): RestReply => ({ status: 201, body, headers: { Location: location } });

/** A request body that is not a JSON object where one is expected. */
export function badBody(expected: string): RestReply {
  return errorReply(400, sfError('JSON_PARSER_ERROR', `The request body must be ${expected}`));
}

/**
 * UNABLE_TO_LOCK_ROW when a 'lock' fault is armed for this DML operation (SOAP API Developer
 * Guide, 'StatusCode': "A deadlock or timeout condition has been detected").
 */
export function lockFault(call: RestCall): { readonly error: SfError; readonly recordIndexes?: readonly number[] } | undefined {
  const fault = call.org.faults.take('lock', call.method, call.path);
  if (!fault) return undefined;
  return {
    error: sfError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record or 1 records'),
    ...(fault.recordIndexes ? { recordIndexes: fault.recordIndexes } : {}),
  };
}
