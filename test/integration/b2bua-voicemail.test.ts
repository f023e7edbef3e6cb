/**
 * Calls diverted to voicemail by the CallShell, end to end: the dialplan's forwarding rules
 * (`voicemail` as the destination) and DND, with a sipp UAS standing in for the voicemail
 * service at the dialplan's `voicemail.serviceUri`. sipp checks the Request-URI and the
 * Diversion header's form; the test reads the exact Diversion reason from sipp's message
 * trace. Without a voicemail box the same conditions give the caller 486 and the voicemail
 * service (a silent UDP socket) never hears of the call.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 test/integration/b2bua-voicemail.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { delay, useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed, TestDialplanOptions } from './b2bua-bed.js';
import type { CallEvent } from '../../src/events/index.js';
import type { JsonObject } from '../../src/state/index.js';
import type { SippRun } from '../helpers/sipp.js';

type Ended = Extract<CallEvent, { type: 'call.ended' }>;

const ALICE = '+14155550100';
const CALLER = '+14155550123';
const VOICEMAIL_BOX = '    voicemail: { enabled: true, pin: { env: VM_PIN } }';
/** A ring plan the no-answer test can wait out: one second for the devices. */
const ONE_SECOND_PLAN = { strategy: 'simultaneous', timeoutS: 1, targets: [{ to: 'devices', timeoutS: 1, confirm: false }] };

async function passes(run: SippRun): Promise<void> {
  const r = await run.done;
  assert.equal(r.code, 0, r.output);
}

async function oneEnded(sb: ShellBed, disposition: string): Promise<Ended> {
  await until(() => sb.shell.activeCalls() === 0 && sb.events.ended().length >= 1, 8000, 'call.ended');
  const ended = sb.events.ended() as Ended[];
  assert.equal(ended.length, 1, JSON.stringify(sb.events.events));
  assert.equal(ended[0]!.disposition, disposition, JSON.stringify(ended[0]));
  return ended[0]!;
}

/** The Request-URI and Diversion of the INVITE in a sipp message trace. */
function inviteSeen(trace: string): { requestUri: string; diversion: string } {
  const invite = /^INVITE (\S+) SIP\/2\.0$/m.exec(trace);
  const diversion = /^Diversion:\s*(.*)$/im.exec(trace);
  assert.ok(invite && diversion, `no INVITE with Diversion in the voicemail trace:\n${trace}`);
  return { requestUri: invite[1]!, diversion: diversion[1]!.trim() };
}

describe('b2bua: forward to voicemail', function () {
  this.timeout(30_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  let traceDir: string | undefined;
  afterEach(async () => {
    await sb?.store.close();
    sb = undefined;
    if (traceDir) rmSync(traceDir, { recursive: true, force: true });
    traceDir = undefined;
  });

  /** The voicemail service: a sipp UAS that answers and traces what it received. */
  async function voicemailService(): Promise<{ run: SippRun; trace: () => string }> {
    traceDir = mkdtempSync(path.join(tmpdir(), 'linegate-vm-'));
    const file = path.join(traceDir, 'messages.log');
    const run = await bed().sipp({ scenario: 'b2bua-uas-voicemail-expect-diversion-answer.xml', extra: ['-trace_msg', '-message_file', file] });
    return { run, trace: () => readFileSync(file, 'utf8') };
  }

  async function shellWith(voicemailPort: number, aliceYaml: string, settings?: JsonObject): Promise<ShellBed> {
    const opts: TestDialplanOptions = { voicemailPort, aliceYaml };
    const s = sb = await startShellBed(bed(), () => testDialplan(9, '', opts));
    if (settings) await s.store.putSettings('alice', settings, 0);
    return s;
  }

  function callAlice(scenario = 'uac-invite-answered-send-bye.xml'): Promise<SippRun> {
    return bed().sipp({ scenario, target: sb!.eut.udp, service: ALICE, keys: { from_user: CALLER } });
  }

  /** A call to alice reaches the voicemail service with this Diversion reason and ends `voicemail`. */
  async function reachesVoicemail(vm: { run: SippRun; trace: () => string }, reason: string, ...peers: SippRun[]): Promise<void> {
    for (const run of [await callAlice(), vm.run, ...peers]) await passes(run);
    const ended = await oneEnded(sb!, 'voicemail');
    assert.equal(ended.hungUpBy, 'caller');
    assert.equal(ended.answeredBy, undefined, 'voicemail is not an answer by the user');
    assert.equal(sb!.events.events.filter((e) => e.type === 'call.answered').length, 0);
    const seen = inviteSeen(vm.trace());
    assert.equal(seen.requestUri, `sip:voicemail@127.0.0.1:${vm.run.port}`);
    assert.equal(seen.diversion, `<tel:${ALICE}>;reason=${reason};counter=1`);
  }

  it('DND (dialplan) with a voicemail box: the devices never ring, the call goes to voicemail', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, `${VOICEMAIL_BOX}\n    dnd: true`);
    const desk = await bed().silentPeer();
    s.registrar.devices.set('alice', [{ uri: `sip:desk@127.0.0.1:${desk.port}`, uacOptions: {} }]);
    await reachesVoicemail(vm, 'do-not-disturb');
    assert.deepEqual(desk.methods(), []);
  });

  it('no answer → voicemail (dialplan forwarding.noAnswer: voicemail): the device gets CANCEL first', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, `${VOICEMAIL_BOX}\n    forwarding: { noAnswer: voicemail }`, { ringPlan: ONE_SECOND_PLAN });
    const desk = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml' });
    s.registrar.add('alice', desk.port, 'desk');
    await reachesVoicemail(vm, 'no-answer', desk);
  });

  it('busy → voicemail (dialplan forwarding.busy: voicemail): the device answers 486', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, `${VOICEMAIL_BOX}\n    forwarding: { busy: voicemail }`);
    const desk = await bed().sipp({ scenario: 'uas-reject-486.xml' });
    s.registrar.add('alice', desk.port, 'desk');
    await reachesVoicemail(vm, 'user-busy', desk);
  });

  it('unreachable → voicemail (dialplan forwarding.unreachable: voicemail): no device registered', async () => {
    const vm = await voicemailService();
    await shellWith(vm.run.port, `${VOICEMAIL_BOX}\n    forwarding: { unreachable: voicemail }`);
    await reachesVoicemail(vm, 'unavailable');
  });

  // "Forward always to voicemail" is not DND: the voicemail leg says reason=unconditional.
  it('forward always → voicemail (dialplan forwarding.always: voicemail): the devices never ring, reason=unconditional', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, `${VOICEMAIL_BOX}\n    forwarding: { always: voicemail }`);
    const desk = await bed().silentPeer();
    s.registrar.devices.set('alice', [{ uri: `sip:desk@127.0.0.1:${desk.port}`, uacOptions: {} }]);
    await reachesVoicemail(vm, 'unconditional');
    assert.deepEqual(desk.methods(), []);
  });

  it('forward always → voicemail set through the control API\'s settings: reason=unconditional, DND off', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, VOICEMAIL_BOX, {
      dnd: false,
      forwarding: { always: 'voicemail', busy: null, noAnswer: null, unreachable: null },
    });
    const desk = await bed().silentPeer();
    s.registrar.devices.set('alice', [{ uri: `sip:desk@127.0.0.1:${desk.port}`, uacOptions: {} }]);
    await reachesVoicemail(vm, 'unconditional');
    assert.deepEqual(desk.methods(), []);
  });

  it('forwarding set to voicemail through the control API\'s settings is honoured the same way', async () => {
    const vm = await voicemailService();
    const s = await shellWith(vm.run.port, VOICEMAIL_BOX, {
      forwarding: { always: null, busy: 'voicemail', noAnswer: null, unreachable: null },
    });
    const desk = await bed().sipp({ scenario: 'uas-reject-486.xml' });
    s.registrar.add('alice', desk.port, 'desk');
    await reachesVoicemail(vm, 'user-busy', desk);
  });

  describe('without a voicemail box the caller hears 486 and voicemail never hears of the call', () => {
    it('DND → 486 Do Not Disturb, disposition blocked', async () => {
      const vm = await bed().silentPeer();
      await shellWith(vm.port, '    dnd: true');
      await passes(await callAlice('uac-invite-expect-486.xml'));
      const ended = await oneEnded(sb!, 'blocked');
      assert.equal(ended.sipStatus, 486);
      await delay(200);
      assert.deepEqual(vm.methods(), []);
    });

    it('busy → 486 Busy Here, disposition busy', async () => {
      const vm = await bed().silentPeer();
      const s = await shellWith(vm.port, '');
      const desk = await bed().sipp({ scenario: 'uas-reject-486.xml' });
      s.registrar.add('alice', desk.port, 'desk');
      for (const run of [await callAlice('uac-invite-expect-486.xml'), desk]) await passes(run);
      const ended = await oneEnded(sb!, 'busy');
      assert.equal(ended.sipStatus, 486);
      await delay(200);
      assert.deepEqual(vm.methods(), []);
    });
  });
});
