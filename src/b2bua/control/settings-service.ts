/**
 * Reading and writing a user's runtime settings with the Store's optimistic versions
 * (Store.putSettings): a write based on a stale version is refused with the current one.
 */
import type { User } from '../../config/index.js';
import type { Store } from '../../state/index.js';
import { apiError } from './api-error.js';
import type { ApiResponse } from './api-error.js';
import { effectiveSettings, readStoredSettings, withSetting } from './user-settings.js';
import type { EffectiveSettings, StoredSettings } from './user-settings.js';

export interface SettingsSnapshot {
  readonly user: User;
  readonly stored: StoredSettings;
  readonly effective: EffectiveSettings;
  /** 0 before the first write. */
  readonly version: number;
}

export type Lookup<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: ApiResponse };

/** Read-modify-write retries for writes the client sent without a version. */
const UNVERSIONED_ATTEMPTS = 5;

export class SettingsService {
  private readonly users: ReadonlyMap<string, User>;

  constructor(
    users: readonly User[],
    private readonly store: Store,
  ) {
    this.users = new Map(users.map((u) => [u.id, u]));
  }

  user(userId: string): Lookup<User> {
    const user = this.users.get(userId);
    return user ? { ok: true, value: user } : { ok: false, response: apiError('USER_NOT_FOUND', `no user "${userId}" in the dialplan`) };
  }

  async read(userId: string): Promise<Lookup<SettingsSnapshot>> {
    const user = this.user(userId);
    if (!user.ok) return user;
    const current = await this.store.getSettings(userId);
    const stored = readStoredSettings(current?.settings);
    return { ok: true, value: { user: user.value, stored, effective: effectiveSettings(user.value, stored), version: current?.version ?? 0 } };
  }

  /**
   * Writes one setting computed from the current snapshot. With `expectedVersion` the
   * write happens only at that version (409 otherwise); without, it is retried on the
   * latest settings, for changes that do not depend on what the client saw.
   */
  async update<K extends keyof StoredSettings>(
    userId: string,
    key: K,
    expectedVersion: number | undefined,
    compute: (s: SettingsSnapshot) => Lookup<StoredSettings[K]>,
  ): Promise<Lookup<SettingsSnapshot>> {
    const attempts = expectedVersion === undefined ? UNVERSIONED_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.read(userId);
      if (!snapshot.ok) return snapshot;
      const s = snapshot.value;
      if (expectedVersion !== undefined && expectedVersion !== s.version) return conflict(s.version);
      const value = compute(s);
      if (!value.ok) return value;
      const put = await this.store.putSettings(userId, withSetting(s.stored, key, value.value), s.version);
      if (put.ok) {
        const stored = { ...s.stored, [key]: value.value };
        return { ok: true, value: { ...s, stored, effective: effectiveSettings(s.user, stored), version: put.version } };
      }
      if (attempt >= attempts) return conflict(put.version);
    }
  }
}

function conflict(currentVersion: number): Lookup<never> {
  const message = `the settings changed (now version ${currentVersion}): read them again, re-apply the change and retry`;
  return { ok: false, response: apiError('VERSION_CONFLICT', message, { currentVersion }) };
}
