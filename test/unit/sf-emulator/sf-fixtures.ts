/**
 * Shared setup for the emulator's tests: an org with a test user, raw HTTP helpers (real
 * sockets on 127.0.0.1, port 0) and JWT signing with a key pair made once per run.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { SalesforceEmulator } from '../../../src/sf-emulator/index.js';
import type { EmulatedUser, SalesforceEmulatorOptions } from '../../../src/sf-emulator/index.js';

export const VERSION = '62.0';
export const API = `/services/data/v${VERSION}`;

export const USER: EmulatedUser = { username: 'integration@example.com', password: 'Secret1', securityToken: 'TOKEN42', firstName: 'Int', lastName: 'User' };
export const CLIENT = { clientId: 'client-1', clientSecret: 'client-secret-1' };
export const CALL_KEY = 'Linegate_Call_Key__c';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const PRIVATE_KEY_PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const PUBLIC_KEY_PEM = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const CONSUMER_KEY = '3MVG9-test-consumer-key';

export interface Org {
  readonly sf: SalesforceEmulator;
  readonly url: string;
}

/** Starts an org with USER (JWT-enabled), CLIENT and the Task call-key external ID. */
export async function startOrg(options: SalesforceEmulatorOptions = {}): Promise<Org> {
  const sf = new SalesforceEmulator({
    users: [{ ...USER, jwt: { consumerKey: CONSUMER_KEY, publicKeyPem: PUBLIC_KEY_PEM } }],
    oauthClients: [CLIENT],
    customFields: { Task: [{ name: CALL_KEY, type: 'string', externalId: true, unique: true }] },
    ...options,
  });
  const { url } = await sf.start();
  return { sf, url };
}

/** A JSON answer read loosely: any property path can be followed; leaves are compared with assert. */
export interface J {
  readonly [key: string]: J;
}

/** A JSON array answer as a list. */
export function list(j: J | undefined): J[] {
  if (!Array.isArray(j)) throw new Error(`expected a JSON array, got ${JSON.stringify(j)}`);
  return j as J[];
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: J;
}

export async function http(url: string, method: string, path: string, options: { token?: string; body?: unknown; form?: Record<string, string>; raw?: string; contentType?: string } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.raw !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'text/xml';
    body = options.raw;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as J };
}

/** An access token through the OAuth password grant. */
export async function passwordToken(url: string, user: EmulatedUser = USER): Promise<string> {
  const res = await http(url, 'POST', '/services/oauth2/token', {
    form: { grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, username: user.username, password: user.password + user.securityToken },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.text}`);
  return String(res.json['access_token']);
}

export function signJwt(claims: Record<string, unknown>, privateKeyPem = PRIVATE_KEY_PEM, header: Record<string, unknown> = { alg: 'RS256' }): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${enc(header)}.${enc(claims)}`;
  const signature = createSign('RSA-SHA256').update(signed).sign(privateKeyPem).toString('base64url');
  return `${signed}.${signature}`;
}

export function jwtClaims(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: CONSUMER_KEY, sub: USER.username, aud: url, exp: Math.floor(Date.now() / 1000) + 180, ...overrides };
}

/** POST a JSON body to a REST path with a token. */
export const post = (url: string, token: string, path: string, body: unknown): Promise<HttpResult> => http(url, 'POST', API + path, { token, body });
export const patch = (url: string, token: string, path: string, body: unknown): Promise<HttpResult> => http(url, 'PATCH', API + path, { token, body });
export const get = (url: string, token: string, path: string): Promise<HttpResult> => http(url, 'GET', API + path, { token });
