/**
 * The press-1 confirmation window through the control API: PUT /users/{id}/ring-plan takes
 * `confirm` in the dialplan's forms (true/false, or `{ timeoutS }` of 3–60 s), validated by
 * docs/openapi.yaml and then by the dialplan's rules; GET gives the same form back, so a
 * plan read can be written back unchanged; and what is stored is what the next call's leg
 * waits (shell mapping: withEffectiveSettings, policyFor).
 */
import assert from 'node:assert/strict';
import { lineUserOf, policyFor, withEffectiveSettings } from '../../../../src/b2bua/call/index.js';
import { effectiveSettings, readStoredSettings } from '../../../../src/b2bua/control/index.js';
import type { Target } from '../../../../src/call/index.js';
import type { Dialplan } from '../../../../src/config/index.js';
import type { JsonObject } from '../../../../src/state/index.js';
import { errorOf, startHarness } from './control-fixtures.js';
import type { Harness } from './control-fixtures.js';
import { aliceDialplan } from '../alice-dialplan.js';

const MOBILE = '+14155550199';
const DESK = '+14155550188';

describe('control API: the press-1 confirmation window', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  const plan = (confirm: unknown): object => ({
    strategy: 'simultaneous',
    timeoutS: 40,
    targets: [{ to: 'devices' }, { to: '415 555 0199', confirm }, { to: DESK, confirm: true }],
    version: 0,
  });

  it('takes confirm: { timeoutS } and gives it back in the same form, stored and read again', async () => {
    const put = await h.request('PUT', '/users/alice/ring-plan', plan({ timeoutS: 20 }));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const expected = {
      strategy: 'simultaneous',
      timeoutS: 40,
      targets: [
        { to: 'devices', timeoutS: 40, confirm: false },
        { to: MOBILE, timeoutS: 40, confirm: { timeoutS: 20 } },
        { to: DESK, timeoutS: 40, confirm: true },
      ],
    };
    assert.deepEqual(put.body, { ...expected, version: 1 });
    assert.deepEqual((await h.request('GET', '/users/alice/ring-plan')).body, { ...expected, version: 1 });
    assert.deepEqual(((await h.request('GET', '/users/alice/settings')).body as { ringPlan: unknown }).ringPlan, expected);
    // A plan read is a plan that can be written back.
    const again = await h.request('PUT', '/users/alice/ring-plan', { ...expected, version: 1 });
    assert.deepEqual(again.body, { ...expected, version: 2 });
  });

  it('refuses a window out of 3–60 s, not whole, without timeoutS, or of another type, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ timeoutS: 2 }, 'targets[1].confirm.timeoutS'],
      [{ timeoutS: 61 }, 'targets[1].confirm.timeoutS'],
      [{ timeoutS: 12.5 }, 'targets[1].confirm.timeoutS'],
      [{}, 'targets[1].confirm.timeoutS'],
      [{ timeoutS: 15, seconds: 15 }, 'targets[1].confirm.seconds'],
      ['yes', 'targets[1].confirm'],
      [15, 'targets[1].confirm'],
    ];
    for (const [confirm, field] of cases) {
      const reply = await h.request('PUT', '/users/alice/ring-plan', plan(confirm));
      assert.equal(reply.status, 400, JSON.stringify(confirm));
      assert.deepEqual([errorOf(reply).code, errorOf(reply).field], ['VALIDATION_FAILED', field], JSON.stringify(confirm));
    }
    assert.equal(errorOf(await h.request('PUT', '/users/alice/ring-plan', plan({ timeoutS: 61 }))).message, 'targets[1].confirm.timeoutS must be <= 60');
    const settings = await h.request('GET', '/users/alice/settings');
    assert.equal((settings.body as { version: number }).version, 0, 'nothing was written');
  });

  it('refuses a window on the user\'s own devices, by the dialplan rule', async () => {
    const body = { strategy: 'simultaneous', targets: [{ to: 'devices', confirm: { timeoutS: 15 } }], version: 0 };
    const reply = await h.request('PUT', '/users/alice/ring-plan', body);
    assert.deepEqual([reply.status, errorOf(reply).field], [400, 'targets[0].confirm']);
    assert.match(errorOf(reply).message, /confirm applies to phone numbers/);
  });
});

describe('control API settings: the confirm window in the Store and on the call path', () => {
  function dialplan(ringing: string, confirm: string): Dialplan {
    return aliceDialplan({ domain: 'pbx.test', top: ringing, alice: [`ringPlan: { targets: [{ to: devices }, { to: "${MOBILE}", confirm: ${confirm} }] }`] });
  }

  /** A ring plan as the Store holds it (JSON), with one number target. */
  const storedPlan = (confirm: unknown): JsonObject => ({ strategy: 'simultaneous', timeoutS: 30, targets: [{ to: MOBILE, timeoutS: 30, confirm }] }) as JsonObject;

  it('readStoredSettings keeps a plan whose confirm is true/false or a 3–60 s window, and ignores one with a bad window', () => {
    for (const confirm of [true, false, { timeoutS: 3 }, { timeoutS: 60 }]) {
      assert.deepEqual(readStoredSettings({ ringPlan: storedPlan(confirm) }).ringPlan, storedPlan(confirm), JSON.stringify(confirm));
    }
    for (const confirm of [{ timeoutS: 2 }, { timeoutS: 61 }, { timeoutS: 7.5 }, {}, { timeoutS: '10' }, 'true', null]) {
      assert.equal(readStoredSettings({ ringPlan: storedPlan(confirm) }).ringPlan, undefined, JSON.stringify(confirm));
    }
  });

  it('effectiveSettings shows the dialplan\'s confirm in the dialplan\'s form', () => {
    const own = dialplan('', '{ timeoutS: 15 }').users[0]!;
    assert.deepEqual(effectiveSettings(own, {}).ringPlan.targets[1], { to: MOBILE, timeoutS: 30, confirm: { timeoutS: 15 } });
    const plain = dialplan('', 'true').users[0]!;
    assert.deepEqual(effectiveSettings(plain, {}).ringPlan.targets[1], { to: MOBILE, timeoutS: 30, confirm: true });
  });

  it('the core gets the target\'s own window from the dialplan or the API, and the dialplan-wide default in its policy', () => {
    const dp = dialplan('ringing: { confirmTimeoutS: 25 }', '{ timeoutS: 15 }');
    const user = dp.users[0]!;
    assert.equal(policyFor(dp, false, 'sip:vm@pbx.test').ringing.confirmTimeoutS, 25);
    assert.equal(policyFor(dialplan('', 'true'), false, 'sip:vm@pbx.test').ringing.confirmTimeoutS, 10);
    const fromDialplan = withEffectiveSettings(lineUserOf(user), effectiveSettings(user, {}));
    assert.deepEqual(fromDialplan.ringPlan.targets[1], { kind: 'number', number: MOBILE, timeoutS: 30, confirm: true, confirmTimeoutS: 15 });
    assert.deepEqual(lineUserOf(user).ringPlan.targets[1], { kind: 'number', number: MOBILE, timeoutS: 30, confirm: true, confirmTimeoutS: 15 });
    const stored = (confirm: unknown): Target | undefined =>
      withEffectiveSettings(lineUserOf(user), effectiveSettings(user, readStoredSettings({ ringPlan: storedPlan(confirm) }))).ringPlan.targets[0];
    assert.deepEqual(stored({ timeoutS: 40 }), { kind: 'number', number: MOBILE, timeoutS: 30, confirm: true, confirmTimeoutS: 40 });
    assert.deepEqual(stored(true), { kind: 'number', number: MOBILE, timeoutS: 30, confirm: true }, 'no window of its own: the policy\'s applies');
    assert.deepEqual(stored(false), { kind: 'number', number: MOBILE, timeoutS: 30, confirm: false });
  });
});
