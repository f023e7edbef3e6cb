/**
 * Display names for callers' numbers (issue #3: the CRM issue fills the directory; here it
 * is an interface with a Store-backed implementation). Lookups have a time budget: a slow
 * directory must not delay the call, so a late answer counts as "unknown".
 */
import type { Clock } from '../../shared/index.js';
import type { Store } from '../../state/index.js';

export interface ContactDirectory {
  lookupName(e164: string): Promise<string | undefined>;
}

/** kv key of a cached name. */
export function directoryKey(e164: string): string {
  return `directory:name:${e164}`;
}

/** Names cached in the Store's kv space (written by the CRM side, or by `remember`). */
export class StoreContactDirectory implements ContactDirectory {
  constructor(private readonly store: Pick<Store, 'kvGet' | 'kvSet'>) {}

  async lookupName(e164: string): Promise<string | undefined> {
    const v = await this.store.kvGet(directoryKey(e164));
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  async remember(e164: string, name: string, ttlMs: number): Promise<void> {
    await this.store.kvSet(directoryKey(e164), name, ttlMs);
  }
}

/** The name, or undefined if the directory fails or takes longer than `budgetMs`. */
export function lookupWithin(dir: ContactDirectory, e164: string, budgetMs: number, clock: Clock): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(undefined), budgetMs);
    dir.lookupName(e164).then(
      (name) => { clock.clearTimeout(timer); resolve(name); },
      () => { clock.clearTimeout(timer); resolve(undefined); },
    );
  });
}
