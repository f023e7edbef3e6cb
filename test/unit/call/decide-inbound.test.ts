import assert from 'node:assert/strict';
import type { FallbackRoute, LineUser, Route } from '../../../src/call/index.js';
import { decideInbound, VOICEMAIL_BOX } from '../../../src/call/index.js';
import { context, inbound, lineUser } from './call-fixtures.js';
import type { SnapshotSpec } from './call-fixtures.js';

function decide(user: Partial<LineUser> = {}, snap: SnapshotSpec = {}, req = inbound(), draining = false): Route {
  return decideInbound(req, lineUser(user), context({ draining }, snap));
}

function assertReject(route: Route, status: number, reason: RegExp, disposition: string): void {
  assert.equal(route.kind, 'reject', JSON.stringify(route));
  if (route.kind !== 'reject') return;
  assert.equal(route.status, status);
  assert.match(route.reason, reason);
  assert.equal(route.disposition, disposition);
}

function kindOf(r: FallbackRoute): string {
  return r.kind === 'reject' ? `reject ${r.status}` : r.kind;
}

describe('call/decideInbound', () => {
  describe('admission', () => {
    it('refuses every call with 503 and Retry-After while draining', () => {
      const route = decide({}, {}, inbound(), true);
      assertReject(route, 503, /draining/, 'failed');
      assert.deepEqual(route.kind === 'reject' && route.headers, [{ name: 'Retry-After', value: '30' }]);
    });

    it('refuses with 503 when the source trunk is at its cap, and not below it', () => {
      assertReject(decide({}, { trunkCalls: { carrier: 10 } }), 503, /Trunk capacity/, 'blocked');
      assert.equal(decide({}, { trunkCalls: { carrier: 9 } }).kind, 'ring');
      assert.equal(decide({}, { trunkCalls: { other: 99 } }, inbound({ source: { kind: 'trunk', trunk: 'other' } })).kind, 'ring');
    });
  });

  describe('blocking (first feature)', () => {
    it('declines anonymous callers with 603 when the user blocks them', () => {
      for (const number of [null, '', 'anonymous', 'Anonymous']) {
        assertReject(decide({ blockAnonymous: true }, {}, inbound({ from: { number } })), 603, /Anonymous/, 'blocked');
      }
      assert.equal(decide({ blockAnonymous: false }, {}, inbound({ from: { number: null } })).kind, 'ring');
    });

    it('declines listed numbers and prefixes in raw or E.164 form', () => {
      const blockList = { numbers: ['4155559999'], prefixes: ['+1900'] };
      assertReject(decide({ blockList }), 603, /Caller blocked/, 'blocked');
      const premium = inbound({ from: { number: '+19005551234' } });
      assertReject(decide({ blockList }, {}, premium), 603, /Caller blocked/, 'blocked');
      assert.equal(decide({ blockList }, {}, inbound({ from: { number: '+14155558888' } })).kind, 'ring');
    });

    it('applies before DND and forwarding', () => {
      const user = { blockAnonymous: true, dnd: true, forwarding: { always: '+14155551111' } };
      assertReject(decide(user, {}, inbound({ from: { number: null } })), 603, /Anonymous/, 'blocked');
    });
  });

  describe('DND', () => {
    it('sends the call to voicemail when voicemail is on', () => {
      const route = decide({ dnd: true, voicemail: { enabled: true } });
      assert.equal(route.kind, 'voicemail');
      if (route.kind !== 'voicemail') return;
      assert.equal(route.cause, 'do-not-disturb');
      assert.equal(route.uri, 'sip:vm@127.0.0.1:5090');
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.target, { kind: 'voicemail', uri: 'sip:vm@127.0.0.1:5090', userId: 'alice' });
      assert.deepEqual(leg?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=do-not-disturb;counter=1' }]);
    });

    it('answers 486 when voicemail is off, and wins over forward-always', () => {
      assertReject(decide({ dnd: true, forwarding: { always: '+14155551111' } }), 486, /Do Not Disturb/, 'blocked');
    });
  });

  describe('forward always', () => {
    it('forwards to the number keeping the caller ID, with Diversion reason=unconditional', () => {
      const route = decide({ forwarding: { always: '(415) 555-1111', busy: '+14155552222' }, voicemail: { enabled: true } });
      assert.equal(route.kind, 'forward');
      if (route.kind !== 'forward') return;
      assert.equal(route.number, '+14155551111');
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.target, { kind: 'number', number: '+14155551111', trunk: 'carrier' });
      assert.deepEqual(leg?.callerId, { number: '+14155559999', display: 'Carol' });
      assert.deepEqual(leg?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=unconditional;counter=1' }]);
    });

    it('applies even when no device is registered', () => {
      assert.equal(decide({ forwarding: { always: '+14155551111' } }, { devices: {} }).kind, 'forward');
    });
  });

  describe('forward always to the voicemail box', () => {
    const toBox = { forwarding: { always: VOICEMAIL_BOX, busy: '+14155552222' }, voicemail: { enabled: true } };

    it('sends every call to voicemail with Diversion reason=unconditional, not do-not-disturb', () => {
      const route = decide(toBox);
      assert.equal(route.kind, 'voicemail', JSON.stringify(route));
      if (route.kind !== 'voicemail') return;
      assert.equal(route.cause, 'unconditional');
      assert.equal(route.userId, 'alice');
      assert.equal(route.attempt.steps.length, 1);
      const leg = route.attempt.steps[0]?.legs[0];
      assert.deepEqual(leg?.target, { kind: 'voicemail', uri: 'sip:vm@127.0.0.1:5090', userId: 'alice' });
      assert.deepEqual(leg?.callerId, { number: '+14155559999', display: 'Carol' });
      assert.deepEqual(leg?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=unconditional;counter=1' }]);
    });

    it('applies before the ring plan: with no device registered and on the call limit alike', () => {
      for (const snap of [{ devices: {} }, { userCalls: { alice: 4 } }]) {
        const route = decide(toBox, snap);
        assert.equal(route.kind === 'voicemail' && route.cause, 'unconditional', JSON.stringify(snap));
      }
    });

    it('DND wins over it: do-not-disturb to the box, or 486 without one', () => {
      const route = decide({ ...toBox, dnd: true });
      assert.equal(route.kind === 'voicemail' && route.cause, 'do-not-disturb');
      assert.deepEqual(route.kind === 'voicemail' && route.attempt.steps[0]?.legs[0]?.headers, [
        { name: 'Diversion', value: '<tel:+14155550100>;reason=do-not-disturb;counter=1' },
      ]);
      assertReject(decide({ ...toBox, dnd: true, voicemail: { enabled: false } }), 486, /Do Not Disturb/, 'blocked');
    });

    it('blocking wins over DND and it: the blocked caller hears 603, voicemail never', () => {
      const anonymous = inbound({ from: { number: null } });
      assertReject(decide({ ...toBox, blockAnonymous: true }, {}, anonymous), 603, /Anonymous/, 'blocked');
      assertReject(decide({ ...toBox, blockAnonymous: true, dnd: true }, {}, anonymous), 603, /Anonymous/, 'blocked');
      const blockList = { numbers: ['+14155559999'], prefixes: [] };
      assertReject(decide({ ...toBox, blockList, dnd: true }), 603, /Caller blocked/, 'blocked');
    });

    it('is ignored for a user without a box (a stale setting): the ring plan runs, its fallbacks apply', () => {
      const route = decide({ forwarding: { always: VOICEMAIL_BOX, busy: '+14155552222' }, voicemail: { enabled: false } });
      assert.equal(route.kind, 'ring', JSON.stringify(route));
      if (route.kind !== 'ring') return;
      assert.equal(kindOf(route.fallbacks.busy), 'forward');
      assert.equal(kindOf(route.fallbacks.noAnswer), 'reject 480');
    });

    it('still refuses every call with 503 while draining', () => {
      assertReject(decide(toBox, {}, inbound(), true), 503, /draining/, 'failed');
    });
  });

  describe('concurrent-call limit', () => {
    it('treats a user on their maximum as busy: busy forward, else voicemail, else 486', () => {
      const full = { userCalls: { alice: 4 } };
      assert.equal(decide({ forwarding: { busy: '+14155552222' } }, full).kind, 'forward');
      assert.equal(decide({ voicemail: { enabled: true } }, full).kind, 'voicemail');
      assertReject(decide({}, full), 486, /Busy Here/, 'busy');
      assert.equal(decide({}, { userCalls: { alice: 3 } }).kind, 'ring');
    });
  });

  describe('ring plan', () => {
    it('rings every registered device and extra number at once (simultaneous)', () => {
      const ringPlan = {
        strategy: 'simultaneous' as const,
        targets: [{ kind: 'devices' as const }, { kind: 'number' as const, number: '4155553333', timeoutS: 15, confirm: true }],
        overallTimeoutS: 25,
      };
      const route = decide({ ringPlan }, { devices: { alice: ['sip:a@10.0.0.1', 'sip:a@10.0.0.2'] } });
      assert.equal(route.kind, 'ring');
      if (route.kind !== 'ring') return;
      assert.equal(route.attempt.overallTimeoutMs, 25_000);
      assert.equal(route.attempt.steps.length, 1);
      const legs = route.attempt.steps[0]?.legs ?? [];
      assert.deepEqual(
        legs.map((l) => l.target),
        [
          { kind: 'device', userId: 'alice', contact: 'sip:a@10.0.0.1' },
          { kind: 'device', userId: 'alice', contact: 'sip:a@10.0.0.2' },
          { kind: 'number', number: '+14155553333', trunk: 'carrier' },
        ],
      );
      assert.equal(legs[0]?.timeoutMs, undefined);
      assert.equal(legs[2]?.timeoutMs, 15_000);
      assert.equal(legs[2]?.confirmTimeoutMs, 10_000);
      assert.equal(legs[0]?.confirmTimeoutMs, undefined);
      assert.deepEqual(legs[2]?.headers, [{ name: 'Diversion', value: '<tel:+14155550100>;reason=follow-me;counter=1' }]);
      assert.deepEqual(legs[0]?.callerId, { number: '+14155559999', display: 'Carol' });
      assert.equal(route.maxDurationMs, 3_600_000);
    });

    it('rings targets one step at a time (sequential), each with its own or the default timeout', () => {
      const ringPlan = {
        strategy: 'sequential' as const,
        targets: [{ kind: 'devices' as const, timeoutS: 10 }, { kind: 'number' as const, number: '+14155553333' }],
        overallTimeoutS: 60,
      };
      const route = decide({ ringPlan });
      assert.equal(route.kind, 'ring');
      if (route.kind !== 'ring') return;
      assert.deepEqual(
        route.attempt.steps.map((s) => s.legs.map((l) => l.timeoutMs)),
        [[10_000], [20_000]],
      );
    });

    it('skips a devices step with no registration; no target at all is unreachable', () => {
      const ringPlan = {
        strategy: 'sequential' as const,
        targets: [{ kind: 'devices' as const }, { kind: 'number' as const, number: '+14155553333' }],
        overallTimeoutS: 60,
      };
      const route = decide({ ringPlan }, { devices: {} });
      assert.equal(route.kind === 'ring' && route.attempt.steps.length, 1);
      assertReject(decide({}, { devices: {} }), 480, /Temporarily Unavailable/, 'missed');
      assert.equal(decide({ forwarding: { unreachable: '+14155554444' } }, { devices: {} }).kind, 'forward');
      assert.equal(decide({ voicemail: { enabled: true } }, { devices: {} }).kind, 'voicemail');
    });

    it('plans each outcome: its forward, else voicemail, else 486 / 480', () => {
      const both = decide({ forwarding: { noAnswer: '+14155554444' }, voicemail: { enabled: true } });
      assert.equal(both.kind, 'ring');
      if (both.kind !== 'ring') return;
      assert.deepEqual([kindOf(both.fallbacks.busy), kindOf(both.fallbacks.noAnswer), kindOf(both.fallbacks.unreachable)], [
        'voicemail',
        'forward',
        'voicemail',
      ]);
      const noAnswer = both.fallbacks.noAnswer;
      assert.equal(noAnswer.kind === 'forward' && noAnswer.cause, 'no-answer');
      const none = decide();
      assert.equal(none.kind, 'ring');
      if (none.kind !== 'ring') return;
      assert.deepEqual([kindOf(none.fallbacks.busy), kindOf(none.fallbacks.noAnswer), kindOf(none.fallbacks.unreachable)], [
        'reject 486',
        'reject 480',
        'reject 480',
      ]);
    });

    it('presents an anonymous caller as anonymous on every leg', () => {
      const route = decide({}, {}, inbound({ from: { number: 'anonymous' } }));
      assert.equal(route.kind, 'ring');
      if (route.kind !== 'ring') return;
      assert.deepEqual(route.attempt.steps[0]?.legs[0]?.callerId, { number: null });
    });

    it('limits the call to the shorter of the system and the user maximum', () => {
      const route = decide({ limits: { maxConcurrentCalls: 4, maxCallDurationS: 600 } });
      assert.equal(route.kind === 'ring' && route.maxDurationMs, 600_000);
    });
  });
});
