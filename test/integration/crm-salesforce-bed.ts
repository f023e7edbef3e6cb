/**
 * The Salesforce emulator set up for the CRM client and lookup tests: one integration user
 * allowed the JWT bearer flow (a key pair made once per run), an OAuth client for the
 * password grant, and helpers that build linegate's connection options for it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SalesforceClient } from '../../src/crm/index.js';
import type { SalesforceClientOptions, SalesforceConnectionOptions } from '../../src/crm/index.js';
import { systemClock } from '../../src/shared/index.js';
import { SalesforceEmulator } from '../../src/sf-emulator/index.js';
import type { EmulatedUser, SalesforceEmulatorOptions } from '../../src/sf-emulator/index.js';

export const API_VERSION = '62.0';
export const CONSUMER_KEY = '3MVG9-linegate-test';
export const OAUTH_CLIENT = { clientId: 'linegate-app', clientSecret: 'app-secret' };

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const PRIVATE_KEY_PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_KEY_PEM = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export const USER: EmulatedUser = {
  username: 'integration@linegate.test',
  password: 'Passw0rd',
  securityToken: 'TOKEN123',
  jwt: { consumerKey: CONSUMER_KEY, publicKeyPem: PUBLIC_KEY_PEM },
};

export interface Bed {
  readonly sf: SalesforceEmulator;
  readonly url: string;
}

export async function startSf(options: SalesforceEmulatorOptions = {}): Promise<Bed> {
  const sf = new SalesforceEmulator({ users: [USER], oauthClients: [OAUTH_CLIENT], ...options });
  const { url } = await sf.start();
  return { sf, url };
}

export function jwtOptions(loginUrl: string, user: EmulatedUser = USER): SalesforceConnectionOptions {
  return { auth: { kind: 'jwt', clientId: CONSUMER_KEY, username: user.username, privateKeyPem: PRIVATE_KEY_PEM }, loginUrl, apiVersion: API_VERSION };
}

export function passwordOptions(loginUrl: string, oauth: boolean, user: EmulatedUser = USER): SalesforceConnectionOptions {
  return {
    auth: { kind: 'password', username: user.username, password: user.password, securityToken: user.securityToken, ...(oauth ? OAUTH_CLIENT : {}) },
    loginUrl,
    apiVersion: API_VERSION,
  };
}

/** Backoff measured in milliseconds, so retry tests run on the real clock. */
export const QUICK_RETRY = { baseMs: 2, maxMs: 10, maxAttempts: 4 };

export function clientFor(connection: SalesforceConnectionOptions, extra: Partial<SalesforceClientOptions> = {}): SalesforceClient {
  return new SalesforceClient({ connection, clock: systemClock, retry: QUICK_RETRY, ...extra });
}
