/**
 * "Forward always to voicemail" from the dialplan or the control API, through the shell's
 * merge (withEffectiveSettings) into the core's decision: the voicemail leg's Diversion says
 * reason=unconditional, and DND stays what the user set (it used to be carried out as DND).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/forward-always-voicemail.test.ts
 */
import assert from 'node:assert/strict';
import { lineUserOf, policyFor, withEffectiveSettings } from '../../../../src/b2bua/call/index.js';
import { effectiveSettings, readStoredSettings } from '../../../../src/b2bua/control/index.js';
import type { JsonObject } from '../../../../src/state/index.js';
import { decideInbound, VOICEMAIL_BOX } from '../../../../src/call/index.js';
import type { CallRequest, DecisionContext, LineUser, Route } from '../../../../src/call/index.js';
import { parseDialplan } from '../../../../src/config/index.js';
import type { Dialplan, User } from '../../../../src/config/index.js';

const VOICEMAIL_URI = 'sip:voicemail@127.0.0.1:5070';

/** alice has a box (and `aliceYaml` added to her entry); bob has none. */
function dialplan(aliceYaml = ''): Dialplan {
  const r = parseDialplan(`
version: 1
domain: example.com
defaultCountry: US
voicemail: { serviceUri: "${VOICEMAIL_URI}" }
users:
  - id: alice
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: PW } }
    voicemail: { enabled: true, pin: { env: PIN } }
${aliceYaml}
  - id: bob
    businessNumber: "+14155550101"
    extension: "101"
    sip: { password: { env: PW } }
trunks:
  - name: carrier
    inbound: { sources: ["192.0.2.1"] }
    outbound: { uri: "sip:192.0.2.1" }
emergency: { numbers: ["911"], trunk: carrier }
`, { file: 't.yaml', env: { PW: 'pw-pw-pw-pw-1', PIN: '2468' } });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.dialplan;
}

function userOf(dp: Dialplan, id: string): User {
  const user = dp.users.find((u) => u.id === id);
  assert.ok(user, id);
  return user;
}

/** The LineUser the shell decides with: the dialplan user under what the API stored. */
function effective(dp: Dialplan, id: string, stored: JsonObject = {}): LineUser {
  const user = userOf(dp, id);
  return withEffectiveSettings(lineUserOf(user), effectiveSettings(user, readStoredSettings(stored)));
}

/** A call in from the carrier to `user`, whose devices are registered. */
function callTo(dp: Dialplan, user: LineUser): Route {
  const ctx: DecisionContext = {
    policy: policyFor(dp, false, VOICEMAIL_URI),
    snapshot: {
      activeCallsByUser: new Map(),
      activeCallsByTrunk: new Map(),
      registrations: new Map([[user.id, [{ contact: `sip:${user.id}@192.0.2.50` }]]]),
    },
    directory: dp.users.map(lineUserOf),
  };
  const request: CallRequest = {
    callId: 'c1', direction: 'inbound', from: { number: '+14155559999' }, to: user.businessNumber, source: { kind: 'trunk', trunk: 'carrier' },
  };
  return decideInbound(request, user, ctx);
}

function assertUnconditionalToBox(route: Route, businessNumber: string): void {
  assert.equal(route.kind, 'voicemail', JSON.stringify(route));
  if (route.kind !== 'voicemail') return;
  assert.equal(route.cause, 'unconditional');
  assert.equal(route.uri, VOICEMAIL_URI);
  assert.deepEqual(route.attempt.steps[0]?.legs[0]?.headers, [
    { name: 'Diversion', value: `<tel:${businessNumber}>;reason=unconditional;counter=1` },
  ]);
}

const FORWARD_NONE = { always: null, busy: null, noAnswer: null, unreachable: null };

describe('b2bua/call: forward always to voicemail', () => {
  it('dialplan forwarding.always: voicemail → the core\'s voicemail box, DND untouched, reason=unconditional', () => {
    const dp = dialplan('    forwarding: { always: voicemail }');
    const alice = effective(dp, 'alice');
    assert.equal(alice.dnd, false);
    assert.deepEqual(alice.forwarding, { always: VOICEMAIL_BOX });
    assertUnconditionalToBox(callTo(dp, alice), '+14155550100');
  });

  it('the control API\'s always: "voicemail" is honoured the same way, other rules kept', () => {
    const dp = dialplan();
    const alice = effective(dp, 'alice', { forwarding: { ...FORWARD_NONE, always: 'voicemail', busy: '+14155550177', noAnswer: 'voicemail' } });
    assert.equal(alice.dnd, false);
    assert.deepEqual(alice.forwarding, { always: VOICEMAIL_BOX, busy: '+14155550177' });
    assertUnconditionalToBox(callTo(dp, alice), '+14155550100');
  });

  it('DND set as well wins: the box hears do-not-disturb', () => {
    const dp = dialplan();
    const alice = effective(dp, 'alice', { dnd: true, forwarding: { ...FORWARD_NONE, always: 'voicemail' } });
    const route = callTo(dp, alice);
    assert.equal(route.kind === 'voicemail' && route.cause, 'do-not-disturb', JSON.stringify(route));
  });

  it('always: null in the API (over the dialplan\'s voicemail) lets the ring plan run', () => {
    const dp = dialplan('    forwarding: { always: voicemail }');
    const alice = effective(dp, 'alice', { forwarding: FORWARD_NONE });
    assert.deepEqual(alice.forwarding, {});
    assert.equal(callTo(dp, alice).kind, 'ring');
  });

  it('a stale always: "voicemail" stored for a user without a box is ignored: the devices ring, no DND', () => {
    const dp = dialplan();
    const bob = effective(dp, 'bob', { forwarding: { ...FORWARD_NONE, always: 'voicemail' } });
    assert.equal(bob.dnd, false);
    const route = callTo(dp, bob);
    assert.equal(route.kind, 'ring', JSON.stringify(route));
    assert.equal(route.kind === 'ring' && route.fallbacks.noAnswer.kind, 'reject');
  });
});
