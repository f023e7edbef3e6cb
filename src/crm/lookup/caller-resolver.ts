/**
 * Who is on the line: a caller's E.164 number → the Contact, Account or Lead it belongs to.
 *
 * resolve(n): the kv cache (positive for cacheTtlMs, negative for negativeTtlMs); on a
 * miss ONE SOSL request (caller-search.ts); when the index finds nothing, the record
 * linegate itself created for the number (unknown-callers.ts), which the index may not show
 * yet. Results are cached in kv, names also under `directory:name:<e164>` for the call
 * path's StoreContactDirectory. Lookups of one number in one process share one request.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/index.js';
import type { Logger } from '../../observability/index.js';
import type { CrmKv } from '../ports.js';
import { callerSosl, phoneFieldsFor, pickCaller } from './caller-search.js';
import type { PhoneFields, SearchRow } from './caller-search.js';
import { DefaultAccount } from './default-account.js';
import { toE164 } from './phone-number.js';
import { callerKeys, createdCaller, decodeCreated, decodeLookup, encodeLookup } from './resolved-caller.js';
import type { CachedLookup, ResolvedCaller } from './resolved-caller.js';
import type { SalesforceCaller } from './salesforce-caller.js';
import { UnknownCallers } from './unknown-callers.js';
import type { UnknownCallerSettings } from './unknown-callers.js';

export interface CallerResolverOptions {
  readonly client: SalesforceCaller;
  readonly kv: CrmKv;
  readonly clock: Clock;
  /** ISO 3166-1 alpha-2, for numbers written without a country code. */
  readonly defaultCountry: string;
  /** "Field__c" (on Contact, Account and Lead) or "Contact.HomePhone" (one object). */
  readonly extraPhoneFields?: readonly string[];
  /** Default 10 minutes. */
  readonly cacheTtlMs?: number;
  /** Default 2 minutes. */
  readonly negativeTtlMs?: number;
  readonly unknownCallers: UnknownCallerSettings;
  /** How long records linegate created are remembered. Default 7 days (at least 1 day). */
  readonly createdTtlMs?: number;
  /** A creation claim's lifetime. Default 5 minutes. */
  readonly claimTtlMs?: number;
  /** How long a worker waits for another's claimed creation. Default 5 s, polled every 200 ms. */
  readonly claimWaitMs?: number;
  readonly claimPollMs?: number;
  /** Names this worker in claims. Default a random UUID. */
  readonly owner?: string;
  readonly logger?: Logger;
}

export interface ResolveOptions {
  /** The governor never holds it (a name while the phone rings). */
  readonly critical?: boolean;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SEARCH_CONCURRENCY = 4;

export class CallerResolver {
  private readonly phoneFields: PhoneFields;
  private readonly cacheTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly createdTtlMs: number;
  private readonly unknown: UnknownCallers;
  private readonly inFlight = new Map<string, Promise<ResolvedCaller>>();

  constructor(private readonly o: CallerResolverOptions) {
    this.phoneFields = phoneFieldsFor(o.extraPhoneFields);
    this.cacheTtlMs = o.cacheTtlMs ?? 10 * MINUTE;
    this.negativeTtlMs = o.negativeTtlMs ?? 2 * MINUTE;
    this.createdTtlMs = Math.max(DAY, o.createdTtlMs ?? 7 * DAY);
    const owner = o.owner ?? randomUUID();
    const wait = { claimTtlMs: o.claimTtlMs ?? 5 * MINUTE, waitMs: o.claimWaitMs ?? 5000, pollMs: o.claimPollMs ?? 200 };
    const account = new DefaultAccount({
      client: o.client, kv: o.kv, clock: o.clock, owner, logger: o.logger, ...wait,
      name: o.unknownCallers.accountName ?? 'Unknown Callers',
      idTtlMs: DAY,
    });
    this.unknown = new UnknownCallers({
      client: o.client, kv: o.kv, clock: o.clock, owner, logger: o.logger, account, ...wait,
      settings: o.unknownCallers,
      createdTtlMs: this.createdTtlMs,
      cacheTtlMs: this.cacheTtlMs,
    });
  }

  /** The caller; `{ e164 }` alone when unknown (or not a valid number: no request then). */
  resolve(number: string, options: ResolveOptions = {}): Promise<ResolvedCaller> {
    const e164 = toE164(number, this.o.defaultCountry);
    if (e164 === undefined) return Promise.resolve({ e164: number });
    let pending = this.inFlight.get(e164);
    if (!pending) {
      pending = this.lookup(e164, options).finally(() => this.inFlight.delete(e164));
      this.inFlight.set(e164, pending);
    }
    return pending;
  }

  /** Several callers; keys are the numbers as given. At most 4 SOSL requests at a time. */
  async resolveMany(numbers: readonly string[], options: ResolveOptions = {}): Promise<Map<string, ResolvedCaller>> {
    const unique = [...new Set(numbers)];
    const out = new Map<string, ResolvedCaller>();
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < unique.length; i = next++) {
        const n = unique[i] as string;
        out.set(n, await this.resolve(n, options));
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEARCH_CONCURRENCY, unique.length) }, worker));
    return out;
  }

  /**
   * Creates what unknown numbers become (Contacts, Leads or nothing, per unknownCallers),
   * reusing records created before; keys are E.164. Throws SalesforceError when a request
   * fails as a whole; numbers missing from the map could not be created now.
   */
  async createUnknown(numbers: readonly string[]): Promise<Map<string, ResolvedCaller>> {
    const e164s = numbers.map((n) => toE164(n, this.o.defaultCountry)).filter((n): n is string => n !== undefined);
    return this.unknown.create(e164s);
  }

  /** Drops everything kept about a number (e.g. its Contact was deleted or merged). */
  async forget(number: string): Promise<void> {
    const e164 = toE164(number, this.o.defaultCountry) ?? number;
    await Promise.all([callerKeys.cache(e164), callerKeys.directoryName(e164), callerKeys.created(e164)].map((k) => this.o.kv.kvDelete(k)));
  }

  /** The cached answer only (no request); undefined on a miss. */
  async cached(number: string): Promise<CachedLookup | undefined> {
    const e164 = toE164(number, this.o.defaultCountry);
    return e164 === undefined ? undefined : decodeLookup(e164, await this.o.kv.kvGet(callerKeys.cache(e164)));
  }

  private async lookup(e164: string, options: ResolveOptions): Promise<ResolvedCaller> {
    const cached = decodeLookup(e164, await this.o.kv.kvGet(callerKeys.cache(e164)));
    if (cached !== undefined) return cached === 'unknown' ? { e164 } : cached;
    const sosl = callerSosl(e164, this.phoneFields);
    const result = await this.o.client.call('sosl', (conn) => conn.search(sosl), { critical: options.critical });
    const rows = (result.searchRecords ?? []) as readonly SearchRow[];
    const found = pickCaller(rows, e164, this.o.defaultCountry, this.phoneFields) ?? await this.createdEarlier(e164);
    await this.store(e164, found);
    return found ?? { e164 };
  }

  /** What linegate created for the number, which the search index may not show yet. */
  private async createdEarlier(e164: string): Promise<ResolvedCaller | undefined> {
    const m = decodeCreated(await this.o.kv.kvGet(callerKeys.created(e164)));
    return m?.state === 'created' ? createdCaller(e164, m) : undefined;
  }

  private async store(e164: string, found: ResolvedCaller | undefined): Promise<void> {
    await this.o.kv.kvSet(callerKeys.cache(e164), encodeLookup(found ?? 'unknown'), found ? this.cacheTtlMs : this.negativeTtlMs);
    if (found?.name !== undefined) await this.o.kv.kvSet(callerKeys.directoryName(e164), found.name, this.cacheTtlMs);
  }
}
