/**
 * call.ended says why (docs/call-events.md `reason`): every refusal the core decides, every
 * way an attempt to connect can end unanswered, and the system ending an answered call carry
 * their own code; an answered call hung up by the caller or the callee carries none.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/call/call-end-reason.test.ts
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CallRequest, EndReason, LineUser, Policy, Route } from '../../../src/call/index.js';
import { decideInbound, decideOutbound, REJECTIONS } from '../../../src/call/index.js';
import { CallDriver } from './call-driver.js';
import { BOB, context, inbound, lineUser, outbound } from './call-fixtures.js';
import type { SnapshotSpec } from './call-fixtures.js';
import { scenarioArb } from './call-scenarios.js';
import { run } from './call-world.js';

const ALICE_DEVICE = { devices: { alice: ['sip:a@1'] } };

/** The call.ended of a call decided `route` straight away. */
function refused(request: CallRequest, route: Route): { reason: EndReason | undefined; status: number | undefined; disposition: string } {
  const d = new CallDriver(request);
  d.decide(route);
  const e = d.ended();
  return { reason: e.endReason, status: e.sipStatus, disposition: e.disposition };
}

function callIn(user: Partial<LineUser> = {}, p: Partial<Policy> = {}, snap: SnapshotSpec = ALICE_DEVICE, req: Partial<CallRequest> = {}): ReturnType<typeof refused> {
  const request = inbound(req);
  return refused(request, decideInbound(request, lineUser(user), context(p, snap)));
}

function callOut(to: string, caller: Partial<LineUser> = {}, p: Partial<Policy> = {}, snap: SnapshotSpec = {}): ReturnType<typeof refused> {
  const alice = lineUser(caller);
  return refused(outbound(to), decideOutbound(outbound(to), alice, context(p, snap, [alice, BOB])));
}

/** A call in ringing alice's one device (leg L1). */
function ringing(user: Partial<LineUser> = {}): CallDriver {
  const d = new CallDriver(inbound());
  d.decide(decideInbound(inbound(), lineUser(user), context({}, ALICE_DEVICE)));
  assert.deepEqual(d.startedLegs(), ['L1']);
  return d;
}

function bridged(): CallDriver {
  const d = ringing();
  d.send({ type: 'LegAnswered', legId: 'L1' });
  return d;
}

/** A call out to an external number, its one trunk leg L1 started. */
function external(): CallDriver {
  const d = new CallDriver(outbound('+14155551234'));
  d.decide(decideOutbound(outbound('+14155551234'), lineUser(), context()));
  assert.deepEqual(d.startedLegs(), ['L1']);
  return d;
}

describe('call: call.ended reason', () => {
  describe('refusals decided before anything rings', () => {
    it('admission: draining, overload and a trunk at its cap, each with its 503', () => {
      assert.deepEqual(callIn({}, { draining: true }), { reason: 'draining', status: 503, disposition: 'failed' });
      assert.deepEqual(callIn({}, { overloaded: { retryAfterS: 5 } }), { reason: 'overload', status: 503, disposition: 'blocked' });
      assert.deepEqual(callIn({}, {}, { ...ALICE_DEVICE, trunkCalls: { carrier: 10 } }), { reason: 'trunk-limit', status: 503, disposition: 'blocked' });
      assert.deepEqual(callOut('+14155551234', {}, { draining: true }), { reason: 'draining', status: 503, disposition: 'failed' });
      assert.deepEqual(callOut('+14155551234', {}, { overloaded: { retryAfterS: 5 } }), { reason: 'overload', status: 503, disposition: 'blocked' });
      assert.deepEqual(callOut('+14155551234', {}, {}, { trunkCalls: { carrier: 10 } }), { reason: 'trunk-limit', status: 503, disposition: 'blocked' });
    });

    it('the callee\'s features: block list, anonymous blocking, do-not-disturb', () => {
      assert.deepEqual(callIn({ blockList: { numbers: ['+14155559999'], prefixes: [] } }), { reason: 'caller-blocked', status: 603, disposition: 'blocked' });
      assert.deepEqual(callIn({ blockAnonymous: true }, {}, ALICE_DEVICE, { from: { number: null } }), { reason: 'anonymous-blocked', status: 603, disposition: 'blocked' });
      assert.deepEqual(callIn({ dnd: true }), { reason: 'dnd', status: 486, disposition: 'blocked' });
    });

    it('the caller\'s limits: no emergency address, the call limit, international permission, blocked prefixes, a bad number', () => {
      assert.deepEqual(callOut('+14155551234', { emergencyAddress: undefined }), { reason: 'no-emergency-address', status: 403, disposition: 'blocked' });
      assert.deepEqual(callOut('+14155551234', {}, {}, { userCalls: { alice: 4 } }), { reason: 'user-limit', status: 403, disposition: 'blocked' });
      assert.deepEqual(callOut('+442071234567'), { reason: 'not-permitted', status: 403, disposition: 'blocked' });
      assert.deepEqual(callOut('+19005551234'), { reason: 'destination-blocked', status: 403, disposition: 'blocked' });
      assert.deepEqual(callOut('55512'), { reason: 'address-incomplete', status: 484, disposition: 'failed' });
    });

    it('a callee that cannot ring: no device registered, or already at its call limit (busy)', () => {
      assert.deepEqual(callIn({}, {}, { devices: {} }), { reason: 'unreachable', status: 480, disposition: 'missed' });
      assert.deepEqual(callIn({}, {}, { ...ALICE_DEVICE, userCalls: { alice: 4 } }), { reason: 'busy', status: 486, disposition: 'busy' });
    });

    it('every entry of the refusal table names a code, and no two refusals of a different cause share one', () => {
      const codes = Object.values(REJECTIONS).map((r) => r.endReason);
      assert.equal(new Set(codes).size, codes.length, codes.join(', '));
    });
  });

  describe('an attempt that ends unanswered', () => {
    it('a user\'s plan: nobody answers (no-answer), every device busy (busy), every device fails (unreachable)', () => {
      const timeout = ringing();
      timeout.advance(30_000);
      assert.deepEqual([timeout.ended().endReason, timeout.ended().sipStatus, timeout.ended().hungUpBy], ['no-answer', 480, 'system']);

      const busy = ringing();
      busy.send({ type: 'LegFailed', legId: 'L1', status: 486 });
      assert.deepEqual([busy.ended().endReason, busy.ended().sipStatus, busy.ended().hungUpBy], ['busy', 486, 'callee']);

      const failed = ringing();
      failed.send({ type: 'LegFailed', legId: 'L1', status: 500 });
      assert.deepEqual([failed.ended().endReason, failed.ended().sipStatus], ['unreachable', 480]);
    });

    it('a call out: 486 busy, 603 declined, another failure unreachable (the status relayed)', () => {
      for (const [status, reason, disposition, heard] of [
        [486, 'busy', 'busy', 486],
        [600, 'busy', 'busy', 600],
        [603, 'declined', 'rejected', 603],
        [404, 'unreachable', 'failed', 404],
        [503, 'unreachable', 'failed', 500],
      ] as const) {
        const d = external();
        d.send({ type: 'LegFailed', legId: 'L1', status });
        const e = d.ended();
        assert.deepEqual([e.endReason, e.disposition, e.sipStatus], [reason, disposition, heard], String(status));
      }
    });

    it('the caller gives up: before the decision, while ringing, on a call out', () => {
      const deciding = new CallDriver(inbound());
      deciding.send({ type: 'CallerCancelled' });
      assert.deepEqual([deciding.ended().endReason, deciding.ended().disposition, deciding.ended().sipStatus], ['caller-cancelled', 'cancelled', undefined]);

      const ring = ringing();
      ring.send({ type: 'CallerCancelled' });
      assert.deepEqual([ring.ended().endReason, ring.ended().disposition], ['caller-cancelled', 'missed']);

      const out = external();
      out.send({ type: 'CallerHungUp' });
      assert.deepEqual([out.ended().endReason, out.ended().disposition], ['caller-cancelled', 'cancelled']);
    });

    it('a forced drain: while deciding and while ringing it is draining, with its 503', () => {
      const deciding = new CallDriver(inbound());
      deciding.send({ type: 'Drain', force: true, retryAfterS: 9 });
      deciding.decide(decideInbound(inbound(), lineUser(), context({}, ALICE_DEVICE)));
      assert.deepEqual([deciding.ended().endReason, deciding.ended().sipStatus], ['draining', 503]);

      const ring = ringing();
      ring.send({ type: 'Drain', force: true, retryAfterS: 9 });
      assert.deepEqual([ring.ended().endReason, ring.ended().sipStatus], ['draining', 503]);
    });
  });

  describe('an answered call', () => {
    it('hung up by the caller or the callee: no reason (hungUpBy says it)', () => {
      const byCaller = bridged();
      byCaller.send({ type: 'CallerHungUp' });
      assert.equal('endReason' in byCaller.ended(), false, JSON.stringify(byCaller.ended()));
      const byCallee = bridged();
      byCallee.send({ type: 'CalleeHungUp', legId: 'L1' });
      assert.equal('endReason' in byCallee.ended(), false, JSON.stringify(byCallee.ended()));
    });

    it('ended by the system: max-duration, or draining for a forced drain', () => {
      const long = bridged();
      long.advance(3_600_000);
      assert.deepEqual([long.ended().endReason, long.ended().hungUpBy, long.ended().disposition], ['max-duration', 'system', 'answered']);
      const drained = bridged();
      drained.send({ type: 'Drain', force: true });
      assert.deepEqual([drained.ended().endReason, drained.ended().hungUpBy, drained.ended().disposition], ['draining', 'system', 'answered']);
    });
  });

  it('property: a reason is absent exactly when an answered call was hung up by the caller or the callee', () => {
    const schedule = fc.array(fc.record({ pick: fc.nat(), dt: fc.nat({ max: 40_000 }), variant: fc.nat() }), { maxLength: 40 });
    fc.assert(fc.property(scenarioArb, schedule, (s, sched) => {
      const w = run(s, sched);
      const ended = w.all.flatMap((c) => (c.type === 'EmitEvent' && c.event.type === 'call.ended' ? [c.event] : []));
      assert.equal(ended.length, 1);
      const e = ended[0]!;
      const partyHungUp = ['answered', 'voicemail'].includes(e.disposition) && e.hungUpBy !== 'system';
      assert.equal(e.endReason === undefined, partyHungUp, JSON.stringify(e));
    }), { numRuns: 300 });
  });
});
