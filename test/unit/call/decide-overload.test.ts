/**
 * Admission control in the core (issue #3, docs/dialplan.md "Overload"): while
 * policy.overloaded is set, new calls get 503 + Retry-After with a disposition and reason that
 * tell them from a drain; emergency calls go through; calls already decided are untouched
 * (the flag only enters decisions, so CANCEL and BYE run as usual).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LineUser, Policy, Route } from '../../../src/call/index.js';
import { decideInbound, decideOutbound, REJECTIONS } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { context, inbound, lineUser, outbound } from './call-fixtures.js';
import type { SnapshotSpec } from './call-fixtures.js';

const OVERLOADED: Partial<Policy> = { overloaded: { retryAfterS: 5 } };

function assertOverloadRefusal(route: Route): void {
  assert.equal(route.kind, 'reject', JSON.stringify(route));
  if (route.kind !== 'reject') return;
  assert.equal(route.status, 503);
  assert.equal(route.reason, 'Service Unavailable (overload)');
  assert.equal(route.disposition, 'blocked');
  assert.deepEqual(route.headers, [{ name: 'Retry-After', value: '5' }]);
}

function out(to: string, p: Partial<Policy> = OVERLOADED, caller: Partial<LineUser> = {}, snap: SnapshotSpec = {}): Route {
  return decideOutbound(outbound(to), lineUser(caller), context(p, snap));
}

describe('call: overload admission', () => {
  it('refuses a call in from a trunk with 503, Retry-After and its own reason', () => {
    assertOverloadRefusal(decideInbound(inbound(), lineUser(), context(OVERLOADED)));
    // Before the trunk cap (which would say "Trunk capacity reached").
    assertOverloadRefusal(decideInbound(inbound(), lineUser(), context(OVERLOADED, { trunkCalls: { carrier: 10 } })));
  });

  it('refuses ordinary calls out: external, internal, and from a caller without an address on file', () => {
    assertOverloadRefusal(out('+14155551234'));
    assertOverloadRefusal(out('101'));
    assertOverloadRefusal(out('+14155551234', OVERLOADED, { emergencyAddress: undefined }));
    assertOverloadRefusal(out('+14155551234', OVERLOADED, {}, { userCalls: { alice: 99 } }));
  });

  it('lets emergency calls through, as dialled or with separators, with or without an address', () => {
    for (const to of ['911', '933', '9-1-1']) {
      assert.equal(out(to).kind, 'emergency', to);
      assert.equal(out(to, OVERLOADED, { emergencyAddress: undefined }).kind, 'emergency', to);
      assert.equal(out(to, { ...OVERLOADED, draining: true }).kind, 'emergency', to);
    }
  });

  it('tells itself apart from a drain, and a drain wins when both hold', () => {
    const drain = out('+14155551234', { draining: true });
    assert.ok(drain.kind === 'reject' && drain.reason === REJECTIONS.draining.reason && drain.disposition === 'failed');
    assert.notEqual(REJECTIONS.overloaded.disposition, REJECTIONS.draining.disposition);
    assert.notEqual(REJECTIONS.overloaded.reason, REJECTIONS.draining.reason);
    const both = out('+14155551234', { ...OVERLOADED, draining: true });
    assert.ok(both.kind === 'reject' && both.reason === REJECTIONS.draining.reason, JSON.stringify(both));
    assert.deepEqual(both.kind === 'reject' && both.headers, [{ name: 'Retry-After', value: '30' }]);
  });

  it('changes nothing when the policy is not overloaded', () => {
    assert.equal(decideInbound(inbound(), lineUser(), context()).kind, 'ring');
    assert.equal(out('+14155551234', {}).kind, 'external');
  });

  it('the machine answers the refusal with 503 + Retry-After and ends the call blocked, reason kept', () => {
    const d = new CallDriver(inbound());
    d.decide(decideInbound(inbound(), lineUser(), context(OVERLOADED)));
    const [respond] = ofType(d.all, 'Respond');
    assert.deepEqual(respond, { type: 'Respond', status: 503, reason: 'Service Unavailable (overload)', headers: [{ name: 'Retry-After', value: '5' }] });
    const ended = d.ended();
    assert.equal(ended.disposition, 'blocked');
    assert.equal(ended.sipStatus, 503);
    assert.equal(ended.reason, 'Service Unavailable (overload)');
    assert.deepEqual(d.startedLegs(), []);
  });

  it('a call admitted before the overload: its CANCEL and BYE run as usual while new calls are refused', () => {
    const ringing = new CallDriver(inbound());
    ringing.decide(decideInbound(inbound(), lineUser(), context({}, { devices: { alice: ['sip:a@1'] } })));
    assert.deepEqual(ringing.startedLegs(), ['L1']);
    assertOverloadRefusal(decideInbound(inbound({ callId: 'call-3' }), lineUser(), context(OVERLOADED)));
    const onCancel = ringing.send({ type: 'CallerCancelled' });
    assert.deepEqual(ofType(onCancel, 'CancelLeg').map((c) => c.legId), ['L1']);
    ringing.send({ type: 'LegCancelled', legId: 'L1' });
    assert.equal(ringing.ended().disposition, 'missed');

    const bridged = new CallDriver(inbound());
    bridged.decide(decideInbound(inbound(), lineUser(), context({}, { devices: { alice: ['sip:a@1'] } })));
    bridged.send({ type: 'LegAnswered', legId: 'L1' });
    assertOverloadRefusal(out('+14155551234'));
    const onBye = bridged.send({ type: 'CallerHungUp' });
    assert.deepEqual(ofType(onBye, 'ByeLeg').map((c) => c.legId), ['L1']);
    assert.equal(bridged.ended().disposition, 'answered');
  });

  it('property: an emergency number is never refused, whatever drain, overload, caps and address say', () => {
    fc.assert(fc.property(
      fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.constantFrom('911', '933', '9 1 1', '(933)'),
      (draining, overloaded, address, calls, to) => {
        const p: Partial<Policy> = { draining, ...(overloaded ? OVERLOADED : {}), trunks: new Map([['carrier', { maxConcurrentCalls: 0 }]]) };
        const caller: Partial<LineUser> = { limits: { maxConcurrentCalls: 1 }, ...(address ? {} : { emergencyAddress: undefined }) };
        return out(to, p, caller, { userCalls: { alice: calls }, trunkCalls: { carrier: 5, e911: 5 } }).kind === 'emergency';
      },
    ));
  });
});
