/**
 * Unknown numbers become Contacts under the default Account (or Leads, or nothing): first
 * and last name = the number, MobilePhone = the number, Email = <digits>@<domain>. All the
 * numbers of a batch are created in ONE sObject Collections request per 200 records
 * (Salesforce REST API, "sObject Collections": up to 200 records, allOrNone false gives a
 * result per record, in order).
 *
 * Salesforce's search index lags by minutes, so a second call from the number must not
 * depend on SOSL finding the first Contact. Each created record is remembered in kv under
 * `crm:created:<e164>` for createdTtlMs (default 7 days), and the memory is taken BEFORE
 * creating, as an ifAbsent claim: of two workers racing on one number only the claim's
 * winner creates; the loser polls the key until the winner writes the record's Id and
 * reuses it (claims expire after claimTtlMs if the winner dies).
 *
 * Before creating, the winner also asks SOQL (which reads the database, not the search
 * index) for records already carrying the number's Email. That finds what a worker created
 * and then could not remember (killed between Salesforce's answer and the kv write, a
 * lost kv value, an expired memory), so a retried batch reuses instead of duplicating.
 *
 * What can still duplicate (docs/crm.md "Unknown callers"): a create slower than claimTtlMs
 * (the claim expires while the first request is still in flight); deployments with
 * separate kv stores feeding one org at the same moment; a placeholder whose Email a user
 * changed before its memory expired.
 */
import type { Clock } from '../../shared/index.js';
import type { Logger } from '../../observability/index.js';
import { classifySalesforceError } from '../salesforce/index.js';
import type { CrmKv } from '../ports.js';
import type { DefaultAccount } from './default-account.js';
import { pollUntil } from './kv-wait.js';
import { escapeSoql, phoneDigits } from './phone-number.js';
import { callerKeys, createdCaller, decodeCreated, encodeCreated, encodeLookup } from './resolved-caller.js';
import type { CreatedMemory, ResolvedCaller } from './resolved-caller.js';
import type { SalesforceCaller } from './salesforce-caller.js';

export interface UnknownCallerSettings {
  readonly mode: 'contact' | 'lead' | 'none';
  /** Default 'Unknown Callers'. */
  readonly accountName?: string;
  /** Default 'unknown.invalid' (RFC 2606: .invalid never resolves, so no mail leaves). */
  readonly emailDomain?: string;
  /** Lead.Company in 'lead' mode. Default: accountName. */
  readonly leadCompany?: string;
}

export interface UnknownCallersOptions {
  readonly client: SalesforceCaller;
  readonly kv: CrmKv;
  readonly clock: Clock;
  readonly settings: UnknownCallerSettings;
  readonly account: DefaultAccount;
  readonly owner: string;
  readonly createdTtlMs: number;
  readonly cacheTtlMs: number;
  readonly claimTtlMs: number;
  readonly waitMs: number;
  readonly pollMs: number;
  readonly logger?: Logger;
}

type Created = Extract<CreatedMemory, { state: 'created' }>;

const COLLECTION_LIMIT = 200;

export class UnknownCallers {
  constructor(private readonly o: UnknownCallersOptions) {}

  /** Callers created or reused; numbers left out could not be created now (retry later). */
  async create(e164s: readonly string[]): Promise<Map<string, ResolvedCaller>> {
    const out = new Map<string, ResolvedCaller>();
    if (this.o.settings.mode === 'none') return out;
    const mine: string[] = [];
    const contended: string[] = [];
    for (const e164 of new Set(e164s)) {
      const m = await this.claim(e164);
      if (m === 'mine') mine.push(e164);
      else if (m.state === 'created') out.set(e164, createdCaller(e164, m));
      else contended.push(e164);
    }
    const [made, awaited] = await Promise.all([this.createClaimed(mine), this.awaitOthers(contended)]);
    for (const c of [...made, ...awaited]) out.set(c.e164, c);
    return out;
  }

  /** 'mine' when our ifAbsent claim won, else what the key holds. */
  private async claim(e164: string): Promise<'mine' | CreatedMemory> {
    const key = callerKeys.created(e164);
    const claim = encodeCreated({ state: 'claimed', owner: this.o.owner });
    if (await this.o.kv.kvSet(key, claim, this.o.claimTtlMs, { ifAbsent: true })) return 'mine';
    return decodeCreated(await this.o.kv.kvGet(key)) ?? { state: 'claimed', owner: '?' };
  }

  private async createClaimed(e164s: readonly string[]): Promise<ResolvedCaller[]> {
    if (e164s.length === 0) return [];
    const done: ResolvedCaller[] = [];
    try {
      const existing = await this.existingByEmail(e164s);
      const missing = e164s.filter((n) => !existing.has(n));
      for (const [n, m] of existing) done.push(await this.remember(n, m));
      for (let i = 0; i < missing.length; i += COLLECTION_LIMIT) {
        done.push(...await this.createChunk(missing.slice(i, i + COLLECTION_LIMIT)));
      }
      return done;
    } finally {
      const settled = new Set(done.map((c) => c.e164));
      for (const n of e164s) if (!settled.has(n)) await this.o.kv.kvDelete(callerKeys.created(n));
    }
  }

  /** Records carrying the numbers' Emails: created before, by us or a dead worker. */
  private async existingByEmail(e164s: readonly string[]): Promise<Map<string, Created>> {
    const type = this.type();
    const byEmail = new Map(e164s.map((n) => [this.email(n).toLowerCase(), n]));
    const found = new Map<string, Created>();
    for (let i = 0; i < e164s.length; i += COLLECTION_LIMIT) {
      const list = e164s.slice(i, i + COLLECTION_LIMIT).map((n) => `'${escapeSoql(this.email(n))}'`).join(', ');
      const fields = type === 'Contact' ? 'Id, Email, AccountId' : 'Id, Email';
      const soql = `SELECT ${fields} FROM ${type} WHERE Email IN (${list})`;
      const result = await this.o.client.call('soql', async (conn) => conn.query(soql));
      for (const r of result.records as readonly Record<string, unknown>[]) {
        const n = typeof r['Email'] === 'string' ? byEmail.get(r['Email'].toLowerCase()) : undefined;
        if (n && typeof r['Id'] === 'string' && !found.has(n)) {
          found.set(n, { state: 'created', id: r['Id'], type, accountId: typeof r['AccountId'] === 'string' ? r['AccountId'] : undefined });
        }
      }
    }
    return found;
  }

  private async createChunk(e164s: readonly string[]): Promise<ResolvedCaller[]> {
    const type = this.type();
    const accountId = type === 'Contact' ? await this.o.account.id() : undefined;
    const records = e164s.map((n) => this.record(n, accountId));
    const results = await this.o.client.call(
      'collections',
      (conn) => conn.requestPost<CollectionResult[]>('/composite/sobjects', { allOrNone: false, records }),
      { idempotent: false },
    );
    const done: ResolvedCaller[] = [];
    for (const [i, n] of e164s.entries()) {
      const r = results[i];
      if (r?.success && typeof r.id === 'string') {
        done.push(await this.remember(n, { state: 'created', id: r.id, type, accountId }));
      } else {
        await this.recordFailed(n, r);
      }
    }
    this.o.logger?.info({ created: done.length, failed: e164s.length - done.length, type }, 'created records for unknown callers');
    return done;
  }

  private async recordFailed(e164: string, r: CollectionResult | undefined): Promise<void> {
    const e = r?.errors?.[0];
    const code = e?.statusCode ?? e?.errorCode ?? 'NO_RESULT';
    if (e?.fields?.includes('AccountId') || code === 'ENTITY_IS_DELETED') await this.o.account.forget();
    const verdict = classifySalesforceError(code);
    this.o.logger?.[verdict === 'permanent' ? 'error' : 'warn']({ e164, code, message: e?.message }, 'could not create a record for an unknown caller');
  }

  private async remember(e164: string, m: Created): Promise<ResolvedCaller> {
    const caller = createdCaller(e164, m);
    await this.o.kv.kvSet(callerKeys.created(e164), encodeCreated(m), this.o.createdTtlMs);
    await this.o.kv.kvSet(callerKeys.cache(e164), encodeLookup(caller), this.o.cacheTtlMs);
    return caller;
  }

  /** Numbers another worker claimed: wait for its record; claim again if it gave up. */
  private async awaitOthers(e164s: readonly string[]): Promise<ResolvedCaller[]> {
    const results = await Promise.all(e164s.map((n) => pollUntil(
      async () => decodeCreated(await this.o.kv.kvGet(callerKeys.created(n))),
      (m) => m?.state !== 'claimed',
      { clock: this.o.clock, timeoutMs: this.o.waitMs, intervalMs: this.o.pollMs },
    )));
    const done: ResolvedCaller[] = [];
    const released: string[] = [];
    for (const [i, n] of e164s.entries()) {
      const m = results[i];
      if (m?.state === 'created') done.push(createdCaller(n, m));
      else if (m === undefined && (await this.claim(n)) === 'mine') released.push(n);
    }
    return [...done, ...await this.createClaimed(released)];
  }

  private record(e164: string, accountId: string | undefined): Record<string, unknown> {
    const base = { FirstName: e164, LastName: e164, MobilePhone: e164, Email: this.email(e164) };
    return this.type() === 'Contact'
      ? { attributes: { type: 'Contact' }, ...base, AccountId: accountId }
      : { attributes: { type: 'Lead' }, ...base, Company: this.o.settings.leadCompany ?? this.o.settings.accountName ?? 'Unknown Callers' };
  }

  private email(e164: string): string {
    return `${phoneDigits(e164)}@${this.o.settings.emailDomain ?? 'unknown.invalid'}`;
  }

  private type(): 'Contact' | 'Lead' {
    return this.o.settings.mode === 'lead' ? 'Lead' : 'Contact';
  }
}

interface CollectionResult {
  readonly id?: string;
  readonly success?: boolean;
  readonly errors?: readonly { readonly statusCode?: string; readonly errorCode?: string; readonly message?: string; readonly fields?: readonly string[] }[];
}
