import assert from 'node:assert/strict';
import type { CallState, LineUser } from '../../../src/call/index.js';
import { CallMachine, decideInbound, decideOutbound, isSettled } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { ADDRESS, T0, context, inbound, lineUser, outbound } from './call-fixtures.js';

const TWO_DEVICES = { devices: { alice: ['sip:a@1', 'sip:a@2'] } };

function ringing(user: Partial<LineUser> = {}): CallDriver {
  const d = new CallDriver(inbound());
  d.decide(decideInbound(inbound(), lineUser(user), context({}, TWO_DEVICES)));
  return d;
}

function bridged(): CallDriver {
  const d = ringing();
  d.send({ type: 'LegAnswered', legId: 'L1' });
  d.send({ type: 'LegCancelled', legId: 'L2' });
  return d;
}

function emergency(address = true): CallDriver {
  const caller = lineUser(address ? {} : { emergencyAddress: undefined });
  const d = new CallDriver(outbound('911'));
  d.decide(decideOutbound(outbound('911'), caller, context({ draining: true })));
  return d;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe('call/CallMachine — ending', () => {
  describe('the caller leaves', () => {
    it('CANCEL before the decision: nothing rings, the late decision is dropped', () => {
      const d = new CallDriver(inbound());
      const out = d.send({ type: 'CallerCancelled' });
      assert.deepEqual(ofType(out, 'Respond'), [], 'the engine answers 487 itself');
      assert.deepEqual([d.ended().disposition, d.ended().hungUpBy], ['cancelled', 'caller']);
      assert.deepEqual(d.decide(decideInbound(inbound(), lineUser(), context())), []);
      assert.deepEqual(d.startedLegs(), []);
      assert.ok(isSettled(d.state));
    });

    it('CANCEL while ringing cancels every leg and is a missed call for the user', () => {
      const d = ringing();
      d.send({ type: 'LegProgress', legId: 'L1', status: 180 });
      const out = d.send({ type: 'CallerCancelled' });
      assert.deepEqual(ofType(out, 'CancelLeg'), [
        { type: 'CancelLeg', legId: 'L1' },
        { type: 'CancelLeg', legId: 'L2' },
      ]);
      assert.deepEqual(ofType(out, 'CancelTimer'), [{ type: 'CancelTimer', timerId: 'overall:A1' }]);
      assert.equal(d.ended().disposition, 'missed');
      assert.equal(isSettled(d.state), false, 'legs still owe their 487');
      d.send({ type: 'LegCancelled', legId: 'L1' });
      assert.deepEqual(d.send({ type: 'LegAnswered', legId: 'L2' }), [{ type: 'ByeLeg', legId: 'L2' }]);
      assert.ok(isSettled(d.state));
      assert.equal(d.events('call.ended').length, 1);
    });

    it('a call out cancelled before answer is "cancelled"', () => {
      const d = new CallDriver(outbound('+14155551234'));
      d.decide(decideOutbound(outbound('+14155551234'), lineUser(), context()));
      d.send({ type: 'CallerCancelled' });
      assert.equal(d.ended().disposition, 'cancelled');
    });

    it('BYE from the caller ends an answered call: BYE to the callee, talk time logged', () => {
      const d = bridged();
      d.now += 42_000;
      const out = d.send({ type: 'CallerHungUp' });
      assert.deepEqual(ofType(out, 'ByeLeg'), [{ type: 'ByeLeg', legId: 'L1' }]);
      assert.deepEqual(ofType(out, 'ByeCaller'), []);
      assert.deepEqual(ofType(out, 'CancelTimer'), [{ type: 'CancelTimer', timerId: 'max-duration' }]);
      const ended = d.ended();
      assert.deepEqual([ended.disposition, ended.hungUpBy, ended.durationS, ended.answeredBy], [
        'answered',
        'caller',
        42,
        { kind: 'device', deviceId: 'sip:a@1' },
      ]);
      assert.ok(isSettled(d.state));
    });
  });

  describe('the callee leaves', () => {
    it('BYE from the bridged callee BYEs the caller', () => {
      const d = bridged();
      const out = d.send({ type: 'CalleeHungUp', legId: 'L1' });
      assert.deepEqual(ofType(out, 'ByeCaller'), [{ type: 'ByeCaller' }]);
      assert.equal(d.ended().hungUpBy, 'callee');
    });

    it('a failure reported on the bridged leg counts as its hang-up', () => {
      const d = bridged();
      d.send({ type: 'LegFailed', legId: 'L1', status: 408 });
      assert.equal(d.ended().hungUpBy, 'callee');
    });
  });

  describe('maximum call duration', () => {
    it('BYEs both legs when it fires', () => {
      const d = bridged();
      const out = d.advance(3_600_000);
      assert.deepEqual(out.slice(0, 2), [{ type: 'ByeLeg', legId: 'L1' }, { type: 'ByeCaller' }]);
      assert.deepEqual(out.map((c) => c.type), ['ByeLeg', 'ByeCaller', 'EmitEvent']);
      assert.deepEqual([d.ended().hungUpBy, d.ended().durationS], ['system', 3600]);
    });
  });

  describe('drain', () => {
    it('a graceful drain lets calls in progress run on', () => {
      for (const d of [new CallDriver(inbound()), ringing(), bridged()]) {
        assert.deepEqual(d.send({ type: 'Drain', force: false }), []);
      }
    });

    it('a forced drain ends a ringing call with 503 and a bridged one with two BYEs', () => {
      const r = ringing();
      const out = r.send({ type: 'Drain', force: true, retryAfterS: 5 });
      assert.deepEqual(ofType(out, 'Respond'), [
        { type: 'Respond', status: 503, reason: 'Service Unavailable (draining)', headers: [{ name: 'Retry-After', value: '5' }] },
      ]);
      assert.deepEqual([r.ended().disposition, r.ended().hungUpBy], ['failed', 'system']);
      const b = bridged();
      assert.deepEqual(ofType(b.send({ type: 'Drain', force: true }), 'ByeCaller'), [{ type: 'ByeCaller' }]);
      assert.equal(b.ended().hungUpBy, 'system');
    });

    it('a forced drain while deciding refuses any decision but an emergency one', () => {
      const d = new CallDriver(inbound());
      assert.deepEqual(d.send({ type: 'Drain', force: true, retryAfterS: 9 }), []);
      d.decide(decideInbound(inbound(), lineUser(), context()));
      assert.deepEqual(d.startedLegs(), []);
      assert.equal(ofType(d.all, 'Respond')[0]?.status, 503);
      const e = new CallDriver(outbound('911'));
      e.send({ type: 'Drain', force: true });
      e.decide(decideOutbound(outbound('911'), lineUser(), context()));
      assert.deepEqual(e.startedLegs(), ['L1']);
    });
  });

  describe('emergency calls', () => {
    it('raise emergency.call and an emergency notice as the INVITE goes out', () => {
      const d = emergency();
      const ev = d.events('emergency.call');
      assert.equal(ev.length, 1);
      assert.deepEqual(ev[0], {
        type: 'emergency.call',
        callId: 'call-2@device',
        userId: 'alice',
        direction: 'outbound',
        from: '100',
        to: '911',
        at: T0,
        number: '911',
        trunk: 'e911',
        callbackNumber: '+14155550100',
        locationSent: true,
      });
      const notify = ofType(d.all, 'Notify');
      assert.deepEqual(notify[0]?.notice, {
        kind: 'emergency-call',
        callId: 'call-2@device',
        userId: 'alice',
        number: '911',
        callbackNumber: '+14155550100',
        trunk: 'e911',
        address: ADDRESS,
        at: T0,
      });
      const leg = ofType(d.all, 'StartLeg')[0];
      assert.equal(leg?.body?.contentType, 'application/pidf+xml');
    });

    it('are never limited in duration nor ended by a forced drain', () => {
      const d = emergency(false);
      const announced = d.events('emergency.call')[0];
      assert.equal(announced?.type === 'emergency.call' && announced.locationSent, false);
      d.send({ type: 'LegAnswered', legId: 'L1' });
      assert.deepEqual(d.timers(), []);
      assert.deepEqual(d.send({ type: 'Drain', force: true }), []);
      d.advance(24 * 3_600_000);
      assert.equal(d.state.phase, 'bridged');
      d.send({ type: 'CallerHungUp' });
      assert.equal(d.ended().disposition, 'answered');
    });
  });

  describe('refusals', () => {
    it('a reject decision answers its status and logs its disposition', () => {
      const d = new CallDriver(inbound({ from: { number: null } }));
      d.decide(decideInbound(inbound({ from: { number: null } }), lineUser({ blockAnonymous: true }), context()));
      assert.deepEqual(ofType(d.all, 'Respond'), [{ type: 'Respond', status: 603, reason: 'Anonymous calls not accepted', headers: [] }]);
      const ended = d.ended();
      assert.deepEqual([ended.disposition, ended.hungUpBy, ended.sipStatus, ended.from], ['blocked', 'system', 603, 'anonymous']);
      assert.ok(isSettled(d.state));
    });

    it('no emergency address: 403 saying why, plus a notice', () => {
      const caller = lineUser({ emergencyAddress: undefined });
      const d = new CallDriver(outbound('+14155551234'));
      d.decide(decideOutbound(outbound('+14155551234'), caller, context()));
      assert.deepEqual(ofType(d.all, 'Respond'), [{ type: 'Respond', status: 403, reason: 'No emergency address on file', headers: [] }]);
      assert.deepEqual(ofType(d.all, 'Notify')[0]?.notice, {
        kind: 'emergency-address-missing',
        callId: 'call-2@device',
        userId: 'alice',
        dialled: '+14155551234',
        at: T0,
      });
      assert.equal(d.ended().disposition, 'blocked');
    });
  });

  describe('robustness', () => {
    it('ignores inputs for unknown legs, stale timers, a second Start and anything after the end', () => {
      const d = ringing();
      assert.deepEqual(d.send({ type: 'LegAnswered', legId: 'L99' }), []);
      assert.deepEqual(d.send({ type: 'TimerFired', timerId: 'ring:L1' }), []);
      assert.deepEqual(d.send({ type: 'TimerFired', timerId: 'nonsense' }), []);
      assert.deepEqual(d.send({ type: 'Start', request: inbound(), userId: 'x' }), []);
      d.send({ type: 'LegFailed', legId: 'L1', status: 486 });
      d.send({ type: 'LegFailed', legId: 'L2', status: 486 });
      const ended = d.all.length;
      for (const input of [
        { type: 'CallerCancelled' as const },
        { type: 'CallerHungUp' as const },
        { type: 'LegFailed' as const, legId: 'L1', status: 500 },
        { type: 'LegCancelled' as const, legId: 'L2' },
        { type: 'Drain' as const, force: true },
        { type: 'DtmfReceived' as const, legId: 'L1', digit: '1' },
      ]) {
        d.send(input);
      }
      assert.equal(d.all.length, ended);
      assert.equal(d.events('call.ended').length, 1);
    });

    it('an overall timer firing after the call was answered is stale and ignored', () => {
      const d = bridged();
      const before = d.state;
      const r = CallMachine.step(before, { type: 'TimerFired', timerId: 'overall:A1', at: T0 + 1 });
      assert.deepEqual(r.commands, []);
    });

    it('never mutates the state it is given', () => {
      const d = ringing();
      const frozen: CallState = deepFreeze(structuredClone(d.state));
      const r = CallMachine.step(frozen, { type: 'LegAnswered', legId: 'L1', at: T0 + 10 });
      assert.equal(r.state.phase, 'bridged');
      assert.equal(frozen.phase, 'connecting');
      const r2 = CallMachine.step(deepFreeze(r.state), { type: 'CallerHungUp', at: T0 + 20 });
      assert.equal(r2.state.phase, 'ended');
    });
  });
});
