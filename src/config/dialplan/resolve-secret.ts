/**
 * `{ env: NAME }` → a Secret holding process.env[NAME] (or a test's map). Messages name
 * the variable, never its value.
 */
import type { Issues, Path } from './issues.js';
import type { RawSecretRef } from './raw-dialplan.js';
import { Secret } from './secret.js';
import type { EnvMap } from './types.js';

/** What the value must satisfy, e.g. `at least 8 characters`. */
export interface SecretRule {
  readonly test: (value: string) => boolean;
  readonly requirement: string;
}

export function resolveSecret(ref: RawSecretRef, path: Path, env: EnvMap, issues: Issues, rule?: SecretRule): Secret | undefined {
  const value = env[ref.env];
  if (value === undefined || value === '') {
    const state = value === undefined ? 'is not set' : 'is set but empty';
    issues.add(path, `environment variable ${ref.env} ${state}`, `set ${ref.env} in linegate's environment (export ${ref.env}=...), or change env: to a variable that is set`);
    return undefined;
  }
  if (rule && !rule.test(value)) {
    issues.add(path, `the value of ${ref.env} is not acceptable: it must be ${rule.requirement}`, `set ${ref.env} to a value of ${rule.requirement}`);
    return undefined;
  }
  return new Secret(ref.env, value);
}

export const SIP_PASSWORD_RULE: SecretRule = {
  // Registration hijacking and toll fraud start with guessed digest passwords.
  test: (v) => v.length >= 8,
  requirement: 'at least 8 characters',
};

export const PIN_RULE: SecretRule = { test: (v) => /^[0-9]{4,10}$/.test(v), requirement: '4 to 10 digits' };

export const TOKEN_RULE: SecretRule = { test: (v) => v.length >= 16, requirement: 'at least 16 characters' };
