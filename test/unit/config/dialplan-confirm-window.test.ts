/**
 * The press-1 confirmation window (docs/dialplan.md "Ringing"): the dialplan-wide
 * `ringing.confirmTimeoutS` and a target's own `confirm: { timeoutS }`, the forms accepted
 * and normalised, and the exact line printed at start for each mistake.
 */
import assert from 'node:assert/strict';
import { checkRingPlanField } from '../../../src/config/index.js';
import type { RingTarget } from '../../../src/config/index.js';
import { ALICE, FILE, errorLines, loaded, parse, yamlOf } from './dialplan-fixtures.js';

const MOBILE = '"+14155550199"';

/** Alice with one ring-plan target line (YAML flow mapping) after her devices. */
function aliceWith(target: string): string {
  return `${ALICE}    ringPlan: { targets: [{ to: devices }, ${target}] }\n`;
}

function numberTarget(target: string, extra = ''): RingTarget | undefined {
  return loaded(yamlOf({ users: [aliceWith(target)], extra })).users[0]?.ringPlan.targets[1];
}

describe('dialplan: the press-1 confirmation window', () => {
  describe('accepted forms', () => {
    it('ringing.confirmTimeoutS defaults to 10 s and takes a value from 3 to 60', () => {
      assert.deepEqual(loaded(yamlOf()).ringing, { confirmTimeoutS: 10, defaultTargetTimeoutS: 20 });
      assert.deepEqual(loaded(yamlOf({ extra: 'ringing: { confirmTimeoutS: 3 }\n' })).ringing, { confirmTimeoutS: 3, defaultTargetTimeoutS: 20 });
      assert.deepEqual(loaded(yamlOf({ extra: 'ringing:\n  confirmTimeoutS: 60\n' })).ringing, { confirmTimeoutS: 60, defaultTargetTimeoutS: 20 });
    });

    it('confirm: true asks for the 1 with no window of its own (the dialplan-wide one applies)', () => {
      assert.deepEqual(numberTarget(`{ to: ${MOBILE}, confirm: true }`, 'ringing: { confirmTimeoutS: 25 }\n'), {
        type: 'Number', number: '+14155550199', timeoutS: 30, confirm: true, confirmTimeoutS: undefined,
      });
    });

    it('confirm: { timeoutS } asks for the 1 within the target\'s own window, bounds included', () => {
      for (const s of [3, 15, 60]) {
        assert.deepEqual(numberTarget(`{ to: ${MOBILE}, confirm: { timeoutS: ${s} } }`), {
          type: 'Number', number: '+14155550199', timeoutS: 30, confirm: true, confirmTimeoutS: s,
        });
      }
    });

    it('confirm: false, or no confirm, asks for nothing', () => {
      for (const target of [`{ to: ${MOBILE}, confirm: false }`, `{ to: ${MOBILE} }`]) {
        assert.deepEqual(numberTarget(target), { type: 'Number', number: '+14155550199', timeoutS: 30, confirm: false, confirmTimeoutS: undefined });
      }
    });

    it('checkRingPlanField (the control API\'s check) normalises the same forms', () => {
      const user = { defaultCountry: 'US', hasVoicemail: false };
      const checked = checkRingPlanField({
        strategy: 'simultaneous', timeoutS: 30,
        targets: [{ to: '4155550199', confirm: { timeoutS: 12 } }, { to: '+14155550188', confirm: true }],
      }, user);
      assert.deepEqual(checked, { ok: true, value: { strategy: 'simultaneous', timeoutS: 30, targets: [
        { type: 'Number', number: '+14155550199', timeoutS: 30, confirm: true, confirmTimeoutS: 12 },
        { type: 'Number', number: '+14155550188', timeoutS: 30, confirm: true, confirmTimeoutS: undefined },
      ] } });
    });

    it('the block form in YAML reads the same as the flow form', () => {
      const user = `${ALICE}    ringPlan:\n      targets:\n        - to: ${MOBILE}\n          confirm:\n            timeoutS: 20\n`;
      const target = loaded(yamlOf({ users: [user] })).users[0]?.ringPlan.targets[0];
      assert.equal(target?.type === 'Number' && target.confirmTimeoutS, 20);
    });
  });

  describe('errors name the file, the path and the fix', () => {
    const at = `${FILE}: users[0].ringPlan.targets[1].confirm`;

    it('a target\'s window below 3 s or above 60 s', () => {
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: { timeoutS: 2 } }`)] })), [
        `${at}.timeoutS: 2 is below the minimum 3 — fix: use a value from 3 to 60 (seconds)`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: { timeoutS: 61 } }`)] })), [
        `${at}.timeoutS: 61 is above the maximum 60 — fix: use a value from 3 to 60 (seconds)`,
      ]);
    });

    it('a window that is not a whole number of seconds', () => {
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: { timeoutS: ten } }`)] })), [
        `${at}.timeoutS: "ten" is not a whole number — fix: write a whole number, e.g. timeoutS: 15; seconds this target waits, once answered, for the 1 that accepts the call`,
      ]);
    });

    it('a mapping without timeoutS, and a misspelt key in it', () => {
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: {} }`)] })), [
        `${at}.timeoutS: required key "timeoutS" is missing — fix: add it, e.g. timeoutS: 15; seconds this target waits, once answered, for the 1 that accepts the call`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: { timeoutS: 15, timeout: 15 } }`)] })), [
        `${at}.timeout: unknown key "timeout" — fix: did you mean "timeoutS"? keys allowed here: timeoutS`,
      ]);
    });

    it('a confirm that is neither true/false nor a mapping names both forms', () => {
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(`{ to: ${MOBILE}, confirm: 15 }`)] })), [
        `${at}: 15 is not true or false, or a mapping — fix: write true or false, or a mapping, e.g. confirm: true; phone numbers only: the callee must press 1 to accept (keeps a mobile's voicemail out); true waits ringing.confirmTimeoutS for the 1, { timeoutS } is this target's own window`,
      ]);
    });

    it('a window on the user\'s own devices is refused like confirm: true', () => {
      const user = `${ALICE}    ringPlan: { targets: [{ to: devices, confirm: { timeoutS: 15 } }] }\n`;
      assert.deepEqual(errorLines(yamlOf({ users: [user] })), [
        `${FILE}: users[0].ringPlan.targets[0].confirm: confirm applies to phone numbers, not to the user's own devices — fix: remove confirm from this target`,
      ]);
    });

    it('ringing.confirmTimeoutS out of range, and an unknown key under ringing', () => {
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { confirmTimeoutS: 90 }\n' })), [
        `${FILE}: ringing.confirmTimeoutS: 90 is above the maximum 60 — fix: use a value from 3 to 60 (seconds)`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { confirmTimeoutS: 2 }\n' })), [
        `${FILE}: ringing.confirmTimeoutS: 2 is below the minimum 3 — fix: use a value from 3 to 60 (seconds)`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { confirmTimeout: 9 }\n' })), [
        `${FILE}: ringing.confirmTimeout: unknown key "confirmTimeout" — fix: did you mean "confirmTimeoutS"? keys allowed here: confirmTimeoutS, defaultTargetTimeoutS`,
      ]);
    });

    it('gives the line and column of the bad window', () => {
      const user = `${ALICE}    ringPlan:\n      targets:\n        - to: ${MOBILE}\n          confirm: { timeoutS: 99 }\n`;
      const result = parse(yamlOf({ users: [user] }));
      assert.ok(!result.ok);
      // Line 11 of the file: `          confirm: { timeoutS: 99 }`; the 99 starts in column 32.
      assert.deepEqual(result.errors.map((e) => [e.file, e.path, e.line, e.column]), [[FILE, 'users[0].ringPlan.targets[0].confirm.timeoutS', 11, 32]]);
    });
  });
});
