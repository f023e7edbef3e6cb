import assert from 'node:assert/strict';
import type { LineUser, Policy, Route } from '../../../src/call/index.js';
import { decideOutbound, VOICEMAIL_BOX } from '../../../src/call/index.js';
import { ADDRESS, BOB, context, lineUser, outbound } from './call-fixtures.js';
import type { SnapshotSpec } from './call-fixtures.js';

function decide(to: string, caller: Partial<LineUser> = {}, p: Partial<Policy> = {}, snap: SnapshotSpec = {}): Route {
  const alice = lineUser(caller);
  return decideOutbound(outbound(to), alice, context(p, snap, [alice, BOB]));
}

function assertReject(route: Route, status: number, reason: RegExp): void {
  assert.equal(route.kind, 'reject', JSON.stringify(route));
  if (route.kind !== 'reject') return;
  assert.equal(route.status, status);
  assert.match(route.reason, reason);
}

describe('call/decideOutbound', () => {
  describe('emergency numbers', () => {
    it('go to the emergency trunk with the business number, Priority and a PIDF-LO', () => {
      const route = decide('911');
      assert.equal(route.kind, 'emergency');
      if (route.kind !== 'emergency') return;
      assert.equal(route.trunk, 'e911');
      assert.equal(route.callbackNumber, '+14155550100');
      assert.equal(route.maxDurationMs, null);
      assert.deepEqual(route.address, ADDRESS);
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.target, { kind: 'number', number: '911', trunk: 'e911' });
      assert.deepEqual(leg?.callerId, { number: '+14155550100' });
      assert.equal(leg?.body?.contentType, 'application/pidf+xml');
      assert.equal(leg?.body?.contentId, 'loc-call-2_device@linegate.invalid');
      assert.match(leg?.body?.content ?? '', /entity="pres:\+14155550100@example\.com"/);
      assert.deepEqual(leg?.headers, [
        { name: 'Priority', value: 'emergency' },
        { name: 'Geolocation', value: '<cid:loc-call-2_device@linegate.invalid>' },
        { name: 'Geolocation-Routing', value: 'yes' },
      ]);
      assert.equal(route.attempt.overallTimeoutMs, undefined);
      assert.equal(leg?.timeoutMs, undefined);
    });

    it('fall back to the outbound trunk, as a second step, if the emergency trunk refuses', () => {
      const route = decide('911');
      assert.equal(route.kind, 'emergency');
      if (route.kind !== 'emergency') return;
      assert.deepEqual(
        route.attempt.steps.map((s) => s.legs.map((l) => l.target)),
        [[{ kind: 'number', number: '911', trunk: 'e911' }], [{ kind: 'number', number: '911', trunk: 'carrier' }]],
      );
      assert.deepEqual(route.attempt.steps[1]?.legs[0]?.body, route.attempt.steps[0]?.legs[0]?.body);
      const same = decide('911', {}, { emergencyTrunk: 'carrier' });
      assert.equal(same.kind === 'emergency' && same.attempt.steps.length, 1);
    });

    it('go out without an address on file, just without a PIDF-LO', () => {
      const route = decide('933', { emergencyAddress: undefined });
      assert.equal(route.kind, 'emergency');
      if (route.kind !== 'emergency') return;
      assert.equal(route.address, undefined);
      assert.equal(route.attempt.steps[0]?.legs[0]?.body, undefined);
      assert.deepEqual(route.attempt.steps[0]?.legs[0]?.headers, [{ name: 'Priority', value: 'emergency' }]);
    });

    it('bypass drain, the caller limit, the trunk cap and every permission', () => {
      const route = decide(
        '911',
        { emergencyAddress: undefined, limits: { maxConcurrentCalls: 0 }, permissions: { international: false } },
        { draining: true, trunks: new Map([['e911', { maxConcurrentCalls: 0 }]]), blockedPrefixes: [{ prefix: '9', reason: 'x' }] },
        { userCalls: { alice: 5 }, trunkCalls: { e911: 3 } },
      );
      assert.equal(route.kind, 'emergency');
    });

    it('win over an extension with the same digits', () => {
      const alice = lineUser();
      const odd = lineUser({ id: 'odd', extension: '911', businessNumber: '+14155550177' });
      assert.equal(decideOutbound(outbound('911'), alice, context({}, {}, [alice, odd])).kind, 'emergency');
    });

    it('are never sent to voicemail, whoever forwards always to their box', () => {
      const boxed = { forwarding: { always: VOICEMAIL_BOX }, voicemail: { enabled: true } };
      const alice = lineUser(boxed);
      const odd = lineUser({ ...boxed, id: 'odd', extension: '911', businessNumber: '+14155550177' });
      const route = decideOutbound(outbound('911'), alice, context({}, {}, [alice, odd]));
      assert.equal(route.kind, 'emergency');
      assert.ok(route.attempt.steps.every((st) => st.legs.every((l) => l.target.kind === 'number')), JSON.stringify(route));
    });
  });

  describe('admission', () => {
    it('refuses every other call with 403 and a notice when no emergency address is on file', () => {
      for (const to of ['+14155551234', '101', '+442071234567']) {
        const route = decide(to, { emergencyAddress: undefined, permissions: { international: true } });
        assertReject(route, 403, /No emergency address on file/);
        assert.equal(route.kind === 'reject' && route.notice, 'emergency-address-missing');
      }
    });

    it('refuses with 503 while draining and 403 at the caller call limit', () => {
      assertReject(decide('+14155551234', {}, { draining: true }), 503, /draining/);
      assertReject(decide('+14155551234', {}, {}, { userCalls: { alice: 4 } }), 403, /Concurrent call limit/);
    });
  });

  describe('internal calls', () => {
    it('route an extension or a business number through the callee plan with the caller business number', () => {
      for (const to of ['101', '+14155550101', '4155550101']) {
        const route = decide(to, {}, {}, { devices: { bob: ['sip:bob@10.0.0.9'] } });
        assert.equal(route.kind, 'ring', to);
        if (route.kind !== 'ring') return;
        assert.equal(route.userId, 'bob');
        assert.equal(route.internal, true);
        const leg = route.attempt.steps[0]?.legs[0];
        assert.deepEqual(leg?.target, { kind: 'device', userId: 'bob', contact: 'sip:bob@10.0.0.9' });
        assert.deepEqual(leg?.callerId, { number: '+14155550100', display: 'Alice' });
      }
    });

    it("apply the callee's features: DND, blocking of the caller, limits", () => {
      const alice = lineUser();
      const dndBob = { ...BOB, dnd: true };
      assertReject(decideOutbound(outbound('101'), alice, context({}, {}, [alice, dndBob])), 486, /Do Not Disturb/);
      const blockingBob = { ...BOB, blockList: { numbers: ['+14155550100'], prefixes: [] } };
      assertReject(decideOutbound(outbound('101'), alice, context({}, {}, [alice, blockingBob])), 603, /Caller blocked/);
      const shortBob = { ...BOB, limits: { maxConcurrentCalls: 2, maxCallDurationS: 60 } };
      const route = decideOutbound(outbound('101'), alice, context({}, { devices: { bob: ['sip:b@x'] } }, [alice, shortBob]));
      assert.equal(route.kind === 'ring' && route.maxDurationMs, 60_000);
    });

    it("apply the callee's forward-always to voicemail: Diversion reason=unconditional", () => {
      const alice = lineUser();
      const boxBob = { ...BOB, forwarding: { always: VOICEMAIL_BOX }, voicemail: { enabled: true } };
      const route = decideOutbound(outbound('101'), alice, context({}, { devices: { bob: ['sip:b@x'] } }, [alice, boxBob]));
      assert.equal(route.kind, 'voicemail', JSON.stringify(route));
      if (route.kind !== 'voicemail') return;
      assert.equal(route.cause, 'unconditional');
      assert.equal(route.userId, 'bob');
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.callerId, { number: '+14155550100', display: 'Alice' });
      assert.deepEqual(leg?.headers, [{ name: 'Diversion', value: '<tel:+14155550101>;reason=unconditional;counter=1' }]);
    });
  });

  describe('external calls', () => {
    it('normalise the number and present the business number on the outbound trunk', () => {
      const route = decide('(415) 555-1234', { displayName: 'Alice Smith' });
      assert.equal(route.kind, 'external');
      if (route.kind !== 'external') return;
      assert.equal(route.number, '+14155551234');
      assert.equal(route.trunk, 'carrier');
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.callerId, { number: '+14155550100', display: 'Alice Smith' });
      assert.deepEqual(leg?.target, { kind: 'number', number: '+14155551234', trunk: 'carrier' });
    });

    it('answer 484 to an incomplete number', () => {
      assertReject(decide('55512'), 484, /Address Incomplete/);
    });

    it('refuse blocked prefixes with 403 and the configured reason', () => {
      assertReject(decide('1-900-555-1234'), 403, /^Premium-rate numbers are blocked$/);
    });

    it('need the international permission outside the home country', () => {
      assertReject(decide('011442071234567'), 403, /International calls not permitted/);
      const route = decide('011442071234567', { permissions: { international: true } });
      assert.equal(route.kind === 'external' && route.number, '+442071234567');
    });

    it('refuse with 503 when the outbound trunk is at its cap', () => {
      assertReject(decide('+14155551234', {}, {}, { trunkCalls: { carrier: 10 } }), 503, /Trunk capacity/);
    });

    it('are limited to the shorter of the system and the caller maximum', () => {
      const route = decide('+14155551234', { limits: { maxConcurrentCalls: 4, maxCallDurationS: 120 } });
      assert.equal(route.kind === 'external' && route.maxDurationMs, 120_000);
    });
  });
});
