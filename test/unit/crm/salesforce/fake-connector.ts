/**
 * A SalesforceConnector without HTTP, for unit tests of SalesforceClient: each open() is one
 * login request; `respond()` plays one HTTP exchange (request counted, status and
 * Sforce-Limit-Info reported) as jsforce's wrapped transport would.
 */
import type { Connection } from 'jsforce';
import type { ApiUsage, HttpObserver, SalesforceConnector, SalesforceSession } from '../../../../src/crm/index.js';

export class FakeConnector implements SalesforceConnector {
  opens = 0;
  /** Errors the next open() calls throw, in order (undefined = succeed). */
  readonly openFailures: unknown[] = [];
  private observer: HttpObserver | undefined;

  async open(observer: HttpObserver): Promise<SalesforceSession> {
    this.observer = observer;
    this.opens += 1;
    observer.onRequest();
    const failure = this.openFailures.shift();
    if (failure !== undefined) {
      const status = (failure as { status?: number }).status;
      if (status !== undefined) observer.onResponse(status, {});
      throw failure;
    }
    observer.onResponse(200, {});
    const connection = { instanceUrl: 'https://fake.my.salesforce.com', session: this.opens } as unknown as Connection;
    return { connection, userId: '005000000000001AAA', orgId: '00D000000000001AAA' };
  }

  /** One HTTP exchange of the current call. */
  respond(status: number, usage?: ApiUsage): void {
    if (!this.observer) throw new Error('not logged in');
    this.observer.onRequest();
    this.observer.onResponse(status, usage ? { 'sforce-limit-info': `api-usage=${usage.used}/${usage.max}` } : {});
  }
}

/** The session number a fake Connection belongs to. */
export function sessionOf(conn: Connection): number {
  return (conn as unknown as { session: number }).session;
}

/** An error shaped like jsforce's HttpApiError (errorCode, name, data). */
export function sfError(errorCode: string, message = errorCode, fields: string[] = []): Error {
  const e = new Error(message);
  e.name = errorCode;
  return Object.assign(e, { errorCode, data: { errorCode, message, fields } });
}

/** node-fetch's FetchError for a socket failure. */
export function networkError(code = 'ECONNRESET'): Error {
  const e = new Error(`request failed, reason: ${code}`);
  e.name = 'FetchError';
  return Object.assign(e, { code, errno: code });
}

/** Lets pending promise chains run until they block on a timer. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
