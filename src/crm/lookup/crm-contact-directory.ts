/**
 * The call path's ContactDirectory (src/b2bua/call/contact-directory.ts) backed by
 * Salesforce: the kv cache first, then one SOSL lookup; never creates records (that is the
 * worker's job, after the call). The call path bounds each lookup with lookupWithin
 * (default 150 ms): a late answer still fills the cache for the next call.
 *
 * Lookups are 'critical' for the API governor: a ringing phone is not held back while the
 * worker's background writes are paused.
 */
import type { CallerResolver } from './caller-resolver.js';

export class CrmContactDirectory {
  constructor(private readonly resolver: Pick<CallerResolver, 'resolve' | 'resolveMany'>) {}

  /** "Jane Doe", or undefined when unknown (or only known as a record linegate created). */
  async lookupName(e164: string): Promise<string | undefined> {
    return (await this.resolver.resolve(e164, { critical: true })).name;
  }

  /** Fills the cache ahead of calls (e.g. the numbers of recent calls), off the critical path. */
  async warm(e164s: readonly string[]): Promise<void> {
    await this.resolver.resolveMany(e164s);
  }
}
