/**
 * A sequential plan's target without a ring time through the control API: PUT
 * /users/{id}/ring-plan stores it without one and GET gives it back so (it rings the
 * dialplan's ringing.defaultTargetTimeoutS when a call comes, see
 * test/unit/b2bua/call/sequential-ring-default.test.ts); the "never rings" check counts the
 * dialplan's own default, not the schema's; a target's timeoutS keeps its 5–600 s bounds.
 */
import assert from 'node:assert/strict';
import { lineUserOf, withEffectiveSettings } from '../../../../src/b2bua/call/index.js';
import { effectiveSettings, readStoredSettings } from '../../../../src/b2bua/control/index.js';
import { SettingsChecker, under } from '../../../../src/b2bua/control/settings-check.js';
import type { Dialplan } from '../../../../src/config/index.js';
import type { JsonObject } from '../../../../src/state/index.js';
import { errorOf, startHarness } from './control-fixtures.js';
import type { Harness } from './control-fixtures.js';
import { aliceDialplan } from '../alice-dialplan.js';

const MOBILE = '+14155550199';

describe('control API: a sequential target without its own ring time', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  const plan = { strategy: 'sequential', timeoutS: 45, targets: [{ to: 'devices' }, { to: '415 555 0199', timeoutS: 15 }, { to: '+14155550188' }] };

  it('is stored and shown without timeoutS, and a plan read can be written back', async () => {
    const put = await h.request('PUT', '/users/alice/ring-plan', { ...plan, version: 0 });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const expected = {
      strategy: 'sequential',
      timeoutS: 45,
      targets: [{ to: 'devices', confirm: false }, { to: MOBILE, timeoutS: 15, confirm: false }, { to: '+14155550188', confirm: false }],
    };
    assert.deepEqual(put.body, { ...expected, version: 1 });
    assert.deepEqual((await h.request('GET', '/users/alice/ring-plan')).body, { ...expected, version: 1 });
    const again = await h.request('PUT', '/users/alice/ring-plan', { ...expected, version: 1 });
    assert.deepEqual(again.body, { ...expected, version: 2 });
    const stored = await h.store.getSettings('alice');
    assert.deepEqual((stored?.settings as { ringPlan: unknown } | undefined)?.ringPlan, expected, 'no number is stored for the untimed targets');
  });

  it('a simultaneous plan\'s target still shows the plan\'s time', async () => {
    const put = await h.request('PUT', '/users/alice/ring-plan', { ...plan, strategy: 'simultaneous', version: 0 });
    assert.deepEqual((put.body as { targets: Array<{ timeoutS?: number }> }).targets.map((t) => t.timeoutS), [45, 15, 45]);
  });

  it('is refused when it could never ring at the dialplan\'s default (20 s here), naming the target', async () => {
    const reply = await h.request('PUT', '/users/alice/ring-plan', { ...plan, timeoutS: 35, version: 0 });
    assert.deepEqual([reply.status, errorOf(reply).field], [400, 'targets[2]']);
    assert.match(errorOf(reply).message, /ring for 35 s \(a target without timeoutS rings ringing\.defaultTargetTimeoutS, 20 s\)/);
  });

  it('a target\'s timeoutS outside 5–600 s is refused by the OpenAPI schema', async () => {
    for (const timeoutS of [4, 601]) {
      const reply = await h.request('PUT', '/users/alice/ring-plan', { ...plan, targets: [{ to: 'devices', timeoutS }], version: 0 });
      assert.deepEqual([reply.status, errorOf(reply).field], [400, 'targets[0].timeoutS'], String(timeoutS));
    }
  });
});

describe('control API settings: the untimed target in the Store, the check and on the call path', () => {
  function withRinging(ringing: string): Dialplan {
    return aliceDialplan({ domain: 'pbx.test', top: ringing });
  }

  it('the check counts the dialplan\'s ringing.defaultTargetTimeoutS', () => {
    const fragment = { ringPlan: { strategy: 'sequential', timeoutS: 15, targets: [{ to: 'devices' }, { to: MOBILE }] } };
    const at20 = withRinging('');
    const refused = new SettingsChecker(at20).check(at20.users[0]!, fragment, under('ringPlan'));
    assert.ok(!refused.ok);
    assert.equal(refused.field, 'targets[1]');
    const at10 = withRinging('ringing: { defaultTargetTimeoutS: 10 }');
    const accepted = new SettingsChecker(at10).check(at10.users[0]!, fragment, under('ringPlan'));
    assert.ok(accepted.ok, JSON.stringify(accepted));
    assert.deepEqual(effectiveSettings(accepted.user, {}).ringPlan.targets, [{ to: 'devices', confirm: false }, { to: MOBILE, confirm: false }]);
  });

  it('readStoredSettings keeps a target without timeoutS and ignores a plan whose timeoutS is not a number', () => {
    const stored = (target: JsonObject): JsonObject => ({ ringPlan: { strategy: 'sequential', timeoutS: 30, targets: [target] } });
    assert.deepEqual(readStoredSettings(stored({ to: MOBILE, confirm: false })).ringPlan?.targets, [{ to: MOBILE, confirm: false }]);
    for (const timeoutS of ['20', null, true]) {
      assert.equal(readStoredSettings(stored({ to: MOBILE, timeoutS, confirm: false })).ringPlan, undefined, JSON.stringify(timeoutS));
    }
  });

  it('the core\'s target has no timeoutS (the policy\'s default applies), from the dialplan and from the Store', () => {
    const dp = withRinging('');
    const user = { ...dp.users[0]!, ringPlan: { strategy: 'sequential' as const, timeoutS: 30, targets: [{ type: 'Devices' as const, timeoutS: undefined }] } };
    assert.deepEqual(lineUserOf(user).ringPlan.targets, [{ kind: 'devices' }]);
    assert.deepEqual(withEffectiveSettings(lineUserOf(user), effectiveSettings(user, {})).ringPlan.targets, [{ kind: 'devices' }]);
    const fromStore = readStoredSettings({ ringPlan: { strategy: 'sequential', timeoutS: 30, targets: [{ to: MOBILE, confirm: true }, { to: 'devices', timeoutS: 12, confirm: false }] } });
    assert.deepEqual(withEffectiveSettings(lineUserOf(user), effectiveSettings(user, fromStore)).ringPlan.targets, [
      { kind: 'number', number: MOBILE, confirm: true },
      { kind: 'devices', timeoutS: 12 },
    ]);
  });
});
