import assert from 'node:assert/strict';
import type { LineUser, Route } from '../../../src/call/index.js';
import { REASON_COMPLETED_ELSEWHERE, decideInbound, decideOutbound } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { T0, context, inbound, lineUser, outbound } from './call-fixtures.js';
import type { SnapshotSpec } from './call-fixtures.js';

const THREE_DEVICES = { devices: { alice: ['sip:a@10.0.0.1', 'sip:a@10.0.0.2', 'sip:a@10.0.0.3'] } };

function route(user: Partial<LineUser> = {}, snap: SnapshotSpec = THREE_DEVICES): Route {
  return decideInbound(inbound(), lineUser(user), context({}, snap));
}

function ringing(user: Partial<LineUser> = {}, snap: SnapshotSpec = THREE_DEVICES): CallDriver {
  const d = new CallDriver(inbound());
  d.decide(route(user, snap));
  return d;
}

describe('call/CallMachine — ringing', () => {
  it('emits call.started on Start and starts nothing before the decision', () => {
    const d = new CallDriver(inbound());
    assert.deepEqual(d.all, [
      {
        type: 'EmitEvent',
        event: {
          type: 'call.started',
          callId: 'call-1@trunk',
          userId: 'alice',
          direction: 'inbound',
          from: '+14155559999',
          to: '+14155550100',
          at: T0,
          fromName: 'Carol',
          trunkId: 'carrier',
        },
      },
    ]);
    assert.equal(d.state.phase, 'deciding');
  });

  it('rings every device at once under the overall timer', () => {
    const d = ringing();
    assert.deepEqual(d.startedLegs(), ['L1', 'L2', 'L3']);
    assert.deepEqual(ofType(d.all, 'StartLeg').map((c) => c.target.kind === 'device' && c.target.contact), [
      'sip:a@10.0.0.1',
      'sip:a@10.0.0.2',
      'sip:a@10.0.0.3',
    ]);
    assert.deepEqual(d.timers(), ['overall:A1']);
  });

  it('sends 180 and call.ringing once, on the first provisional', () => {
    const d = ringing();
    d.now += 500;
    const first = d.send({ type: 'LegProgress', legId: 'L2', status: 180 });
    assert.deepEqual(ofType(first, 'Respond'), [{ type: 'Respond', status: 180, reason: 'Ringing', headers: [] }]);
    assert.equal(d.events('call.ringing').length, 1);
    const rang = d.events('call.ringing')[0];
    assert.equal(rang?.at, T0 + 500);
    assert.deepEqual(rang?.type === 'call.ringing' && rang.targets.map((p) => p.kind === 'device' && p.deviceId), [
      'sip:a@10.0.0.1',
      'sip:a@10.0.0.2',
      'sip:a@10.0.0.3',
    ]);
    assert.deepEqual(d.send({ type: 'LegProgress', legId: 'L1', status: 183 }), []);
    assert.deepEqual(d.send({ type: 'LegProgress', legId: 'L3', status: 100 }), []);
  });

  it('bridges the first 200 and CANCELs the others with Reason cause=200', () => {
    const d = ringing();
    d.now += 3000;
    const out = d.send({ type: 'LegAnswered', legId: 'L2' });
    assert.deepEqual(ofType(out, 'CancelLeg'), [
      { type: 'CancelLeg', legId: 'L1', reason: REASON_COMPLETED_ELSEWHERE },
      { type: 'CancelLeg', legId: 'L3', reason: REASON_COMPLETED_ELSEWHERE },
    ]);
    assert.deepEqual(ofType(out, 'BridgeLegs'), [{ type: 'BridgeLegs', legId: 'L2' }]);
    assert.deepEqual(ofType(out, 'CancelTimer'), [{ type: 'CancelTimer', timerId: 'overall:A1' }]);
    assert.deepEqual(ofType(out, 'StartTimer'), [{ type: 'StartTimer', timerId: 'max-duration', ms: 3_600_000 }]);
    const answered = d.events('call.answered');
    assert.equal(answered.length, 1);
    assert.deepEqual(answered[0]?.type === 'call.answered' && answered[0].answeredBy, { kind: 'device', deviceId: 'sip:a@10.0.0.2' });
    assert.equal(d.state.phase, 'bridged');
  });

  it('ACKs-and-BYEs a second 200 that races the first, whether it crossed the CANCEL or not', () => {
    const d = ringing();
    d.send({ type: 'LegAnswered', legId: 'L1' });
    assert.deepEqual(d.send({ type: 'LegAnswered', legId: 'L3' }), [{ type: 'ByeLeg', legId: 'L3' }]);
    d.send({ type: 'LegCancelled', legId: 'L2' });
    assert.equal(ofType(d.all, 'BridgeLegs').length, 1);
    assert.deepEqual(
      d.state.legs.map((l) => [l.legId, l.status, l.outcome]),
      [
        ['L1', 'bridged', 'answered'],
        ['L2', 'ended', 'cancelled'],
        ['L3', 'ended', 'cancelled'],
      ],
    );
  });

  it('names the device by its instance id when it registered one', () => {
    const d = new CallDriver(inbound());
    const ctx = context();
    const snap = { ...ctx.snapshot, registrations: new Map([['alice', [{ contact: 'sip:a@1', instanceId: '<urn:uuid:1>' }]]]) };
    d.decide(decideInbound(inbound(), lineUser(), { ...ctx, snapshot: snap }));
    d.send({ type: 'LegAnswered', legId: 'L1' });
    const answered = d.events('call.answered')[0];
    assert.deepEqual(answered?.type === 'call.answered' && answered.answeredBy, { kind: 'device', deviceId: '<urn:uuid:1>' });
  });

  it('rings a sequential plan step by step, each with its own timeout', () => {
    const ringPlan = {
      strategy: 'sequential' as const,
      targets: [{ kind: 'devices' as const, timeoutS: 10 }, { kind: 'number' as const, number: '+14155553333', timeoutS: 15 }],
      overallTimeoutS: 60,
    };
    const d = ringing({ ringPlan }, { devices: { alice: ['sip:a@1', 'sip:a@2'] } });
    assert.deepEqual(d.startedLegs(), ['L1', 'L2']);
    d.send({ type: 'LegFailed', legId: 'L1', status: 486 });
    assert.deepEqual(d.startedLegs(), ['L1', 'L2'], 'the step waits for its other leg');
    const out = d.advance(10_000);
    assert.deepEqual(ofType(out, 'CancelLeg'), [{ type: 'CancelLeg', legId: 'L2' }]);
    assert.deepEqual(d.startedLegs(), ['L1', 'L2', 'L3']);
    assert.ok(d.timers().includes('ring:L3'));
    d.send({ type: 'LegCancelled', legId: 'L2' });
    d.send({ type: 'LegAnswered', legId: 'L3' });
    assert.deepEqual(ofType(d.last, 'BridgeLegs'), [{ type: 'BridgeLegs', legId: 'L3' }]);
    assert.deepEqual(d.timers(), ['max-duration']);
  });

  it('moves to the next step at once when every leg of a step fails', () => {
    const ringPlan = {
      strategy: 'sequential' as const,
      targets: [{ kind: 'devices' as const }, { kind: 'number' as const, number: '+14155553333' }],
      overallTimeoutS: 60,
    };
    const d = ringing({ ringPlan }, { devices: { alice: ['sip:a@1'] } });
    d.send({ type: 'LegFailed', legId: 'L1', status: 404 });
    assert.deepEqual(d.startedLegs(), ['L1', 'L2']);
    assert.deepEqual(d.timers().sort(), ['overall:A1', 'ring:L2'], 'ring:L1 cancelled, ring:L2 at the default 20 s');
    assert.deepEqual(ofType(d.all, 'StartTimer').at(-1), { type: 'StartTimer', timerId: 'ring:L2', ms: 20_000 });
  });

  it('gives up on the overall timeout even in the middle of a step', () => {
    const ringPlan = {
      strategy: 'sequential' as const,
      targets: [{ kind: 'devices' as const, timeoutS: 20 }, { kind: 'number' as const, number: '+14155553333', timeoutS: 20 }],
      overallTimeoutS: 30,
    };
    const d = ringing({ ringPlan }, { devices: { alice: ['sip:a@1'] } });
    d.advance(30_000);
    assert.deepEqual(d.startedLegs(), ['L1', 'L2']);
    assert.deepEqual(ofType(d.all, 'CancelLeg').map((c) => c.legId), ['L1', 'L2']);
    assert.deepEqual(ofType(d.all, 'Respond').at(-1), { type: 'Respond', status: 480, reason: 'No Answer', headers: [] });
    const ended = d.ended();
    assert.equal(ended.disposition, 'missed');
    assert.equal(ended.hungUpBy, 'system');
    assert.equal(ended.sipStatus, 480);
    assert.deepEqual(d.timers(), []);
  });

  describe('fallbacks', () => {
    it('no answer → voicemail: cancels the plan, rings the mailbox, logs disposition voicemail', () => {
      const d = ringing({ voicemail: { enabled: true } });
      d.advance(30_000);
      const vm = ofType(d.all, 'StartLeg').at(-1);
      assert.deepEqual(vm?.target, { kind: 'voicemail', uri: 'sip:vm@127.0.0.1:5090', userId: 'alice' });
      assert.deepEqual(vm?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=no-answer;counter=1' }]);
      d.send({ type: 'LegAnswered', legId: 'L4' });
      assert.equal(d.events('call.answered').length, 0, 'voicemail is not the user answering');
      d.now += 12_000;
      d.send({ type: 'CallerHungUp' });
      const ended = d.ended();
      assert.equal(ended.disposition, 'voicemail');
      assert.equal(ended.durationS, 12);
      assert.equal(ended.answeredBy, undefined);
    });

    it('busy everywhere → busy forward with Diversion reason=user-busy', () => {
      const d = ringing({ forwarding: { busy: '+14155552222', noAnswer: '+14155553333' } });
      for (const legId of ['L1', 'L2', 'L3']) d.send({ type: 'LegFailed', legId, status: 486 });
      const fwd = ofType(d.all, 'StartLeg').at(-1);
      assert.deepEqual(fwd?.target, { kind: 'number', number: '+14155552222', trunk: 'carrier' });
      assert.deepEqual(fwd?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=user-busy;counter=1' }]);
      d.send({ type: 'LegAnswered', legId: 'L4' });
      const answered = d.events('call.answered')[0];
      assert.deepEqual(answered?.type === 'call.answered' && answered.answeredBy, { kind: 'target', target: '+14155552222' });
    });

    it('all legs unreachable → the unreachable outcome (480 when nothing is configured)', () => {
      const d = ringing();
      for (const legId of ['L1', 'L2', 'L3']) d.send({ type: 'LegFailed', legId, status: 408 });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 480, reason: 'Temporarily Unavailable', headers: [] }]);
      assert.deepEqual([d.ended().disposition, d.ended().hungUpBy], ['missed', 'callee']);
    });

    it('busy with nothing configured → 486 Busy Here, disposition busy, hung up by the callee', () => {
      const d = ringing();
      d.send({ type: 'LegFailed', legId: 'L1', status: 603 });
      d.send({ type: 'LegFailed', legId: 'L2', status: 486 });
      d.send({ type: 'LegFailed', legId: 'L3', status: 500 });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 486, reason: 'Busy Here', headers: [] }]);
      const ended = d.ended();
      assert.deepEqual([ended.disposition, ended.hungUpBy], ['busy', 'callee']);
    });

    it('a ring time that ran out outranks busy: no-answer', () => {
      const d = ringing({ ringPlan: { strategy: 'simultaneous', targets: [{ kind: 'devices', timeoutS: 5 }], overallTimeoutS: 30 } });
      d.send({ type: 'LegFailed', legId: 'L1', status: 486 });
      d.advance(5_000);
      d.send({ type: 'LegCancelled', legId: 'L2' });
      d.send({ type: 'LegCancelled', legId: 'L3' });
      assert.equal(d.ended().sipStatus, 480);
      assert.equal(d.ended().reason, 'No Answer');
    });

    it('a failing fallback ends the call with the far end status (503 relayed as 500)', () => {
      const d = ringing({ forwarding: { unreachable: '+14155554444' } });
      for (const legId of ['L1', 'L2', 'L3']) d.send({ type: 'LegFailed', legId, status: 480 });
      d.send({ type: 'LegFailed', legId: 'L4', status: 503, reason: 'Service Unavailable' });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 500, reason: 'Server Internal Error', headers: [] }]);
      assert.equal(d.ended().disposition, 'missed');
    });

    it('a fallback is taken once: a voicemail that does not answer ends the call', () => {
      const d = ringing({ voicemail: { enabled: true } });
      for (const legId of ['L1', 'L2', 'L3']) d.send({ type: 'LegFailed', legId, status: 486 });
      d.send({ type: 'LegFailed', legId: 'L4', status: 404, reason: 'Not Found' });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 404, reason: 'Not Found', headers: [] }]);
      assert.deepEqual(d.startedLegs(), ['L1', 'L2', 'L3', 'L4']);
    });
  });

  describe('single-leg routes', () => {
    function external(): CallDriver {
      const d = new CallDriver(outbound('+14155551234'));
      d.decide(decideOutbound(outbound('+14155551234'), lineUser(), context()));
      return d;
    }

    it('an external call relays a busy far end as busy, a declining one as rejected', () => {
      const d = external();
      d.send({ type: 'LegProgress', legId: 'L1', status: 183 });
      d.send({ type: 'LegFailed', legId: 'L1', status: 600, reason: 'Busy Everywhere' });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 600, reason: 'Busy Everywhere', headers: [] }]);
      assert.deepEqual([d.ended().disposition, d.ended().hungUpBy], ['busy', 'callee']);
      const declined = external();
      declined.send({ type: 'LegFailed', legId: 'L1', status: 603 });
      assert.deepEqual(ofType(declined.last, 'Respond'), [{ type: 'Respond', status: 603, reason: 'Decline', headers: [] }]);
      assert.equal(declined.ended().disposition, 'rejected');
    });

    it('an external call relays other failures as failed, but never a 487 of its own', () => {
      const d = external();
      d.send({ type: 'LegFailed', legId: 'L1', status: 404 });
      assert.deepEqual(ofType(d.last, 'Respond'), [{ type: 'Respond', status: 404, reason: 'Not Found', headers: [] }]);
      assert.equal(d.ended().disposition, 'failed');
      const e = external();
      e.send({ type: 'LegFailed', legId: 'L1', status: 487 });
      assert.deepEqual(ofType(e.last, 'Respond'), [{ type: 'Respond', status: 480, reason: 'Temporarily Unavailable', headers: [] }]);
    });

    it('an answered external call logs the number as answeredBy and its talk time', () => {
      const d = external();
      d.now += 2_000;
      d.send({ type: 'LegAnswered', legId: 'L1' });
      d.now += 61_500;
      d.send({ type: 'CalleeHungUp', legId: 'L1' });
      assert.deepEqual(ofType(d.last, 'ByeCaller'), [{ type: 'ByeCaller' }]);
      assert.deepEqual(ofType(d.last, 'ByeLeg'), []);
      const ended = d.ended();
      assert.deepEqual([ended.disposition, ended.hungUpBy, ended.durationS, ended.answeredBy], [
        'answered',
        'callee',
        62,
        { kind: 'target', target: '+14155551234' },
      ]);
      assert.equal(ended.direction, 'outbound');
      assert.equal(ended.userId, 'alice');
    });
  });
});
