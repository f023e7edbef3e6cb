import assert from 'node:assert/strict';
import { formatCrmConfigErrors, loadCrmConfig, parseCrmConfig, PRODUCTION_LOGIN, SANDBOX_LOGIN } from '../../../src/config/crm/index.js';
import type { CrmConfigResult, CrmSettings } from '../../../src/config/crm/index.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
const ENV = { SF_PASSWORD: 'pw', SF_TOKEN: 'tok', SF_KEY: KEY, SMTP_PW: 'smtp' };

const PASSWORD = `version: 1
gatewayId: gw-1
salesforce:
  auth:
    kind: password
    username: linegate@acme.com
    password: { env: SF_PASSWORD }
    securityToken: { env: SF_TOKEN }
`;

function parse(text: string, env: Record<string, string> = ENV, files: Record<string, string> = {}): CrmConfigResult {
  return parseCrmConfig(text, { file: 'crm.yaml', env, readKeyFile: (p) => {
    const t = files[p];
    if (t === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return t;
  } });
}

function ok(text: string, env?: Record<string, string>, files?: Record<string, string>): CrmSettings {
  const r = parse(text, env, files);
  assert.ok(r.ok, r.ok ? '' : formatCrmConfigErrors(r.errors));
  return r.settings;
}

function errors(text: string, env?: Record<string, string>): string {
  const r = parse(text, env);
  assert.equal(r.ok, false, 'expected errors');
  return r.ok ? '' : formatCrmConfigErrors(r.errors);
}

describe('CRM worker config', () => {
  it('fills every default and deep-freezes the result', () => {
    const s = ok(PASSWORD);
    assert.equal(s.salesforce.loginUrl, PRODUCTION_LOGIN);
    assert.equal(s.salesforce.apiVersion, '62.0');
    assert.equal(s.externalIdField, undefined);
    assert.deepEqual(s.lookup, { cacheTtlMs: 600000, negativeTtlMs: 120000, extraPhoneFields: [], budgetMs: 150, defaultCountry: 'US' });
    assert.deepEqual(s.unknownCallers, { mode: 'contact', accountName: 'Unknown Callers', emailDomain: 'unknown.invalid', leadCompany: undefined });
    assert.deepEqual(s.batch, { maxRecords: 200, maxWaitMs: 1000 });
    assert.equal(s.governor.maxShare, 0.8);
    assert.deepEqual(s.events, { backend: 'file', dir: 'var/events', maxBytes: 1024 ** 3, claimMinIdleMs: 60000 });
    assert.equal(s.deadLetters.dir, 'var/crm');
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.salesforce.auth) && Object.isFrozen(s.lookup.extraPhoneFields));
    assert.equal(s.salesforce.auth.kind === 'password' && s.salesforce.auth.password.reveal(), 'pw');
    assert.doesNotMatch(JSON.stringify(s), /"pw"|"tok"/, 'secrets never show in JSON');
  });

  it('sandbox, My Domain and a login URL', () => {
    assert.equal(ok(PASSWORD.replace('salesforce:\n', 'salesforce:\n  sandbox: true\n')).salesforce.loginUrl, SANDBOX_LOGIN);
    assert.equal(ok(PASSWORD.replace('salesforce:\n', 'salesforce:\n  myDomain: acme\n')).salesforce.loginUrl, 'https://acme.my.salesforce.com');
    assert.equal(ok(PASSWORD.replace('salesforce:\n', 'salesforce:\n  myDomain: acme--uat.sandbox.my.salesforce.com\n')).salesforce.loginUrl, 'https://acme--uat.sandbox.my.salesforce.com');
    assert.equal(ok(PASSWORD.replace('salesforce:\n', 'salesforce:\n  loginUrl: http://127.0.0.1:8080/\n')).salesforce.loginUrl, 'http://127.0.0.1:8080');
  });

  it('JWT with the key from the environment or a file', () => {
    const jwt = (key: string): string => `version: 1\ngatewayId: gw\nsalesforce:\n  auth:\n    kind: jwt\n    username: u@x.com\n    clientId: 3MVG9abc\n    privateKey: ${key}\n`;
    const fromEnv = ok(jwt('{ env: SF_KEY }')).salesforce.auth;
    assert.equal(fromEnv.kind === 'jwt' && fromEnv.privateKey.reveal(), KEY);
    const fromFile = ok(jwt('{ file: /keys/sf.key }'), ENV, { '/keys/sf.key': KEY }).salesforce.auth;
    assert.equal(fromFile.kind === 'jwt' && fromFile.clientId, '3MVG9abc');
    assert.match(errors(jwt('{ file: /keys/missing.key }')), /salesforce\.auth\.privateKey: the key file \/keys\/missing\.key cannot be read \(ENOENT\)/);
    assert.match(errors(jwt('{ env: SF_PASSWORD }')), /privateKey: this is not a PEM private key/);
  });

  it('redis events, a webhook and SMTP', () => {
    const s = ok(`${PASSWORD}events:\n  backend: redis\n  redisUrl: redis://10.0.0.5:6379\n  claimMinIdleMs: 5000\ndeadLetters:\n  webhookUrl: https://ops.example.com/hook\n  smtp: { host: smtp.example.com, username: ops, password: { env: SMTP_PW }, from: linegate@example.com, to: [ops@example.com] }\n`);
    assert.equal(s.events.backend === 'redis' && s.events.redisUrl.reveal(), 'redis://10.0.0.5:6379');
    assert.equal(s.events.backend === 'redis' && s.events.stream, 'linegate:events');
    assert.equal(s.deadLetters.smtp?.port, 587);
    assert.equal(s.deadLetters.smtp?.security, 'starttls');
    assert.equal(s.deadLetters.smtp?.password?.reveal(), 'smtp');
  });

  it('names the file, the path and the fix for each mistake, all at once', () => {
    const text = errors(`version: 1
gatewayId: "gw 1"
salesforce:
  sandbox: true
  myDomain: acme
  apiVersion: 62.0
  auth:
    kind: password
    username: u@x.com
    password: hunter2
    securityToken: { env: UNSET_VAR }
lookup:
  extraPhonefields: [HomePhone]
batch: { maxRecords: 500 }
externalIdField: Call_Key
`);
    const lines = text.split('\n');
    const expect = [
      /^crm\.yaml: gatewayId: "gw 1" is not in the expected form — fix: correct it, e\.g\. gatewayId: gw-berlin-1/,
      /^crm\.yaml: salesforce\.apiVersion: 62\.0 is read by YAML as the number 62, but text is expected — fix: quote it/,
      /^crm\.yaml: salesforce\.auth\.password: a secret is written in the file — fix: put it in an environment variable/,
      /^crm\.yaml: lookup\.extraPhonefields: unknown key "extraPhonefields" — fix: did you mean "extraPhoneFields"\?/,
      /^crm\.yaml: batch\.maxRecords: 500 is above the maximum 200 — fix: use a value from 1 to 200/,
      /^crm\.yaml: externalIdField: "Call_Key" is not in the expected form — fix: correct it, e\.g\. externalIdField: Linegate_Call_Key__c/,
    ];
    for (const re of expect) assert.ok(lines.some((l) => re.test(l)), `${re} in\n${text}`);
    assert.doesNotMatch(text, /hunter2/, 'never echoes a secret');
    // What the schema cannot say, once the schema is satisfied:
    const cross = errors(`${PASSWORD.replace('salesforce:\n', 'salesforce:\n  sandbox: true\n  myDomain: acme\n').replace('{ env: SF_TOKEN }', '{ env: UNSET_VAR }')}events: { backend: redis }\n`);
    assert.match(cross, /salesforce\.myDomain: sandbox and myDomain are both given — fix: keep one/);
    assert.match(cross, /salesforce\.auth\.securityToken: environment variable UNSET_VAR is not set/);
    assert.match(cross, /events\.redisUrl: backend redis needs redisUrl/);
  });

  it('events.maxBytes caps the file log: a whole number from 64 MiB, and only with backend file', () => {
    const withMax = (v: string, backend = 'file'): string => `${PASSWORD}events:\n  backend: ${backend}\n  maxBytes: ${v}\n${backend === 'redis' ? '  redisUrl: redis://10.0.0.5:6379\n' : ''}`;
    const s = ok(withMax('268435456'));
    assert.equal(s.events.backend === 'file' && s.events.maxBytes, 268435456);
    const least = ok(withMax(String(64 * 1024 * 1024))).events;
    assert.equal(least.backend === 'file' && least.maxBytes, 67108864);
    assert.match(errors(withMax('1000000')), /^crm\.yaml: events\.maxBytes: 1000000 is below the minimum 67108864 — fix: use a value from 67108864 to \d+$/m);
    assert.match(errors(withMax('268435456.5')), /^crm\.yaml: events\.maxBytes: 268435456\.5 is not a whole number — fix: write a whole number, e\.g\. maxBytes: 1073741824; file: cap on the log's size on disk/m);
    assert.match(errors(withMax('1GiB')), /^crm\.yaml: events\.maxBytes: "1GiB" is not a whole number — fix: .*Default 1073741824 \(1 GiB\)/m);
    assert.match(errors(withMax('268435456', 'redis')), /^crm\.yaml: events\.maxBytes: maxBytes is only used with backend: file — fix: remove it/m);
  });

  it('a jwt without its key, a password login without its token', () => {
    assert.match(errors('version: 1\ngatewayId: g\nsalesforce:\n  auth: { kind: jwt, username: u@x.com }\n'), /auth kind jwt needs clientId[\s\S]*auth kind jwt needs privateKey/);
    assert.match(errors('version: 1\ngatewayId: g\nsalesforce:\n  auth: { kind: password, username: u@x.com, password: { env: SF_PASSWORD } }\n'), /auth kind password needs securityToken/);
  });

  it('a missing file says how to give one', () => {
    const r = loadCrmConfig('/nonexistent/crm.yaml');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : formatCrmConfigErrors(r.errors), /\/nonexistent\/crm\.yaml: the file does not exist — fix: give the path .* --config FILE or LINEGATE_CRM_CONFIG/);
  });
});
