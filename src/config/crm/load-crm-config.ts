/**
 * Loading the CRM worker's YAML config at start: read, parse, check against
 * schema/crm-config.schema.json (ajv), then what a schema cannot say (one login host,
 * what each auth kind needs, secrets from the environment or a key file), fill in the
 * paths under dataDir and deep-freeze. Every problem is a value naming the file, the path
 * and the fix (formatCrmConfigErrors prints them like the dialplan's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepFreeze } from '../dialplan/deep-freeze.js';
import { Issues, issuesToErrors } from '../dialplan/issues.js';
import type { Path } from '../dialplan/issues.js';
import { resolveSecret } from '../dialplan/resolve-secret.js';
import { Secret } from '../dialplan/secret.js';
import type { EnvMap } from '../dialplan/types.js';
import { readYamlSource } from '../dialplan/yaml-source.js';
import { checkCrmSchema } from './crm-schema-check.js';
import type { RawCrmConfig, RawKeyRef, RawSecretRef } from './raw-crm-config.js';
import type { CrmAuthSettings, CrmConfigError, CrmConfigResult, CrmEventSettings, CrmSettings } from './types.js';

/** Where `--config` falls back to. */
export const CRM_CONFIG_ENV = 'LINEGATE_CRM_CONFIG';
export const PRODUCTION_LOGIN = 'https://login.salesforce.com';
export const SANDBOX_LOGIN = 'https://test.salesforce.com';
/**
 * events.maxBytes when the file is silent: 1 GiB, FileEventLog's own default. Not a schema
 * default, so that a redis config that names it can be told it is unused.
 */
export const DEFAULT_EVENT_LOG_MAX_BYTES = 1024 ** 3;

export interface CrmLoadOptions {
  /** Where `{ env: NAME }` secrets are read from. */
  readonly env?: EnvMap;
  /** Reads `privateKey: { file }` (tests pass a map). Default: the file system. */
  readonly readKeyFile?: (path: string) => string;
}

export function loadCrmConfig(path: string, options: CrmLoadOptions = {}): CrmConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'this is a directory' : `the file cannot be read (${code ?? (e as Error).message})`;
    return fail([{ file: path, path: '', message, fix: `give the path of the CRM worker's YAML file with --config FILE or ${CRM_CONFIG_ENV}` }]);
  }
  return parseCrmConfig(text, { ...options, file: path });
}

export function parseCrmConfig(text: string, options: CrmLoadOptions & { readonly file: string }): CrmConfigResult {
  const { file } = options;
  const yaml = readYamlSource(text);
  if (!yaml.ok) return fail(yaml.problems.map((p) => ({ file, path: '', message: p.message, fix: p.fix, line: p.line, column: p.column })));
  const issues = new Issues();
  const raw = checkCrmSchema(yaml.source, issues);
  const settings = raw && buildSettings(raw, file, options, issues);
  if (!settings || issues.count > 0) return fail(issuesToErrors(issues, yaml.source, file));
  return { ok: true, settings: deepFreeze(settings) };
}

/**
 * The process-level entry (config/ is the only reader of process.env): the path from
 * --config, else LINEGATE_CRM_CONFIG; secrets from process.env.
 */
export function readCrmConfig(path: string | undefined): CrmConfigResult {
  const file = path ?? process.env[CRM_CONFIG_ENV];
  if (!file) {
    return fail([{ file: '(none)', path: '', message: 'no CRM config file was given', fix: `pass --config FILE or set ${CRM_CONFIG_ENV}=FILE (docs/crm.md, "Configuration")` }]);
  }
  return loadCrmConfig(file, { env: process.env });
}

/** One line per error: `crm.yaml: salesforce.auth.clientId: … — fix: …`. */
export function formatCrmConfigErrors(errors: readonly CrmConfigError[]): string {
  return errors.map((e) => {
    const where = e.path !== '' ? e.path : e.line !== undefined ? `line ${e.line}, column ${e.column ?? 1}` : '';
    return `${e.file}: ${where === '' ? '' : `${where}: `}${e.message} — fix: ${e.fix}`;
  }).join('\n');
}

function buildSettings(raw: RawCrmConfig, file: string, o: CrmLoadOptions, issues: Issues): CrmSettings | undefined {
  const env = o.env ?? {};
  const sf = raw.salesforce;
  const auth = buildAuth(raw, env, o.readKeyFile ?? ((p) => readFileSync(p, 'utf8')), issues);
  const events = buildEvents(raw, env, issues);
  const loginUrl = loginUrlOf(raw, issues);
  const smtp = raw.deadLetters.smtp;
  if (smtp?.password && smtp.username === undefined) issues.add(['deadLetters', 'smtp', 'username'], 'a password is given without a username', 'add username: (AUTH PLAIN needs both) or remove password:');
  const smtpPassword = smtp?.password ? resolveSecret(smtp.password, ['deadLetters', 'smtp', 'password'], env, issues) : undefined;
  if (!auth || !events) return undefined;
  return {
    file,
    version: 1,
    gatewayId: raw.gatewayId,
    dataDir: raw.dataDir,
    dialplan: raw.dialplan,
    salesforce: { loginUrl, apiVersion: sf.apiVersion, auth },
    externalIdField: raw.externalIdField,
    lookup: { ...raw.lookup, extraPhoneFields: [...raw.lookup.extraPhoneFields] },
    unknownCallers: { ...raw.unknownCallers, leadCompany: raw.unknownCallers.leadCompany },
    batch: { ...raw.batch },
    governor: { ...raw.governor },
    deadLetters: {
      dir: raw.deadLetters.dir ?? join(raw.dataDir, 'crm'),
      webhookUrl: raw.deadLetters.webhookUrl,
      smtp: smtp && {
        host: smtp.host, port: smtp.port, security: smtp.security, username: smtp.username, password: smtpPassword, from: smtp.from, to: [...smtp.to],
      },
    },
    events,
  };
}

function loginUrlOf(raw: RawCrmConfig, issues: Issues): string {
  const { loginUrl, sandbox, myDomain } = raw.salesforce;
  const given = [loginUrl !== undefined && 'loginUrl', sandbox !== undefined && 'sandbox', myDomain !== undefined && 'myDomain'].filter((x): x is string => x !== false);
  if (given.length > 1) {
    issues.add(['salesforce', given[1] as string], `${given.join(' and ')} are both given`, 'keep one: loginUrl (any login host), sandbox: true (test.salesforce.com) or myDomain (your My Domain)');
  }
  if (loginUrl !== undefined) {
    const url = new URL(loginUrl);
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !local) issues.add(['salesforce', 'loginUrl'], 'plain http is only allowed to 127.0.0.1 or localhost (the emulator)', 'use https://');
    return loginUrl.replace(/\/$/, '');
  }
  if (sandbox) return SANDBOX_LOGIN;
  if (myDomain !== undefined) return `https://${myDomain.includes('.') ? myDomain : `${myDomain}.my.salesforce.com`}`;
  return PRODUCTION_LOGIN;
}

function buildAuth(raw: RawCrmConfig, env: EnvMap, readKey: (p: string) => string, issues: Issues): CrmAuthSettings | undefined {
  const a = raw.salesforce.auth;
  const at = (key: string): Path => ['salesforce', 'auth', key];
  const need = (key: 'clientId' | 'privateKey' | 'password' | 'securityToken', example: string): boolean => {
    if (a[key] !== undefined) return true;
    issues.add(at(key), `auth kind ${a.kind} needs ${key}`, `add ${key}: ${example}`);
    return false;
  };
  if (a.kind === 'jwt') {
    const ok = [need('clientId', '<the connected app\'s consumer key>'), need('privateKey', '{ file: /etc/linegate/salesforce.key }')].every(Boolean);
    for (const extra of ['password', 'securityToken', 'clientSecret'] as const) {
      if (a[extra] !== undefined) issues.add(at(extra), `${extra} is not used by the jwt flow`, 'remove it (or use kind: password)');
    }
    const key = ok ? readPrivateKey(a.privateKey as RawKeyRef, at('privateKey'), env, readKey, issues) : undefined;
    return key && { kind: 'jwt', clientId: a.clientId as string, username: a.username, privateKey: key };
  }
  const ok = [need('password', '{ env: SF_PASSWORD }'), need('securityToken', '{ env: SF_SECURITY_TOKEN }')].every(Boolean);
  if (a.privateKey !== undefined) issues.add(at('privateKey'), 'privateKey is only used by the jwt flow', 'remove it (or use kind: jwt)');
  if (a.clientSecret !== undefined && a.clientId === undefined) issues.add(at('clientId'), 'clientSecret is given without clientId', 'add clientId: (the connected app\'s consumer key)');
  if (!ok) return undefined;
  const password = resolveSecret(a.password as RawSecretRef, at('password'), env, issues);
  const securityToken = resolveSecret(a.securityToken as RawSecretRef, at('securityToken'), env, issues);
  const clientSecret = a.clientSecret ? resolveSecret(a.clientSecret, at('clientSecret'), env, issues) : undefined;
  if (!password || !securityToken) return undefined;
  return { kind: 'password', username: a.username, password, securityToken, clientId: a.clientId, clientSecret };
}

function readPrivateKey(ref: RawKeyRef, path: Path, env: EnvMap, readKey: (p: string) => string, issues: Issues): Secret | undefined {
  let secret: Secret | undefined;
  if (ref.env !== undefined) secret = resolveSecret({ env: ref.env }, path, env, issues);
  else {
    const file = ref.file as string;
    try {
      secret = new Secret(`file ${file}`, readKey(file));
    } catch (e) {
      issues.add(path, `the key file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'give the path of the PEM private key whose certificate is on the connected app');
      return undefined;
    }
  }
  if (secret && !/-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/.test(secret.reveal())) {
    issues.add(path, 'this is not a PEM private key', 'give the key as PEM text starting with -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY), unencrypted');
    return undefined;
  }
  return secret;
}

function buildEvents(raw: RawCrmConfig, env: EnvMap, issues: Issues): CrmEventSettings | undefined {
  const e = raw.events;
  if (e.backend === 'file') {
    if (e.redisUrl !== undefined) issues.add(['events', 'redisUrl'], 'redisUrl is only used with backend: redis', 'remove it, or write backend: redis');
    return { backend: 'file', dir: e.dir ?? join(raw.dataDir, 'events'), maxBytes: e.maxBytes ?? DEFAULT_EVENT_LOG_MAX_BYTES, claimMinIdleMs: e.claimMinIdleMs };
  }
  if (e.dir !== undefined) issues.add(['events', 'dir'], 'dir is only used with backend: file', 'remove it, or write backend: file');
  if (e.maxBytes !== undefined) issues.add(['events', 'maxBytes'], 'maxBytes is only used with backend: file', 'remove it (the Redis stream is capped by its MAXLEN), or write backend: file');
  if (e.redisUrl === undefined) {
    issues.add(['events', 'redisUrl'], 'backend redis needs redisUrl', 'add redisUrl: redis://HOST:6379 (or { env: NAME } when it holds a password)');
    return undefined;
  }
  const url = typeof e.redisUrl === 'string' ? new Secret('events.redisUrl', e.redisUrl) : resolveSecret(e.redisUrl, ['events', 'redisUrl'], env, issues);
  return url && { backend: 'redis', redisUrl: url, stream: e.stream, claimMinIdleMs: e.claimMinIdleMs };
}


function fail(errors: CrmConfigError[]): CrmConfigResult {
  return { ok: false, errors: deepFreeze(errors) };
}
