/**
 * Faults on demand, for tests of retry logic:
 * - 'lock': the next matching DML operations fail with UNABLE_TO_LOCK_ROW ("unable to obtain
 *   exclusive access to this record", SOAP API Developer Guide, 'StatusCode'); in sObject
 *   Collections the records fail one by one inside a 200 response.
 * - '5xx': the next matching HTTP requests answer 503 (or `status`).
 * - 'invalid-session': the next matching REST requests find their session gone (it is revoked)
 *   and answer 401 INVALID_SESSION_ID, as an expired session would.
 *
 * `match.pathPrefix` is compared with the request path; a prefix that does not start with
 * "/services/" is compared with the part after "/services/data/vNN.0" (e.g. "/composite/sobjects").
 */

export type FaultKind = 'lock' | '5xx' | 'invalid-session';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** How many matching requests (DML operations for 'lock') it affects; default 1. */
  readonly times?: number;
  readonly match?: { readonly method?: string; readonly pathPrefix?: string };
  /** For '5xx': the status to answer (default 503). */
  readonly status?: number;
  /** For 'lock' in sObject Collections: which records (0-based) fail; default all. */
  readonly recordIndexes?: readonly number[];
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private faults: ArmedFault[] = [];

  inject(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes and returns the first armed fault of `kind` matching the request, if any. */
  take(kind: FaultKind, method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find((f) => f.spec.kind === kind && f.remaining > 0 && matches(f.spec, method, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault.spec;
  }

  pending(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  const want = spec.match;
  if (!want) return true;
  if (want.method && want.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!want.pathPrefix) return true;
  if (want.pathPrefix.startsWith('/services/')) return path.startsWith(want.pathPrefix);
  const rest = /^\/services\/data\/v\d+\.\d+(\/.*)?$/.exec(path)?.[1] ?? '';
  return rest.startsWith(want.pathPrefix);
}
