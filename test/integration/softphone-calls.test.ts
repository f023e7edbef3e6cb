/**
 * Real softphones through the whole app (issue #3, "at least one real softphone
 * registering and calling"): startLineGate, the composition `linegate run` uses (embedded
 * engine, Registrar, CallShell, MemoryStore snapshot and FileEventLog under a var dir),
 * on a dialplan written to a temp folder, SIP on 127.0.0.1 on a port picked at run time.
 * Two baresip instances register as alice and bob with Digest (MD5: Debian's baresip 1.0
 * does not do SHA-256, see registrar-softphone.test.ts), alice dials bob's extension,
 * bob's phone answers by itself, both phones report the call established, alice hangs up;
 * and a sipp "trunk" calls bob's business number and reaches bob's baresip. The call
 * events are read back from the event log's files under the var dir.
 *
 * Needs baresip and sipp (`make peers`). Run:
 *   npx mocha --no-config --node-option import=tsx --extension ts test/integration/softphone-calls.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CallEvent } from '../../src/events/index.js';
import { startBaresip, type Baresip, type BaresipControl } from '../helpers/baresip.js';
import { startSipp } from '../helpers/sipp.js';
import { sleep } from '../helpers/until.js';
import { callOf, readCallEvents, startSoftphoneApp, waitForEvents, type SoftphoneApp } from './softphone-app.js';

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

describe('softphones through linegate run (startLineGate): baresip + sipp trunk', function () {
  this.timeout(30_000);
  let app: SoftphoneApp | undefined;
  const phones: Baresip[] = [];

  before(function () {
    assert.ok(installed('baresip'), 'baresip is not installed: run `make peers` (or apt-get install -y baresip)');
    assert.ok(installed('sipp'), 'sipp is not installed: run `make peers` (or apt-get install -y sip-tester)');
  });
  beforeEach(async () => {
    app = await startSoftphoneApp();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const p of phones) process.stderr.write(`--- baresip ${p.port} output ---\n${p.output().slice(-4000)}\n`);
      if (app) process.stderr.write(`--- app log ---\n${app.logText().slice(-4000)}\n`);
    }
    await Promise.all(phones.splice(0).map((p) => p.stop()));
    await app?.close();
    app = undefined;
  });

  async function registeredPhone(a: SoftphoneApp, user: 'alice' | 'bob'): Promise<{ phone: Baresip; control: BaresipControl }> {
    const phone = await startBaresip({
      aor: `sip:${user}@127.0.0.1`, password: a.passwords[user], outbound: `127.0.0.1:${a.udpPort}`, control: true, lifetimeS: 60,
    });
    phones.push(phone);
    const control = phone.control;
    assert.ok(control);
    await phone.waitRegistered(8_000);
    return { phone, control };
  }

  it('alice dials bob\'s extension, bob\'s baresip answers, both report it established, alice hangs up', async () => {
    const a = app as SoftphoneApp;
    const { control: alice } = await registeredPhone(a, 'alice');
    const { phone: bobPhone, control: bob } = await registeredPhone(a, 'bob');
    assert.equal(a.registered('alice'), 1);
    assert.equal(a.registered('bob'), 1);

    const dialled = await alice.command('dial', 'sip:101@127.0.0.1');
    assert.ok(dialled.ok, `dial refused: ${dialled.data}`);
    // answermode=auto: baresip answers at once and reports no CALL_INCOMING, only CALL_ESTABLISHED.
    const atBob = await bob.waitForEvent('CALL_ESTABLISHED', 5_000);
    const atAlice = await alice.waitForEvent('CALL_ESTABLISHED', 5_000);
    assert.equal(atBob.direction, 'incoming');
    assert.equal(atBob.peeruri, 'sip:+14155550100@127.0.0.1', 'bob sees alice\'s business number');
    assert.equal(atBob.peerdisplayname, 'Alice Example');
    assert.equal(atAlice.direction, 'outgoing');
    assert.equal(a.shell.activeCalls(), 1);

    await sleep(300);
    const hungUp = await alice.command('hangup');
    assert.ok(hungUp.ok, `hangup refused: ${hungUp.data}`);
    await alice.waitForEvent('CALL_CLOSED', 5_000);
    await bob.waitForEvent('CALL_CLOSED', 5_000);

    const events = await waitForEvents(a, (all) => all.some((e) => e.type === 'call.ended'), 5_000);
    const call = callOf(events, (e) => e.type === 'call.started' && e.direction === 'outbound');
    assert.deepEqual(call.map((e) => e.type), ['call.started', 'call.ringing', 'call.answered', 'call.ended']);
    const [started, , answered, ended] = call as [CallEvent, CallEvent, CallEvent, CallEvent];
    assert.ok(started.type === 'call.started' && answered.type === 'call.answered' && ended.type === 'call.ended');
    assert.equal(started.callId, atAlice.id, 'the events are keyed by the Call-ID of alice\'s leg');
    assert.equal(started.userId, 'alice');
    assert.equal(started.to, '101');
    assert.deepEqual(answered.answeredBy.kind === 'device' && /@127\.0\.0\.1:(\d+)/.exec(answered.answeredBy.deviceId)?.[1], String(bobPhone.port),
      'answered by bob\'s baresip');
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.hungUpBy, 'caller');
    assert.equal(a.shell.activeCalls(), 0);
  });

  it('a sipp trunk calls bob\'s business number and bob\'s baresip answers it', async () => {
    const a = app as SoftphoneApp;
    const { phone: bobPhone, control: bob } = await registeredPhone(a, 'bob');
    const trunk = await startSipp({ scenario: 'uac-invite-answered-send-bye.xml', target: `127.0.0.1:${a.udpPort}`, service: '+14155550101', timeoutS: 15 });
    const atBob = await bob.waitForEvent('CALL_ESTABLISHED', 5_000);
    assert.equal(atBob.direction, 'incoming');
    assert.equal(atBob.peeruri, 'sip:caller@127.0.0.1', 'the trunk\'s caller as sipp sent it');
    const run = await trunk.done;
    assert.equal(run.code, 0, run.output);
    await bob.waitForEvent('CALL_CLOSED', 5_000);

    const events = await waitForEvents(a, (all) => all.some((e) => e.type === 'call.ended'), 5_000);
    const call = callOf(events, (e) => e.type === 'call.started' && e.direction === 'inbound');
    assert.deepEqual(call.map((e) => e.type), ['call.started', 'call.ringing', 'call.answered', 'call.ended']);
    const [started, , answered, ended] = call as [CallEvent, CallEvent, CallEvent, CallEvent];
    assert.ok(started.type === 'call.started' && answered.type === 'call.answered' && ended.type === 'call.ended');
    assert.equal(started.userId, 'bob');
    assert.equal(started.to, '+14155550101');
    assert.equal(started.trunkId, 'carrier');
    assert.equal(answered.answeredBy.kind === 'device' && /@127\.0\.0\.1:(\d+)/.exec(answered.answeredBy.deviceId)?.[1], String(bobPhone.port));
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.hungUpBy, 'caller');
    assert.equal((await readCallEvents(a.eventsDir)).filter((e) => e.type === 'call.ended').length, 1);
    assert.equal(a.shell.activeCalls(), 0);
  });
});

describe('softphones through linegate run: the dialplan\'s default digest algorithms', function () {
  this.timeout(20_000);
  let app: SoftphoneApp | undefined;
  let phone: Baresip | undefined;
  afterEach(async () => {
    await phone?.stop();
    await app?.close();
    phone = undefined;
    app = undefined;
  });

  it('Debian 12\'s baresip 1.0 cannot register while SHA-256 is offered at all, even after MD5 (registrar.algorithms must be [MD5] for it)', async () => {
    // libre 1.1 walks every WWW-Authenticate of the 401 and gives up (ENOSYS) at the first
    // algorithm other than MD5, so the default [MD5, SHA-256] fails it as SHA-256 alone
    // does. Documents the softphone's limit so that a baresip that copes is noticed: then
    // this test fails and docs/dialplan.md's note on the default can be relaxed.
    app = await startSoftphoneApp({ algorithms: null });
    phone = await startBaresip({ aor: 'sip:bob@127.0.0.1', password: app.passwords.bob, outbound: `127.0.0.1:${app.udpPort}`, lifetimeS: 20 });
    await phone.waitForOutput(/Register: Function not implemented/, 8_000, 'the refusal of the SHA-256 challenge');
    assert.equal(app.registered('bob'), 0);
  });
});
