/**
 * A local Salesforce org over HTTP for tests and demos: OAuth (JWT bearer, password), SOAP
 * login, REST sObject CRUD/upsert, sObject Collections, Composite, SOQL and SOSL for what
 * linegate issues, with Salesforce's errors, session expiry, API allowance, search-index lag
 * and faults on demand. docs/sf-emulator.md says what is emulated and what is not.
 *
 *   const sf = new SalesforceEmulator({ users: [{ username, password, securityToken }] });
 *   const { url } = await sf.start();    // http://127.0.0.1:<port>: login URL and instance URL
 *   …
 *   await sf.close();
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LinegateError } from '../shared/index.js';
import type { RestReply } from './api-errors.js';
import { EmulatedOrg } from './emulated-org.js';
import type { RecordView, SalesforceEmulatorOptions, SfValue } from './emulator-options.js';
import type { FaultSpec } from './fault-injector.js';
import { handleRequest } from './http-front.js';
import { SF_EMULATOR_CONFIG } from './org-schema.js';
import { viewOf } from './record-view.js';
import { API_CALL_KINDS } from './rest-router.js';
import type { ApiCallKind } from './rest-router.js';

export const SF_EMULATOR_NOT_STARTED = 'SF_EMULATOR_NOT_STARTED';
const MAX_BODY_BYTES = 20 * 1024 * 1024;

export type ApiCallCounts = Readonly<Record<ApiCallKind, number>>;

export class SalesforceEmulator {
  private readonly org: EmulatedOrg;
  private readonly server: Server;
  private readonly counts = new Map<ApiCallKind, number>();
  private baseUrl: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SalesforceEmulatorOptions = {}) {
    this.org = new EmulatedOrg(options);
    this.server = createServer((req, res) => this.onRequest(req, res));
  }

  /** Listens (127.0.0.1, port 0 by default) and returns the URL that is both login and instance URL. */
  start(): Promise<{ url: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.address ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        const host = a.address.includes(':') ? `[${a.address}]` : a.address;
        this.baseUrl = `http://${host}:${a.port}`;
        resolve({ url: this.baseUrl });
      });
    });
  }

  get url(): string {
    if (!this.baseUrl) throw new LinegateError(SF_EMULATOR_NOT_STARTED, 'the Salesforce emulator is not started');
    return this.baseUrl;
  }

  /** Stops listening and drops open connections; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
    return this.closing;
  }

  destroy(): Promise<void> {
    return this.close();
  }

  /** Adds a record as if it had always been there (owned by the platform user). Returns its Id. */
  seed(type: string, fields: Readonly<Record<string, SfValue>>, options: { createdAt?: Date | number } = {}): string {
    const createdAt = options.createdAt === undefined ? this.org.wallNow() : typeof options.createdAt === 'number' ? options.createdAt : options.createdAt.getTime();
    const res = this.org.writer.create(type, fields, this.org.platformActor, { createdAt, skipRules: true });
    if (!res.ok) throw new LinegateError(SF_EMULATOR_CONFIG, `seed ${type}: ${res.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ')}`);
    return res.record.id;
  }

  /** Every record of a type with every field, as the API would show them to an administrator. */
  records(type: string): RecordView[] {
    const def = this.org.schema.object(type);
    if (!def) return [];
    return this.org.store.all(def.name).map((r) => viewOf(this.org.store, r, def.fields));
  }

  /** The User record Id of a configured user. */
  userId(username: string): string {
    const user = this.org.users.byUsername(username);
    if (!user) throw new LinegateError(SF_EMULATOR_CONFIG, `no emulated user ${username}`);
    return user.userId;
  }

  get orgId(): string {
    return this.org.orgId;
  }

  inject(fault: FaultSpec): void {
    this.org.faults.inject(fault);
  }

  clearFaults(): void {
    this.org.faults.clear();
  }

  /** Requests received, by kind (every request, whatever its outcome). */
  apiCalls(): ApiCallCounts {
    return Object.fromEntries(API_CALL_KINDS.map((k) => [k, this.counts.get(k) ?? 0])) as Record<ApiCallKind, number>;
  }

  resetApiCalls(): void {
    this.counts.clear();
  }

  /** The org's API usage as Sforce-Limit-Info reports it. */
  apiUsage(): { used: number; max: number } {
    return { used: this.org.allowance.used(), max: this.org.allowance.max };
  }

  setApiUsage(used: number): void {
    this.org.allowance.setUsed(used);
  }

  /** Ends every session, as an expiry or an administrator would. */
  expireSessions(): void {
    this.org.sessions.revokeAll();
  }

  setSearchIndexLag(ms: number): void {
    this.org.searchIndexLagMs = ms;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    void readBody(req).then((body) => {
      const reply = body === undefined
        ? { status: 413, body: [{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: 'request body too large', fields: [] }] }
        : this.answer(req, body);
      write(res, reply);
    }, () => res.destroy());
  }

  private answer(req: IncomingMessage, body: string): RestReply {
    try {
      const reply = handleRequest(
        { org: this.org, baseUrl: () => this.url, countCall: (kind) => this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1) },
        { method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization, body },
      );
      this.options.logger?.debug({ method: req.method, path: (req.url ?? '').split('?')[0], status: reply.status }, 'sf-emulator request');
      return reply;
    } catch (err) {
      // A bug in the emulator, not in the client: answer like Salesforce's internal error.
      this.options.logger?.error({ err }, 'sf-emulator: unexpected failure');
      return { status: 500, body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred: ${(err as Error).message}`, fields: [] }] };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, reply: RestReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.text) {
    headers['Content-Type'] = reply.text.contentType;
    payload = reply.text.content;
  } else if (reply.body !== undefined && reply.status !== 204) {
    headers['Content-Type'] = 'application/json;charset=UTF-8';
    payload = JSON.stringify(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
