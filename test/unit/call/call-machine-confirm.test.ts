import assert from 'node:assert/strict';
import type { LineUser, NumberTarget, Policy } from '../../../src/call/index.js';
import { REASON_COMPLETED_ELSEWHERE, decideInbound } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { context, inbound, lineUser } from './call-fixtures.js';

/** Alice's desk phone and her mobile, which must press 1 before it gets the call. */
const PLAN: Partial<LineUser> = {
  ringPlan: {
    strategy: 'simultaneous',
    targets: [{ kind: 'devices' }, { kind: 'number', number: '+14155553333', confirm: true }],
    overallTimeoutS: 30,
  },
};

function ringing(user: Partial<LineUser> = PLAN): CallDriver {
  const d = new CallDriver(inbound());
  d.decide(decideInbound(inbound(), lineUser(user), context()));
  assert.deepEqual(d.startedLegs(), ['L1', 'L2']);
  return d;
}

describe('call/CallMachine — press 1 to accept', () => {
  it('an answered confirm leg is prompted, not bridged, and waits confirmTimeoutS', () => {
    const d = ringing();
    const out = d.send({ type: 'LegAnswered', legId: 'L2' });
    assert.deepEqual(out, [
      { type: 'PromptConfirm', legId: 'L2' },
      { type: 'StartTimer', timerId: 'confirm:L2', ms: 10_000 },
    ]);
    assert.equal(d.state.phase, 'connecting');
    assert.equal(d.events('call.answered').length, 0);
  });

  it('pressing 1 bridges the leg and cancels the desk phone as completed elsewhere', () => {
    const d = ringing();
    d.send({ type: 'LegAnswered', legId: 'L2' });
    assert.deepEqual(d.send({ type: 'DtmfReceived', legId: 'L2', digit: '7' }), []);
    const out = d.send({ type: 'DtmfReceived', legId: 'L2', digit: '1' });
    assert.deepEqual(ofType(out, 'CancelTimer').map((c) => c.timerId).sort(), ['confirm:L2', 'overall:A1']);
    assert.deepEqual(ofType(out, 'CancelLeg'), [{ type: 'CancelLeg', legId: 'L1', reason: REASON_COMPLETED_ELSEWHERE }]);
    assert.deepEqual(ofType(out, 'BridgeLegs'), [{ type: 'BridgeLegs', legId: 'L2' }]);
    const answered = d.events('call.answered')[0];
    assert.deepEqual(answered?.type === 'call.answered' && answered.answeredBy, { kind: 'target', target: '+14155553333' });
  });

  it('no digit in time: BYE the leg and let the rest of the plan go on', () => {
    const d = ringing();
    d.send({ type: 'LegAnswered', legId: 'L2' });
    const out = d.advance(10_000);
    assert.deepEqual(out, [{ type: 'ByeLeg', legId: 'L2' }]);
    assert.equal(d.state.legs[1]?.outcome, 'failed');
    d.send({ type: 'LegAnswered', legId: 'L1' });
    assert.deepEqual(ofType(d.last, 'BridgeLegs'), [{ type: 'BridgeLegs', legId: 'L1' }]);
  });

  it('the last leg failing its confirmation is a no-answer outcome', () => {
    const d = ringing({ ...PLAN, forwarding: { noAnswer: '+14155554444', unreachable: '+14155555555' } });
    d.send({ type: 'LegFailed', legId: 'L1', status: 480 });
    d.send({ type: 'LegAnswered', legId: 'L2' });
    d.advance(10_000);
    const fwd = ofType(d.all, 'StartLeg').at(-1);
    assert.equal(fwd?.target.kind === 'number' && fwd.target.number, '+14155554444');
  });

  it('another leg answering during the confirmation wins; the confirming one gets BYE', () => {
    const d = ringing();
    d.send({ type: 'LegAnswered', legId: 'L2' });
    const out = d.send({ type: 'LegAnswered', legId: 'L1' });
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L2' }]);
    assert.deepEqual(ofType(out, 'BridgeLegs'), [{ type: 'BridgeLegs', legId: 'L1' }]);
    assert.deepEqual(d.send({ type: 'DtmfReceived', legId: 'L2', digit: '1' }), [], 'too late');
    assert.equal(ofType(d.all, 'BridgeLegs').length, 1);
  });

  it('a confirm leg that hangs up has declined; the caller leaving BYEs a confirming leg', () => {
    const d = ringing();
    d.send({ type: 'LegAnswered', legId: 'L2' });
    d.send({ type: 'CalleeHungUp', legId: 'L2' });
    assert.equal(d.state.legs[1]?.outcome, 'failed');
    assert.equal(d.state.phase, 'connecting');
    const e = ringing();
    e.send({ type: 'LegAnswered', legId: 'L2' });
    const out = e.send({ type: 'CallerCancelled' });
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L2' }]);
    assert.deepEqual(ofType(out, 'CancelLeg'), [{ type: 'CancelLeg', legId: 'L1' }]);
    assert.deepEqual(e.timers(), []);
  });

  it('the overall timeout ends a pending confirmation too', () => {
    const d = ringing();
    d.advance(25_000);
    d.send({ type: 'LegAnswered', legId: 'L2' });
    const out = d.advance(5_000);
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L2' }]);
    assert.deepEqual(ofType(out, 'CancelLeg'), [{ type: 'CancelLeg', legId: 'L1' }]);
    assert.equal(d.ended().reason, 'No Answer');
    assert.deepEqual(d.timers(), []);
  });
});

/** Alice's mobile as the only target, with `extra` (confirm, a window of its own). */
function mobileOnly(extra: Partial<NumberTarget>): Partial<LineUser> {
  return { ringPlan: { strategy: 'simultaneous', targets: [{ kind: 'number', number: '+14155553333', ...extra }], overallTimeoutS: 60 } };
}

/** The confirm timer the answered mobile (L1) starts, and the leg's confirmTimeoutMs. */
function confirmWindow(extra: Partial<NumberTarget>, p: Partial<Policy> = {}): { legMs: number | undefined; timerMs: number | undefined } {
  const d = new CallDriver(inbound());
  d.decide(decideInbound(inbound(), lineUser(mobileOnly(extra)), context(p)));
  const legMs = d.state.legs[0]?.confirmTimeoutMs;
  const out = d.send({ type: 'LegAnswered', legId: 'L1' });
  return { legMs, timerMs: ofType(out, 'StartTimer').find((c) => c.timerId === 'confirm:L1')?.ms };
}

describe('call/CallMachine — the confirmation window', () => {
  it('is the target\'s own confirmTimeoutS when it gives one, whatever the policy says', () => {
    assert.deepEqual(confirmWindow({ confirm: true, confirmTimeoutS: 25 }), { legMs: 25_000, timerMs: 25_000 });
    assert.deepEqual(confirmWindow({ confirm: true, confirmTimeoutS: 3 }, { ringing: { defaultTargetTimeoutS: 20, confirmTimeoutS: 40 } }), { legMs: 3000, timerMs: 3000 });
  });

  it('is policy.ringing.confirmTimeoutS (the dialplan\'s ringing.confirmTimeoutS) otherwise', () => {
    assert.deepEqual(confirmWindow({ confirm: true }, { ringing: { defaultTargetTimeoutS: 20, confirmTimeoutS: 7 } }), { legMs: 7000, timerMs: 7000 });
    assert.deepEqual(confirmWindow({ confirm: true }), { legMs: 10_000, timerMs: 10_000 });
  });

  it('does not exist without confirm, even when a window is given: the answer bridges at once', () => {
    for (const extra of [{ confirmTimeoutS: 25 }, { confirm: false, confirmTimeoutS: 25 }]) {
      assert.deepEqual(confirmWindow(extra), { legMs: undefined, timerMs: undefined });
    }
  });

  it('ends the leg when the target\'s own window runs out, not at the policy\'s', () => {
    const targets = [{ kind: 'devices' as const }, { kind: 'number' as const, number: '+14155553333', confirm: true, confirmTimeoutS: 30 }];
    const d = ringing({ ringPlan: { strategy: 'simultaneous', targets, overallTimeoutS: 120 } });
    d.send({ type: 'LegAnswered', legId: 'L2' });
    assert.deepEqual(d.advance(29_999), [], 'still waiting for the 1 after the default 10 s');
    assert.deepEqual(d.advance(1), [{ type: 'ByeLeg', legId: 'L2' }]);
    assert.equal(d.state.legs[1]?.outcome, 'failed');
  });

  it('a sequential plan gives each target its own window', () => {
    const d = new CallDriver(inbound());
    const user = lineUser({
      ringPlan: {
        strategy: 'sequential',
        overallTimeoutS: 120,
        targets: [
          { kind: 'number', number: '+14155553333', timeoutS: 20, confirm: true, confirmTimeoutS: 5 },
          { kind: 'number', number: '+14155554444', timeoutS: 20, confirm: true },
        ],
      },
    });
    d.decide(decideInbound(inbound(), user, context({ ringing: { defaultTargetTimeoutS: 20, confirmTimeoutS: 12 } })));
    assert.deepEqual(d.state.legs.map((l) => l.confirmTimeoutMs), [5000]);
    d.send({ type: 'LegAnswered', legId: 'L1' });
    d.advance(5000);
    assert.deepEqual(d.state.legs.map((l) => l.confirmTimeoutMs), [5000, 12_000]);
  });
});
