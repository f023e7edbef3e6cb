/**
 * Every request linegate makes to Salesforce goes through SalesforceClient.call(kind, fn):
 * it waits for the governor, lends fn a logged-in jsforce Connection, counts each HTTP
 * request by kind, and decides what a failure means (salesforce-error.ts):
 * - INVALID_SESSION_ID (401): log in again, once per call, and retry;
 * - REQUEST_LIMIT_EXCEEDED, 5xx, network errors (backoff) and UNABLE_TO_LOCK_ROW (retry):
 *   exponential backoff with full jitter on the injected clock, up to maxAttempts, then a
 *   SalesforceError with permanent = false (the caller may try again later);
 * - anything else: SalesforceError with permanent = true.
 * A call marked `idempotent: false` (a create) is not repeated after a 5xx or a network
 * error, because Salesforce may have applied it; limit, lock and session errors are
 * rejected before any work, so those are still retried.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Connection } from 'jsforce';
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { Logger } from '../../observability/index.js';
import { ApiGovernor } from './api-governor.js';
import type { GovernorSettings } from './api-governor.js';
import { DEFAULT_RETRY, fullJitterDelay } from './backoff.js';
import type { RetryPolicy } from './backoff.js';
import { JsforceConnector } from './jsforce-connector.js';
import type { HttpObserver, SalesforceConnector, SalesforceSession } from './jsforce-connector.js';
import { parseLimitInfo } from './limit-info.js';
import { classifySalesforceError, errorFacts, SalesforceError } from './salesforce-error.js';
import { noSalesforceMetrics } from './salesforce-metrics.js';
import type { SalesforceMetrics } from './salesforce-metrics.js';
import { API_CALL_KINDS } from './types.js';
import type { ApiCallKind, ApiUsage, ErrorVerdict, GovernorState, SalesforceConnectionOptions } from './types.js';

export interface SalesforceClientOptions {
  readonly connection: SalesforceConnectionOptions;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly metrics?: SalesforceMetrics;
  readonly governor?: GovernorSettings;
  readonly retry?: Partial<RetryPolicy>;
  /** Wall clock, epoch ms (JWT exp, the UTC day). Default Date.now. */
  readonly epochNow?: () => number;
  /** [0, 1) for the backoff jitter. Default Math.random. */
  readonly random?: () => number;
  /** Per HTTP request. Default 60 000 ms. */
  readonly requestTimeoutMs?: number;
  /** How sessions are opened. Default: jsforce (JsforceConnector); tests pass a fake. */
  readonly connector?: SalesforceConnector;
}

export interface CallOptions {
  /** Never held by the governor (a caller's name while the phone rings). Default false. */
  readonly critical?: boolean;
  /** False for requests that must not be repeated after an unknown outcome (creates). Default true. */
  readonly idempotent?: boolean;
}

interface Attempt {
  readonly kind: ApiCallKind;
  status: number | undefined;
}

export class SalesforceClient {
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly metrics: SalesforceMetrics;
  private readonly connector: SalesforceConnector;
  private readonly governor: ApiGovernor;
  private readonly attempts = new AsyncLocalStorage<Attempt>();
  private readonly counts = Object.fromEntries(API_CALL_KINDS.map((k) => [k, 0])) as Record<ApiCallKind, number>;
  private readonly sleeps = new Map<TimerHandle, (err: Error) => void>();
  private session: Promise<SalesforceSession> | undefined;
  private closed = false;

  constructor(private readonly options: SalesforceClientOptions) {
    const epochNow = options.epochNow ?? Date.now;
    this.clock = options.clock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics ?? noSalesforceMetrics;
    this.connector = options.connector ?? new JsforceConnector(options.connection, { epochNow, requestTimeoutMs: options.requestTimeoutMs });
    this.governor = new ApiGovernor({
      ...options.governor,
      clock: options.clock,
      epochNow,
      onStateChange: (state) => this.onGovernorState(state),
    });
    this.metrics.governorState('normal');
  }

  /** Logs in now (otherwise the first call does). */
  async connect(): Promise<void> {
    await this.currentSession();
  }

  /**
   * `fn` may return any thenable (jsforce's Query is one): it is awaited inside the call's
   * context, so the HTTP requests it makes are counted under `kind`.
   */
  async call<T>(kind: ApiCallKind, fn: (conn: Connection) => PromiseLike<T>, options: CallOptions = {}): Promise<T> {
    let reloggedIn = false;
    for (let failures = 0; ; ) {
      this.assertOpen();
      await this.governor.admit(options.critical ?? false);
      const session = await this.currentSession();
      const attempt: Attempt = { kind, status: undefined };
      try {
        return await this.attempts.run(attempt, async () => await fn(session.connection));
      } catch (err) {
        const failure = this.failure(err, attempt.status);
        if (failure.verdict === 'relogin' && !reloggedIn) {
          reloggedIn = true;
          this.options.logger?.warn({ kind, code: failure.error.code }, 'Salesforce session expired; logging in again');
          await this.relogin(session);
          continue;
        }
        failures += 1;
        if (!this.mayRetry(failure, options, failures)) throw failure.error;
        const delay = fullJitterDelay(failures, this.retry, this.random);
        this.options.logger?.info({ kind, code: failure.error.code, retry: failures, delayMs: delay }, 'Salesforce call failed; retrying');
        await this.sleep(delay);
      }
    }
  }

  governorState(): GovernorState {
    return this.governor.state();
  }

  apiUsage(): ApiUsage | undefined {
    return this.governor.apiUsage();
  }

  /** HTTP requests sent so far, by kind (the same counts as the metric). */
  apiCallCounts(): Readonly<Record<ApiCallKind, number>> {
    return { ...this.counts };
  }

  /** The logged-in user and org, once connected. */
  async identity(): Promise<{ userId?: string; orgId?: string; instanceUrl: string }> {
    const s = await this.currentSession();
    return { userId: s.userId, orgId: s.orgId, instanceUrl: s.connection.instanceUrl };
  }

  /** Rejects waiting calls (CLIENT_CLOSED) and cancels every timer. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.governor.close();
    for (const [timer, reject] of this.sleeps) {
      this.clock.clearTimeout(timer);
      reject(closedError());
    }
    this.sleeps.clear();
  }

  private failure(err: unknown, status: number | undefined): { verdict: ErrorVerdict; error: SalesforceError } {
    const facts = errorFacts(err);
    const httpStatus = err instanceof SalesforceError ? err.httpStatus ?? status : status;
    const verdict = err instanceof SalesforceError && err.permanent ? 'permanent' : classifySalesforceError(facts.code, httpStatus);
    const error = err instanceof SalesforceError ? err : new SalesforceError(facts.code, facts.message, {
      permanent: verdict === 'permanent',
      fields: facts.fields,
      httpStatus,
      cause: err,
    });
    return { verdict, error };
  }

  private mayRetry(failure: { verdict: ErrorVerdict; error: SalesforceError }, options: CallOptions, failures: number): boolean {
    if (failures >= this.retry.maxAttempts || this.closed) return false;
    if (failure.verdict === 'retry') return true;
    if (failure.verdict !== 'backoff') return false;
    return options.idempotent !== false || failure.error.code === 'REQUEST_LIMIT_EXCEEDED';
  }

  private currentSession(): Promise<SalesforceSession> {
    this.assertOpen();
    if (!this.session) {
      const opening = this.login();
      this.session = opening;
      opening.catch(() => {
        if (this.session === opening) this.session = undefined;
      });
    }
    return this.session;
  }

  /** A new session, unless another call already replaced the one that expired. */
  private async relogin(expired: SalesforceSession): Promise<void> {
    const pending = this.session;
    if (pending) {
      const current = await pending.catch(() => undefined);
      if (current && current !== expired) return;
    }
    if (this.session === pending) this.session = undefined;
    await this.currentSession();
  }

  /** The login itself backs off on network errors and 5xx; bad credentials fail at once. */
  private async login(): Promise<SalesforceSession> {
    for (let failures = 1; ; failures++) {
      const attempt: Attempt = { kind: 'login', status: undefined };
      try {
        return await this.attempts.run(attempt, async () => await this.connector.open(this.observer));
      } catch (err) {
        // SOAP faults come back as HTTP 500 ("INVALID_LOGIN: …"): a Salesforce code says more than the status.
        const coded = errorFacts(err).code;
        const byCode = coded !== 'UNKNOWN_ERROR' && classifySalesforceError(coded) === 'permanent';
        const { verdict, error } = this.failure(err, byCode ? undefined : attempt.status);
        // A 401 from the login endpoint is a refusal, not an expired session.
        const refused = verdict === 'permanent' || verdict === 'relogin';
        if (refused || failures >= this.retry.maxAttempts || this.closed) {
          this.options.logger?.error({ code: error.code }, 'Salesforce login failed');
          throw refused && !error.permanent
            ? new SalesforceError(error.code, error.message, { permanent: true, httpStatus: error.httpStatus, cause: err })
            : error;
        }
        await this.sleep(fullJitterDelay(failures, this.retry, this.random));
      }
    }
  }

  private readonly observer: HttpObserver = {
    onRequest: () => {
      const attempt = this.attempts.getStore();
      if (!attempt) return;
      this.counts[attempt.kind] += 1;
      this.metrics.apiCalls(attempt.kind);
    },
    onResponse: (status, headers) => {
      const attempt = this.attempts.getStore();
      if (attempt) attempt.status = status;
      const usage = parseLimitInfo(headers['sforce-limit-info']);
      if (usage) this.governor.observe(usage);
    },
  };

  private onGovernorState(state: GovernorState): void {
    this.metrics.governorState(state);
    const usage = this.governor.apiUsage();
    this.options.logger?.warn({ state, used: usage?.used, max: usage?.max }, 'Salesforce API governor state changed');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, reject);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): SalesforceError {
  return new SalesforceError('CLIENT_CLOSED', 'the Salesforce client is closed', { permanent: false });
}
