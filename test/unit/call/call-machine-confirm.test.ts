import assert from 'node:assert/strict';
import type { LineUser } from '../../../src/call/index.js';
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
