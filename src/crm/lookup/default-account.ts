/**
 * The Account that unknown callers' Contacts go under ("Unknown Callers" by default): found
 * by name with SOQL (the database, not the lagging search index), created once when
 * missing, and its Id kept in kv so that later creations cost no lookup.
 *
 * Two workers may find it missing at the same moment: the one whose ifAbsent claim wins
 * creates it, the other waits for the Id to appear in kv. Should two Accounts of that name
 * exist anyway (created by hand, or by deployments with separate stores), the oldest wins
 * everywhere, so all workers converge on one.
 */
import type { Clock } from '../../shared/index.js';
import type { Logger } from '../../observability/index.js';
import { SalesforceError } from '../salesforce/index.js';
import type { CrmKv } from '../ports.js';
import { pollUntil } from './kv-wait.js';
import { escapeSoql } from './phone-number.js';
import { callerKeys } from './resolved-caller.js';
import type { SalesforceCaller } from './salesforce-caller.js';

export interface DefaultAccountOptions {
  readonly client: SalesforceCaller;
  readonly kv: CrmKv;
  readonly clock: Clock;
  readonly name: string;
  /** Identifies this worker in claims. */
  readonly owner: string;
  readonly idTtlMs: number;
  readonly claimTtlMs: number;
  readonly waitMs: number;
  readonly pollMs: number;
  readonly logger?: Logger;
}

interface AccountRow {
  readonly Id?: unknown;
  readonly CreatedDate?: unknown;
}

export class DefaultAccount {
  private pending: Promise<string> | undefined;

  constructor(private readonly o: DefaultAccountOptions) {}

  /** The Account's Id (one lookup or creation at a time per process). */
  id(): Promise<string> {
    this.pending ??= this.resolve().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Drops the remembered Id (the Account was deleted: creations under it fail). */
  async forget(): Promise<void> {
    await this.o.kv.kvDelete(callerKeys.defaultAccount(this.o.name));
  }

  private async resolve(): Promise<string> {
    const key = callerKeys.defaultAccount(this.o.name);
    const cached = await this.o.kv.kvGet(key);
    if (typeof cached === 'string' && cached !== '') return cached;
    const found = await this.findByName();
    if (found) {
      await this.o.kv.kvSet(key, found, this.o.idTtlMs);
      return found;
    }
    const claimKey = callerKeys.defaultAccountClaim(this.o.name);
    if (await this.o.kv.kvSet(claimKey, this.o.owner, this.o.claimTtlMs, { ifAbsent: true })) {
      try {
        const id = await this.create();
        await this.o.kv.kvSet(key, id, this.o.idTtlMs);
        return id;
      } finally {
        await this.o.kv.kvDelete(claimKey);
      }
    }
    const id = await pollUntil(() => this.o.kv.kvGet(key), (v) => typeof v === 'string' && v !== '', {
      clock: this.o.clock, timeoutMs: this.o.waitMs, intervalMs: this.o.pollMs,
    });
    if (typeof id === 'string' && id !== '') return id;
    throw new SalesforceError('DEFAULT_ACCOUNT_PENDING', `another worker is still creating Account "${this.o.name}"`, { permanent: false });
  }

  private async findByName(): Promise<string | undefined> {
    const soql = `SELECT Id, CreatedDate FROM Account WHERE Name = '${escapeSoql(this.o.name)}' LIMIT 20`;
    const result = await this.o.client.call('soql', async (conn) => conn.query(soql));
    const rows = (result.records as readonly AccountRow[]).filter((r): r is AccountRow & { Id: string } => typeof r.Id === 'string');
    rows.sort((a, b) => String(a.CreatedDate ?? '').localeCompare(String(b.CreatedDate ?? '')) || a.Id.localeCompare(b.Id));
    return rows[0]?.Id;
  }

  private async create(): Promise<string> {
    const result = await this.o.client.call('create', (conn) => conn.sobject('Account').create({ Name: this.o.name }), { idempotent: false });
    if (!result.success) {
      const code = result.errors[0]?.errorCode ?? 'CREATE_FAILED';
      throw new SalesforceError(code, `creating Account "${this.o.name}" failed`, { permanent: true });
    }
    this.o.logger?.info({ accountId: result.id, name: this.o.name }, 'created the default Account for unknown callers');
    return result.id;
  }
}
