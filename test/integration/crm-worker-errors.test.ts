/**
 * Errors against the Salesforce emulator: an expired session (log in again once), 5xx
 * (backoff), a locked row (retry), and a validation rule (permanent → dead letter, a
 * webhook POST, a mail through SMTP, the metric), then `linegate crm replay` once the rule
 * is lifted: through the running worker, and in its own process when no worker runs.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCrmCli } from '../../src/crm-main.js';
import { createLogger } from '../../src/observability/index.js';
import { callEvents, laterNote } from '../helpers/crm-calls.js';
import { mailBody, startTinySmtpServer, type TinySmtpServer } from '../helpers/tiny-smtp-server.js';
import { configYaml, startCrmBed, tasksByCall, USER, type CrmBed } from './crm-worker-bed.js';

interface Hook {
  readonly url: string;
  readonly bodies: unknown[];
  close(): Promise<void>;
}

async function startHook(): Promise<Hook> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CRM worker errors (Salesforce emulator)', function () {
  this.timeout(30_000);
  let bed: CrmBed | undefined;
  let hook: Hook | undefined;
  let smtp: TinySmtpServer | undefined;
  afterEach(async () => {
    await bed?.close();
    await hook?.close();
    await smtp?.close();
    bed = hook = smtp = undefined;
  });

  it('an expired session: logs in again once and writes the Task', async () => {
    bed = await startCrmBed({ yaml: 'unknownCallers: { mode: none }' });
    await bed.append(callEvents({ callId: 'warm-up' }));
    await bed.drained();
    bed.sf.expireSessions();
    await bed.append(callEvents({ callId: 'after-expiry' }));
    await bed.drained();
    assert.equal(tasksByCall(bed.sf).get('after-expiry')?.length, 1);
    assert.equal(bed.sf.apiCalls().login, 2);
  });

  it('5xx answers and a locked row: backoff and retry, no dead letter', async () => {
    bed = await startCrmBed({ yaml: 'unknownCallers: { mode: none }' });
    bed.sf.inject({ kind: '5xx', times: 2, match: { pathPrefix: '/composite/sobjects' } });
    bed.sf.inject({ kind: 'lock', times: 1, recordIndexes: [1] });
    await bed.append([...callEvents({ callId: 'r1' }), ...callEvents({ callId: 'r2' }), ...callEvents({ callId: 'r3' })]);
    await bed.drained();
    const tasks = tasksByCall(bed.sf);
    assert.deepEqual(['r1', 'r2', 'r3'].map((c) => tasks.get(c)?.length), [1, 1, 1]);
    assert.ok(bed.sf.apiCalls().collections >= 4, JSON.stringify(bed.sf.apiCalls()));
    const dead = await bed.registry.getSingleMetric('linegate_crm_dead_letters_total')?.get();
    assert.equal(dead?.values[0]?.value ?? 0, 0);
  });

  it('a validation rule: dead letter, webhook, mail, metric; replay through the running worker after the rule is lifted', async () => {
    let ruleOn = true;
    hook = await startHook();
    smtp = await startTinySmtpServer();
    bed = await startCrmBed({
      emulator: { validationRules: [{ sobject: 'Task', errorField: 'Description', errorMessage: 'No prices in call notes', condition: (r) => ruleOn && String(r.Description ?? '').includes('price') }] },
      yaml: `unknownCallers: { mode: none }\ndeadLetters:\n  webhookUrl: ${hook.url}\n  smtp: { host: 127.0.0.1, port: ${smtp.port}, security: none, from: linegate@test.invalid, to: [ops@test.invalid] }`,
    });
    const bad = callEvents({ callId: 'priced', notes: ['the price is 100'] });
    await bed.append([...bad, ...callEvents({ callId: 'fine' })]);
    await bed.drained();
    assert.equal(tasksByCall(bed.sf).get('fine')?.length, 1);
    assert.equal(tasksByCall(bed.sf).get('priced'), undefined);
    await until(() => hook!.bodies.length === 1 && smtp!.mails.length === 1, 5000, 'webhook and mail');
    const notice = hook.bodies[0] as { type: string; count: number; entries: Array<{ callId: string; code: string; fields: string[] }> };
    assert.equal(notice.type, 'linegate.crm.dead-letter');
    assert.deepEqual(notice.entries.map((e) => [e.callId, e.code, e.fields]), [['priced', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', ['Description']]]);
    assert.match(mailBody(smtp.mails[0]!.data), /call priced: FIELD_CUSTOM_VALIDATION_EXCEPTION \(Description\): No prices in call notes/);
    const metric = await bed.registry.getSingleMetric('linegate_crm_dead_letters_total')?.get();
    assert.equal(metric?.values[0]?.value, 1);

    // A note after the call joins the dead letter; the operator fixes the cause and replays.
    await bed.append([laterNote(bad, 'agreed on a discount')]);
    await bed.drained();
    ruleOn = false;
    await writeFile(join(bed.dir, 'crm.yaml'), configYaml(bed.url, bed.dir, { yaml: 'unknownCallers: { mode: none }' }));
    const out: string[] = [];
    const code = await withEnv({ SF_PASSWORD: USER.password, SF_TOKEN: USER.securityToken }, () =>
      runCrmCli(['crm', 'replay', '--config', join(bed!.dir, 'crm.yaml')], { out: (t) => out.push(t), err: (t) => out.push(t), untilSignal: async () => undefined }));
    assert.equal(code, 0, out.join(''));
    assert.match(out.join(''), /replayed 1 call\(s\) from 2 dead letter\(s\): 1 written, 0 dead-lettered again/);
    assert.doesNotMatch(out.join(''), /no running worker/, 'the running worker did the replay');
    const t = tasksByCall(bed.sf).get('priced');
    assert.equal(t?.length, 1);
    assert.equal(t?.[0]?.Description, 'the price is 100\n\nagreed on a discount');
  });

  it('replay without a running worker runs in the CLI process; still-failing calls stay dead-lettered (exit 1)', async () => {
    let ruleOn = true;
    bed = await startCrmBed({
      emulator: { validationRules: [{ sobject: 'Task', errorMessage: 'closed for maintenance', condition: () => ruleOn }] },
      yaml: 'unknownCallers: { mode: none }',
    });
    await bed.append([...callEvents({ callId: 'x1' }), ...callEvents({ callId: 'x2' })]);
    await bed.drained();
    await bed.running.close();
    const file = join(bed.dir, 'crm.yaml');
    await writeFile(file, configYaml(bed.url, bed.dir, { yaml: 'unknownCallers: { mode: none }' }));
    const run = async (): Promise<[number, string]> => {
      const out: string[] = [];
      const code = await withEnv({ SF_PASSWORD: USER.password, SF_TOKEN: USER.securityToken }, () =>
        runCrmCli(['crm', 'replay', '--config', file, '--pickup-ms', '300'], { out: (t) => out.push(t), err: (t) => out.push(t), untilSignal: async () => undefined, logger: createLogger('silent') }));
      return [code, out.join('')];
    };
    const [failCode, failOut] = await run();
    assert.equal(failCode, 1);
    assert.match(failOut, /no running worker took the request[\s\S]*2 call\(s\) from 2 dead letter\(s\): 0 written, 2 dead-lettered again/);
    ruleOn = false;
    const [okCode, okOut] = await run();
    assert.equal(okCode, 0, okOut);
    assert.equal(bed.sf.records('Task').length, 2);
    bed.running = { ...bed.running, close: async () => undefined };
  });

  it('test-connection prints a verdict; bad commands and configs exit 2', async () => {
    bed = await startCrmBed();
    const file = join(bed.dir, 'crm.yaml');
    await writeFile(file, configYaml(bed.url, bed.dir));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), untilSignal: async () => undefined };
    const code = await withEnv({ SF_PASSWORD: USER.password, SF_TOKEN: USER.securityToken }, () => runCrmCli(['crm', 'test-connection', '--config', file], io));
    assert.equal(code, 0, out.join(''));
    assert.match(out.join(''), /log in/);
    assert.equal(await runCrmCli(['crm', 'bogus'], io), 2);
    assert.equal(await withEnv({}, () => runCrmCli(['crm-worker', '--config', join(bed!.dir, 'missing.yaml')], io)), 2);
    assert.match(out.join(''), /missing\.yaml: the file does not exist/);
  });
});

/** Runs fn with these variables in process.env (the CLI reads secrets only from there). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
