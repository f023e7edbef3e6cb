/**
 * Issue #4, end to end: what `make run` starts (startLineGate on the example dialplan, with
 * its in-process CRM worker and the demo Salesforce emulator) turns a carrier's call to
 * alice into a Task within 2 s of hang-up, and a second call from the same unknown number
 * reuses the Contact the first one created (the emulator's search index lags by default in
 * demo mode, so only the worker's memory of what it created can find it).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 60000 test/integration/crm-end-to-end.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readEngineFlags } from '../../src/config/index.js';
import { startLineGate } from '../../src/main.js';
import type { RunningLineGate } from '../../src/main.js';
import { DEMO_CLIENT, DEMO_USER } from '../../src/sf-emulator/index.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { registerAt } from './run-bed.js';
import { SECRET, until, useTestBed } from './test-bed.js';

const ALICE_NUMBER = '+14155550100';
/** Not in the demo org: an unknown caller. */
const CALLER = '+14155550177';

interface Org {
  query<T>(soql: string): Promise<T[]>;
}

/** Logs in to the emulator like any REST client (OAuth password grant) and runs SOQL. */
async function org(url: string): Promise<Org> {
  const body = new URLSearchParams({
    grant_type: 'password', client_id: DEMO_CLIENT.clientId, client_secret: DEMO_CLIENT.clientSecret,
    username: DEMO_USER.username, password: DEMO_USER.password + DEMO_USER.securityToken,
  });
  const res = await fetch(`${url}/services/oauth2/token`, { method: 'POST', body });
  assert.equal(res.status, 200, await res.clone().text());
  const { access_token: token, instance_url: instance } = (await res.json()) as { access_token: string; instance_url: string };
  return {
    async query<T>(soql: string): Promise<T[]> {
      const q = await fetch(`${instance}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(q.status, 200, await q.clone().text());
      return ((await q.json()) as { records: T[] }).records;
    },
  };
}

interface TaskRow {
  Id: string;
  Subject: string;
  WhoId: string | null;
  CallObject: string;
  CallDisposition: string;
  CallType: string;
  OwnerId: string | null;
}

describe('CRM end to end: a call through the running gateway becomes a Task (issue #4)', function () {
  this.timeout(60_000);
  let app: RunningLineGate | undefined;
  let varDir: string | undefined;
  let client: UdpSipClient | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await client?.close();
    client = undefined;
    if (varDir) rmSync(varDir, { recursive: true, force: true });
  });
  const bed = useTestBed();

  it('a Task within 2 s of hang-up; a second call from the same unknown number reuses the Contact the first created', async () => {
    const eut = await bed().startEngine();
    const flags = readEngineFlags(['--address', '127.0.0.1', '--port', String(eut.engine.wireAddress().port), '--secret', SECRET]);
    assert.ok(flags.ok);
    varDir = mkdtempSync(path.join(tmpdir(), 'linegate-crm-e2e-'));
    app = await startLineGate({
      flags: flags.flags, engine: eut.engine, log: pino({ level: 'silent' }), varDir,
      env: { LINEGATE_CONTROL_ADDRESS: '127.0.0.1', LINEGATE_CONTROL_PORT: '0' },
    });
    assert.ok(app?.crm?.emulatorUrl, 'make run starts the CRM worker on the demo emulator');
    const sf = await org(app.crm.emulatorUrl);
    const sipPort = Number(eut.udp.split(':')[1]);
    client = await UdpSipClient.open();

    const contactIds: string[] = [];
    for (const round of [1, 2]) {
      const desk = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
      // alice's one binding moves to this round's desk: same Call-ID, CSeq rising (RFC 3261 §10.3 step 7).
      await registerAt(sipPort, 'alice', `sip:alice@127.0.0.1:${desk.port}`, { client, callId: 'crm-e2e-reg', cseqBase: 10 * round });
      const carrier = await bed().sipp({
        scenario: 'crm-trunk-uac-call-from-number-send-bye.xml', target: eut.udp, service: ALICE_NUMBER, keys: { caller: CALLER },
      });
      for (const [label, run] of [['carrier', carrier], ['desk', desk]] as const) {
        const r = await run.done;
        assert.equal(r.code, 0, `round ${round}: ${label}\n${r.output}`);
      }
      const hungUp = Date.now();
      let tasks: TaskRow[] = [];
      await until(() => tasks.length === round, 2_000, `round ${round}: the Task within 2 s of hang-up`, async () => {
        tasks = await sf.query<TaskRow>("SELECT Id, Subject, WhoId, CallObject, CallDisposition, CallType, OwnerId FROM Task WHERE CallType = 'Inbound'");
      });
      assert.ok(Date.now() - hungUp <= 2_500);
      const task = tasks[round - 1]!;
      assert.equal(task.CallDisposition, 'answered');
      assert.match(task.Subject, /^Inbound call from /);
      assert.ok(task.WhoId?.startsWith('003'), `round ${round}: WhoId is a Contact: ${String(task.WhoId)}`);
      assert.ok(task.OwnerId?.startsWith('005'), 'OwnerId is alice\'s Salesforce user');
      contactIds.push(task.WhoId ?? '');
    }
    assert.equal(contactIds[0], contactIds[1], 'the second call reuses the Contact created for the first');
    const contacts = await sf.query<{ Id: string }>(`SELECT Id FROM Contact WHERE MobilePhone = '${CALLER}'`);
    assert.equal(contacts.length, 1, 'exactly one Contact for the unknown number');
  });
});
