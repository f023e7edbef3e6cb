/**
 * ShellFailed: the shell could not carry out a step of the call (an error inside linegate).
 * In every phase the call ends once, by the system, with reason internal-error; every leg
 * still up is CANCELled or BYEd and every timer cancelled. Before the caller has a 200 it is
 * `failed` with 500; once the caller has it, it stays answered (talk time counted).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/call/call-machine-shell-failed.test.ts
 */
import assert from 'node:assert/strict';
import type { LineUser } from '../../../src/call/index.js';
import { decideInbound, decideOutbound, isSettled } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { context, inbound, lineUser, outbound } from './call-fixtures.js';

const TWO_DEVICES = { devices: { alice: ['sip:a@1', 'sip:a@2'] } };
const INTERNAL_ERROR = { type: 'Respond', status: 500, reason: 'Server Internal Error', headers: [] };

function ringing(user: Partial<LineUser> = {}): CallDriver {
  const d = new CallDriver(inbound());
  d.decide(decideInbound(inbound(), lineUser(user), context({}, TWO_DEVICES)));
  assert.deepEqual(d.startedLegs(), ['L1', 'L2']);
  return d;
}

/** L1 answered and bridged (L2 CANCELled and its 487 in), max-duration running. */
function bridged(): CallDriver {
  const d = ringing();
  d.send({ type: 'LegAnswered', legId: 'L1' });
  d.send({ type: 'LegCancelled', legId: 'L2' });
  assert.deepEqual(d.timers(), ['max-duration']);
  return d;
}

function endedFields(d: CallDriver): unknown[] {
  const e = d.ended();
  return [e.disposition, e.hungUpBy, e.endReason, e.sipStatus, e.durationS];
}

describe('call/CallMachine — ShellFailed (internal-error)', () => {
  it('while deciding (the Store or the anchor failed): 500 to the caller, failed by the system, settled; a late decision starts nothing', () => {
    const d = new CallDriver(inbound());
    const out = d.send({ type: 'ShellFailed', step: 'decide' });
    assert.deepEqual(ofType(out, 'Respond'), [INTERNAL_ERROR]);
    assert.deepEqual(endedFields(d), ['failed', 'system', 'internal-error', 500, 0]);
    assert.ok(isSettled(d.state));
    assert.deepEqual(d.decide(decideInbound(inbound(), lineUser(), context({}, TWO_DEVICES))), []);
    assert.deepEqual(d.startedLegs(), []);
  });

  it('while ringing: every leg gets CANCEL, the timers go, 500 to the caller; it settles once the 487s are in', () => {
    const d = ringing();
    d.send({ type: 'LegProgress', legId: 'L1', status: 180 });
    const out = d.send({ type: 'ShellFailed', step: 'decide' });
    assert.deepEqual(ofType(out, 'CancelLeg'), [{ type: 'CancelLeg', legId: 'L1' }, { type: 'CancelLeg', legId: 'L2' }]);
    assert.deepEqual(ofType(out, 'Respond'), [INTERNAL_ERROR]);
    assert.deepEqual(d.timers(), []);
    assert.deepEqual(endedFields(d), ['failed', 'system', 'internal-error', 500, 0]);
    assert.equal(isSettled(d.state), false);
    d.send({ type: 'LegCancelled', legId: 'L1' });
    d.send({ type: 'LegCancelled', legId: 'L2' });
    assert.ok(isSettled(d.state));
  });

  it('a press-1 leg waiting for its digit gets BYE (it has a dialog)', () => {
    const d = new CallDriver(inbound());
    const user = lineUser({ ringPlan: { strategy: 'simultaneous', targets: [{ kind: 'number', number: '+14155553333', confirm: true }], overallTimeoutS: 30 } });
    d.decide(decideInbound(inbound(), user, context()));
    d.send({ type: 'LegAnswered', legId: 'L1' });
    const out = d.send({ type: 'ShellFailed', step: 'decide' });
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L1' }]);
    assert.deepEqual(ofType(out, 'CancelLeg'), []);
    assert.deepEqual(d.state.legs.map((l) => [l.status, l.outcome]), [['ended', 'cancelled']]);
    assert.ok(isSettled(d.state));
  });

  it('bridged but the caller could not be answered (answer-caller): the leg gets BYE, the caller 500, failed with no talk time', () => {
    const d = bridged();
    d.now += 5_000;
    const out = d.send({ type: 'ShellFailed', step: 'answer-caller' });
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L1' }]);
    assert.deepEqual(ofType(out, 'ByeCaller'), [], 'the caller has no dialog to BYE');
    assert.deepEqual(ofType(out, 'Respond'), [INTERNAL_ERROR]);
    assert.deepEqual(ofType(out, 'CancelTimer'), [{ type: 'CancelTimer', timerId: 'max-duration' }]);
    assert.deepEqual(endedFields(d), ['failed', 'system', 'internal-error', 500, 0]);
    assert.deepEqual(d.ended().answeredBy, { kind: 'device', deviceId: 'sip:a@1' }, 'the callee did answer (call.answered was written)');
    assert.ok(isSettled(d.state));
  });

  it('the same with a voicemail leg: failed, and no answeredBy (voicemail is not the user answering)', () => {
    const d = new CallDriver(inbound());
    d.decide(decideInbound(inbound(), lineUser({ voicemail: { enabled: true } }), context({}, { devices: {} })));
    const [vm] = d.startedLegs();
    assert.ok(vm);
    d.send({ type: 'LegAnswered', legId: vm });
    d.send({ type: 'ShellFailed', step: 'answer-caller' });
    assert.deepEqual(endedFields(d), ['failed', 'system', 'internal-error', 500, 0]);
    assert.equal(d.ended().answeredBy, undefined);
  });

  it('the caller answered and a later step failed (relay): both sides get BYE, the call stays answered, talk time counted, no status', () => {
    const d = bridged();
    d.now += 2_500;
    const out = d.send({ type: 'ShellFailed', step: 'relay' });
    assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L1' }]);
    assert.deepEqual(ofType(out, 'ByeCaller'), [{ type: 'ByeCaller' }]);
    assert.deepEqual(ofType(out, 'Respond'), []);
    assert.deepEqual(endedFields(d), ['answered', 'system', 'internal-error', undefined, 3]);
    assert.ok(isSettled(d.state));
  });

  it('after the call ended (the caller left first) it changes nothing', () => {
    const d = ringing();
    d.send({ type: 'CallerCancelled' });
    assert.deepEqual(d.send({ type: 'ShellFailed', step: 'answer-caller' }), []);
    assert.deepEqual([d.ended().disposition, d.ended().hungUpBy], ['missed', 'caller']);
  });

  it('ends an emergency call too (the shell cannot carry it on), with its one call.ended', () => {
    const d = new CallDriver(outbound('911'));
    d.decide(decideOutbound(outbound('911'), lineUser(), context()));
    d.send({ type: 'LegAnswered', legId: 'L1' });
    d.send({ type: 'ShellFailed', step: 'answer-caller' });
    assert.deepEqual(endedFields(d), ['failed', 'system', 'internal-error', 500, 0]);
    assert.ok(isSettled(d.state));
  });
});
