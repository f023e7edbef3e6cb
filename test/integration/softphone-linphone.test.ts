/**
 * linphonec (Debian `linphone-cli`) as one of the two softphones through the whole app
 * (startLineGate, as in softphone-calls.test.ts): linphonec registers as alice and calls
 * bob's baresip by extension; and, with the registrar offering SHA-256 only, linphonec
 * registers with Digest SHA-256 (RFC 8760; Debian's baresip cannot) and answers a call a
 * sipp trunk makes to alice's business number. Call events are read from the event log files.
 *
 * Needs linphonec, baresip and sipp:  apt-get install -y linphone-cli baresip sip-tester
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/softphone-linphone.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CallEvent } from '../../src/events/index.js';
import { startBaresip, type Baresip } from '../helpers/baresip.js';
import { startLinphonec, type Linphonec } from '../helpers/linphone.js';
import { startSipp } from '../helpers/sipp.js';
import { sleep } from '../helpers/until.js';
import { callOf, startSoftphoneApp, waitForEvents, type SoftphoneApp } from './softphone-app.js';

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function eventsOf(call: readonly CallEvent[]): { started: CallEvent; answered: CallEvent; ended: CallEvent } {
  assert.deepEqual(call.map((e) => e.type), ['call.started', 'call.ringing', 'call.answered', 'call.ended']);
  const [started, , answered, ended] = call as [CallEvent, CallEvent, CallEvent, CallEvent];
  return { started, answered, ended };
}

describe('softphones through linegate run: linphonec', function () {
  this.timeout(30_000);
  let app: SoftphoneApp | undefined;
  let linphone: Linphonec | undefined;
  let baresip: Baresip | undefined;

  before(function () {
    assert.ok(installed('linphonec'), 'linphonec is not installed: apt-get install -y linphone-cli');
    assert.ok(installed('baresip'), 'baresip is not installed: run `make peers` (or apt-get install -y baresip)');
    assert.ok(installed('sipp'), 'sipp is not installed: run `make peers` (or apt-get install -y sip-tester)');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      if (linphone) process.stderr.write(`--- linphonec output ---\n${linphone.output().slice(-4000)}\n`);
      if (baresip) process.stderr.write(`--- baresip output ---\n${baresip.output().slice(-3000)}\n`);
      if (app) process.stderr.write(`--- app log ---\n${app.logText().slice(-3000)}\n`);
    }
    await Promise.all([linphone?.stop(), baresip?.stop()]);
    await app?.close();
    linphone = undefined;
    baresip = undefined;
    app = undefined;
  });

  it('linphonec (alice, MD5) dials bob\'s extension, bob\'s baresip answers, linphonec hangs up', async () => {
    const a = (app = await startSoftphoneApp({ algorithms: ['MD5'] }));
    baresip = await startBaresip({ aor: 'sip:bob@127.0.0.1', password: a.passwords.bob, outbound: `127.0.0.1:${a.udpPort}`, control: true, lifetimeS: 60 });
    await baresip.waitRegistered(8_000);
    const lp = (linphone = await startLinphonec({ identity: 'sip:alice@127.0.0.1', password: a.passwords.alice, proxy: `127.0.0.1:${a.udpPort}`, lifetimeS: 60 }));
    await lp.register(8_000);
    assert.equal(a.registered('alice'), 1);

    const from = lp.output().length;
    lp.command('call sip:101@127.0.0.1');
    await lp.waitForOutput(/Call \d+ with sip:101@127\.0\.0\.1 connected\./, 5_000, 'the call connected', from);
    const atBob = await baresip.control?.waitForEvent('CALL_ESTABLISHED', 5_000);
    assert.equal(atBob?.direction, 'incoming');
    assert.equal(atBob?.peeruri, 'sip:+14155550100@127.0.0.1');
    await lp.waitForOutput(/Media streams established with sip:101@127\.0\.0\.1/, 5_000, 'media streams', from);
    await sleep(300);
    lp.command('terminate');
    await lp.waitForOutput(/Call \d+ with sip:101@127\.0\.0\.1 ended/, 5_000, 'the call ended', from);
    await baresip.control?.waitForEvent('CALL_CLOSED', 5_000);

    const events = await waitForEvents(a, (all) => all.some((e) => e.type === 'call.ended'), 5_000);
    const { started, answered, ended } = eventsOf(callOf(events, (e) => e.type === 'call.started'));
    assert.ok(started.type === 'call.started' && answered.type === 'call.answered' && ended.type === 'call.ended');
    assert.equal(started.userId, 'alice');
    assert.equal(started.direction, 'outbound');
    assert.equal(started.to, '101');
    assert.equal(answered.answeredBy.kind === 'device' && /@127\.0\.0\.1:(\d+)/.exec(answered.answeredBy.deviceId)?.[1], String(baresip.port));
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.hungUpBy, 'caller');
    assert.equal(a.shell.activeCalls(), 0);
  });

  it('linphonec registers with SHA-256 only (RFC 8760) and answers a call from a sipp trunk to alice\'s business number', async () => {
    const a = (app = await startSoftphoneApp({ algorithms: ['SHA-256'] }));
    const lp = (linphone = await startLinphonec({
      identity: 'sip:alice@127.0.0.1', password: a.passwords.alice, proxy: `127.0.0.1:${a.udpPort}`, autoAnswer: true, lifetimeS: 60,
    }));
    await lp.register(8_000);
    assert.equal(a.registered('alice'), 1);

    const from = lp.output().length;
    const trunk = await startSipp({ scenario: 'uac-invite-answered-send-bye.xml', target: `127.0.0.1:${a.udpPort}`, service: '+14155550100', timeoutS: 15 });
    await lp.waitForOutput(/Call \d+ with [^\n]*caller@127\.0\.0\.1[^\n]* connected\./, 5_000, 'the incoming call connected', from);
    const run = await trunk.done;
    assert.equal(run.code, 0, run.output);
    await lp.waitForOutput(/Call \d+ with [^\n]*caller@127\.0\.0\.1[^\n]* ended/, 5_000, 'the call ended', from);

    const events = await waitForEvents(a, (all) => all.some((e) => e.type === 'call.ended'), 5_000);
    const { started, answered, ended } = eventsOf(callOf(events, (e) => e.type === 'call.started'));
    assert.ok(started.type === 'call.started' && answered.type === 'call.answered' && ended.type === 'call.ended');
    assert.equal(started.userId, 'alice');
    assert.equal(started.direction, 'inbound');
    assert.equal(started.trunkId, 'carrier');
    // liblinphone registers with +sip.instance (RFC 5626), which the registrar keeps as the device's id.
    assert.match(answered.answeredBy.kind === 'device' ? answered.answeredBy.deviceId : '', /^<urn:uuid:[0-9a-f-]{36}>$/);
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.hungUpBy, 'caller');
  });
});
