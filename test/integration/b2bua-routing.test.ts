/**
 * Ringing and routing carried out by the CallShell on the embedded engine, with sipp as the
 * trunk and the devices: sequential ring, each forwarding condition, the concurrent-call
 * limit, the maximum call duration, CANCEL while ringing and before the decision, and an
 * emergency call while draining. Runtime settings are written in the control API's format
 * (user-settings.ts), which is what the shell reads through effectiveSettings().
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 test/integration/b2bua-routing.test.ts
 */
import assert from 'node:assert/strict';
import { delay, useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import { inviteThenCancelAtOnce } from './b2bua-raw-caller.js';
import type { ShellBed, ShellExtras } from './b2bua-bed.js';
import type { CallEvent } from '../../src/events/index.js';
import type { JsonObject } from '../../src/state/index.js';
import type { SippRun } from '../helpers/sipp.js';

type Ended = Extract<CallEvent, { type: 'call.ended' }>;
type Answered = Extract<CallEvent, { type: 'call.answered' }>;

const NO_FORWARDING = { always: null, busy: null, noAnswer: null, unreachable: null };
const ALICE = '+14155550100';
const MOBILE = '+14155550177';
const FORWARD_TO = '+14155550188';
const CALLER = '+14155550123';

async function passes(run: SippRun): Promise<void> {
  const r = await run.done;
  assert.equal(r.code, 0, r.output);
}

async function oneEnded(sb: ShellBed, disposition: string): Promise<Ended> {
  await until(() => sb.shell.activeCalls() === 0 && sb.events.ended().length >= 1, 5000, 'call.ended');
  const ended = sb.events.ended() as Ended[];
  assert.equal(ended.length, 1, JSON.stringify(sb.events.events));
  assert.equal(ended[0]!.disposition, disposition, JSON.stringify(ended[0]));
  return ended[0]!;
}

function answeredBy(sb: ShellBed): Answered['answeredBy'] | undefined {
  return (sb.events.events.find((e) => e.type === 'call.answered') as Answered | undefined)?.answeredBy;
}

describe('b2bua: ringing and routing', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  afterEach(async () => {
    await sb?.store.close();
    sb = undefined;
  });

  async function withTrunk(settings?: JsonObject): Promise<{ sb: ShellBed; trunk: SippRun }> {
    const trunk = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    sb = await startShellBed(bed(), () => testDialplan(trunk.port));
    if (settings) await sb.store.putSettings('alice', settings, 0);
    return { sb, trunk };
  }

  function callAlice(scenario = 'uac-invite-answered-send-bye.xml'): Promise<SippRun> {
    return bed().sipp({ scenario, target: sb!.eut.udp, service: ALICE });
  }

  /**
   * CANCEL before the decision (issue #3): no leg may ever ring. The orderings covered, by
   * where the shell is when srf emits the caller's CANCEL:
   *   1. in the same tick as the INVITE (both in one read of the wire socket), before the
   *      INVITE handler's first await has resumed: the race that used to lose the CANCEL,
   *      because the shell listened for it only once the call's session existed;
   *   2. while the caller's name is looked up in the directory, before the session exists;
   *   3. once the session exists, while the decision waits for the registrar's lookup.
   * In each the decision lands after the CANCEL (the lookup is held 1.5 s) and starts nothing.
   */
  describe('CANCEL before the decision: no leg is ever started', () => {
    /** The caller: a sipp scenario, or the raw INVITE-and-CANCEL-at-once caller. */
    type Caller = string | 'raw-at-once';

    async function cancelledBeforeDecision(caller: Caller, extras: ShellExtras = {}): Promise<ShellBed> {
      const s = sb = await startShellBed(bed(), () => testDialplan(9), extras);
      s.registrar.lookupDelayMs = 1500;
      const peer = await bed().silentPeer();
      s.registrar.devices.set('alice', [{ uri: `sip:desk@127.0.0.1:${peer.port}`, uacOptions: {} }]);
      if (caller === 'raw-at-once') {
        const { statuses } = await inviteThenCancelAtOnce(s.eut.udp, ALICE, CALLER);
        assert.ok(statuses.includes(200) && statuses.includes(487), `CANCEL answered 200 and INVITE 487: ${statuses.join(', ')}`);
      } else {
        await passes(await bed().sipp({ scenario: caller, target: s.eut.udp, service: ALICE, keys: { from_user: CALLER } }));
      }
      const ended = await oneEnded(s, 'cancelled');
      assert.equal(ended.hungUpBy, 'caller');
      await delay(1800); // the decision lands meanwhile and must start nothing
      assert.deepEqual(peer.methods(), []);
      assert.equal(s.events.events.filter((e) => e.type === 'call.ringing').length, 0);
      assert.equal((await s.store.getCounter('calls.user', 'alice')).value, 0);
      return s;
    }

    function timingOf(s: ShellBed): string | undefined {
      return [...s.cancelTiming.byCallId.values()][0];
    }

    it('1. the CANCEL comes in the same wire read as the INVITE', async () => {
      const s = await cancelledBeforeDecision('raw-at-once');
      assert.equal(timingOf(s), 'same-tick', 'the ordering this test is about did not happen');
    });

    it('2. the CANCEL comes while the caller\'s name is looked up', async () => {
      const asked: string[] = [];
      const directory = { lookupName: async (n: string) => { asked.push(n); await delay(1000); return 'Slow Directory'; } };
      const s = await cancelledBeforeDecision('b2bua-uac-invite-cancel-300ms-after-100-expect-487.xml', { directory, directoryBudgetMs: 2000 });
      assert.deepEqual(asked, [CALLER]);
      assert.equal(timingOf(s), 'later');
    });

    it('3. the CANCEL comes once the session exists, while the decision waits', async () => {
      const s = await cancelledBeforeDecision('b2bua-uac-invite-cancel-300ms-after-100-expect-487.xml');
      assert.equal(timingOf(s), 'later');
    });
  });

  it('sequential ring: the devices ring for their time, get CANCEL, then the mobile answers', async () => {
    const { sb, trunk } = await withTrunk({
      ringPlan: { strategy: 'sequential', timeoutS: 10, targets: [{ to: 'devices', timeoutS: 1, confirm: false }, { to: MOBILE, timeoutS: 5, confirm: false }] },
    });
    const desk = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    const started = Date.now();
    const caller = await callAlice();
    for (const run of [caller, desk, trunk]) await passes(run);
    await oneEnded(sb, 'answered');
    assert.ok(Date.now() - started >= 1000, 'the mobile rang only after the devices\' 1 s');
    assert.deepEqual(answeredBy(sb), { kind: 'target', target: MOBILE });
  });

  it('forwarding always: the call goes straight to the forward number; the devices never ring', async () => {
    const { sb, trunk } = await withTrunk({ forwarding: { ...NO_FORWARDING, always: FORWARD_TO } });
    const peer = await bed().silentPeer();
    sb.registrar.devices.set('alice', [{ uri: `sip:desk@127.0.0.1:${peer.port}`, uacOptions: {} }]);
    await passes(await callAlice());
    await passes(trunk);
    await oneEnded(sb, 'answered');
    assert.deepEqual(answeredBy(sb), { kind: 'target', target: FORWARD_TO });
    assert.deepEqual(peer.methods(), []);
  });

  it('forwarding busy: a device answers 486 and the call is forwarded', async () => {
    const { sb, trunk } = await withTrunk({ forwarding: { ...NO_FORWARDING, busy: FORWARD_TO } });
    const desk = await bed().sipp({ scenario: 'uas-reject-486.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    for (const run of [await callAlice(), desk, trunk]) await passes(run);
    await oneEnded(sb, 'answered');
    assert.deepEqual(answeredBy(sb), { kind: 'target', target: FORWARD_TO });
  });

  it('forwarding no-answer: the ring plan times out, the device gets CANCEL and the call is forwarded', async () => {
    const { sb, trunk } = await withTrunk({
      forwarding: { ...NO_FORWARDING, noAnswer: FORWARD_TO },
      ringPlan: { strategy: 'simultaneous', timeoutS: 1, targets: [{ to: 'devices', timeoutS: 1, confirm: false }] },
    });
    const desk = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    for (const run of [await callAlice(), desk, trunk]) await passes(run);
    await oneEnded(sb, 'answered');
    assert.deepEqual(answeredBy(sb), { kind: 'target', target: FORWARD_TO });
  });

  it('forwarding unreachable: no device registered, the call is forwarded', async () => {
    const { sb, trunk } = await withTrunk({ forwarding: { ...NO_FORWARDING, unreachable: FORWARD_TO } });
    for (const run of [await callAlice(), trunk]) await passes(run);
    await oneEnded(sb, 'answered');
    assert.deepEqual(answeredBy(sb), { kind: 'target', target: FORWARD_TO });
  });

  it('concurrent-call limit: at the limit a call in is busy (486) and a call out is refused (403)', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    for (let i = 0; i < sb.dialplan.limits.concurrentCallsPerUser; i++) await sb.store.incrCounter('calls.user', 'alice');
    await passes(await callAlice('uac-invite-expect-486.xml'));
    await oneEnded(sb, 'busy');
    await passes(await bed().sipp({ scenario: 'b2bua-uac-invite-expect-403.xml', target: sb.eut.udp, service: '+14155550123', keys: { from_user: 'alice' } }));
    await until(() => sb!.events.ended().length === 2 && sb!.shell.activeCalls() === 0, 3000, 'second call.ended');
    assert.equal((sb.events.ended()[1] as Ended).sipStatus, 403);
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, sb.dialplan.limits.concurrentCallsPerUser);
  });

  it('maximum call duration: both legs get BYE and the call ends by the system', async () => {
    const plan = (port: number): ReturnType<typeof testDialplan> => {
      const p = testDialplan(port);
      return { ...p, limits: { ...p.limits, maxCallDurationS: 1 } };
    };
    sb = await startShellBed(bed(), () => plan(9));
    const desk = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    for (const run of [await callAlice('uac-invite-answered-expect-bye.xml'), desk]) await passes(run);
    const ended = await oneEnded(sb, 'answered');
    assert.equal(ended.hungUpBy, 'system');
    assert.ok(ended.durationS >= 1, JSON.stringify(ended));
  });

  it('CANCEL while ringing: the ringing device gets CANCEL; the call is missed', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    const desk = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    for (const run of [await callAlice('uac-invite-cancel-after-180-expect-487.xml'), desk]) await passes(run);
    const ended = await oneEnded(sb, 'missed');
    assert.equal(ended.hungUpBy, 'caller');
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, 0);
  });

  it('an emergency call still goes out while draining', async () => {
    const { sb, trunk } = await withTrunk();
    sb.shell.drain();
    await passes(await bed().sipp({ scenario: 'b2bua-uac-device-call-answered.xml', target: sb.eut.udp, service: '911', keys: { from_user: 'alice' } }));
    await passes(trunk);
    await oneEnded(sb, 'answered');
    assert.equal(sb.events.events.filter((e) => e.type === 'emergency.call').length, 1);
  });
});
