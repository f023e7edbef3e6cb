/**
 * One emulated org: its metadata, data, users, sessions, API allowance and armed faults — the
 * state every endpoint works on. Built once from the options; endpoints receive it.
 */
import { randomBytes } from 'node:crypto';
import { LinegateError, systemClock } from '../shared/index.js';
import type { Clock } from '../shared/index.js';
import { ApiAllowance } from './api-allowance.js';
import type { SalesforceEmulatorOptions } from './emulator-options.js';
import { FaultInjector } from './fault-injector.js';
import { OrgSchema, SF_EMULATOR_CONFIG, UserAccess } from './org-schema.js';
import { OrgStore } from './org-store.js';
import { OrgUsers } from './org-users.js';
import type { OrgUser } from './org-users.js';
import { RecordWriter } from './record-writer.js';
import type { Actor } from './record-writer.js';
import { IdFactory } from './salesforce-id.js';
import { SessionRegistry } from './session-registry.js';
import type { QueryContext } from './soql-executor.js';

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

export class EmulatedOrg {
  readonly clock: Clock;
  readonly schema: OrgSchema;
  readonly store: OrgStore;
  readonly ids = new IdFactory();
  readonly users = new OrgUsers();
  readonly sessions: SessionRegistry;
  readonly allowance: ApiAllowance;
  readonly faults = new FaultInjector();
  readonly writer: RecordWriter;
  readonly orgId: string;
  readonly signingKey = randomBytes(32);
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The platform's own user: owner and creator of seeded records. */
  readonly platformActor: Actor;
  searchIndexLagMs: number;
  private readonly wallOffset: number;
  private readonly queryCursors = new Map<string, { readonly records: readonly unknown[]; readonly totalSize: number }>();
  private cursorSeq = 0;

  constructor(readonly options: SalesforceEmulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.wallOffset = (options.wallClockStart ?? Date.now()) - this.clock.now();
    this.schema = new OrgSchema(options.customFields);
    this.store = new OrgStore((type) => this.schema.indexedFields(type).map((fd) => ({ name: fd.name, caseSensitive: fd.caseSensitive ?? false })));
    this.orgId = this.ids.next('Organization');
    this.sessions = new SessionRegistry(this.orgId, this.clock, options.sessionLifetimeMs ?? TWO_HOURS_MS);
    this.allowance = new ApiAllowance(this.clock, options.dailyApiAllowance ?? 15_000);
    this.searchIndexLagMs = options.searchIndexLagMs ?? 0;
    this.minVersion = options.minApiVersion ?? 50;
    this.maxVersion = options.maxApiVersion ?? 66;
    this.writer = new RecordWriter({
      schema: this.schema,
      store: this.store,
      ids: this.ids,
      rules: options.validationRules ?? [],
      now: () => this.wallNow(),
      searchIndexLagMs: () => this.searchIndexLagMs,
    });
    this.platformActor = { userId: this.addUserRecord('Platform', 'Integration', 'platform@emulator.invalid'), access: new UserAccess(undefined) };
    for (const spec of options.users ?? []) {
      const userId = this.addUserRecord(spec.firstName, spec.lastName ?? spec.username, spec.email ?? spec.username, spec.username);
      this.users.add(spec, userId);
    }
  }

  /** Keeps the rest of a query's results behind a locator (nextRecordsUrl). */
  saveQueryCursor(records: readonly unknown[], totalSize: number): string {
    this.cursorSeq += 1;
    const locator = `01g5e${String(this.cursorSeq).padStart(10, '0')}-2000`;
    this.queryCursors.set(locator, { records, totalSize });
    return locator;
  }

  takeQueryCursor(locator: string): { readonly records: readonly unknown[]; readonly totalSize: number } | undefined {
    const cursor = this.queryCursors.get(locator);
    this.queryCursors.delete(locator);
    return cursor;
  }

  /** Wall-clock now in ms since the epoch, driven by the injected clock. */
  wallNow(): number {
    return Math.floor(this.wallOffset + this.clock.now());
  }

  actor(user: OrgUser): Actor {
    return { userId: user.userId, access: user.access };
  }

  queryContext(user: OrgUser): QueryContext {
    return { schema: this.schema, store: this.store, access: user.access };
  }

  /** 'NN.0' when the path's version is accepted, else undefined. */
  acceptedVersion(text: string): string | undefined {
    const m = /^v?(\d+)\.0$/.exec(text);
    const n = m ? Number(m[1]) : Number.NaN;
    return n >= this.minVersion && n <= this.maxVersion ? `${n}.0` : undefined;
  }

  private addUserRecord(firstName: string | undefined, lastName: string, email: string, username = email): string {
    const res = this.writer.create('User', { FirstName: firstName ?? null, LastName: lastName, Email: email, Username: username }, {
      userId: this.platformActorId(),
      access: new UserAccess(undefined),
    }, { createdAt: this.wallNow(), skipRules: true });
    if (!res.ok) throw new LinegateError(SF_EMULATOR_CONFIG, `emulator: cannot create User ${username}: ${res.errors[0]?.message ?? ''}`);
    const record = res.record;
    // The platform user is its own creator.
    if (!(this.platformActor as Actor | undefined)) this.store.put({ ...record, createdById: record.id, modifiedById: record.id });
    return record.id;
  }

  private platformActorId(): string {
    return (this.platformActor as Actor | undefined)?.userId ?? 'pending';
  }
}
