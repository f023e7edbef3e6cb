/**
 * `ringing.defaultTargetTimeoutS` (docs/dialplan.md "Ringing"): how long a sequential ring
 * plan's target without a timeoutS of its own rings. Its default and bounds, the exact line
 * printed at start for each mistake, a sequential target left without a time (read at call
 * time, like the press-1 window), and the "never rings" check counting the default.
 */
import assert from 'node:assert/strict';
import { checkRingPlanField } from '../../../src/config/index.js';
import type { RingPlan } from '../../../src/config/index.js';
import { ALICE, FILE, errorLines, loaded, parse, yamlOf } from './dialplan-fixtures.js';

const MOBILE = '"+14155550199"';

/** Alice with a ring plan written as one YAML flow mapping. */
function aliceWith(plan: string): string {
  return `${ALICE}    ringPlan: ${plan}\n`;
}

function planOf(plan: string, extra = ''): RingPlan | undefined {
  return loaded(yamlOf({ users: [aliceWith(plan)], extra })).users[0]?.ringPlan;
}

describe('dialplan: ringing.defaultTargetTimeoutS', () => {
  describe('accepted values', () => {
    it('defaults to 20 s', () => {
      assert.equal(loaded(yamlOf()).ringing.defaultTargetTimeoutS, 20);
      assert.equal(loaded(yamlOf({ extra: 'ringing: { confirmTimeoutS: 12 }\n' })).ringing.defaultTargetTimeoutS, 20, 'with ringing given without it');
    });

    it('takes a whole number from 5 to 600, in the flow and the block form', () => {
      for (const s of [5, 15, 600]) {
        assert.deepEqual(loaded(yamlOf({ extra: `ringing: { defaultTargetTimeoutS: ${s} }\n` })).ringing, { confirmTimeoutS: 10, defaultTargetTimeoutS: s });
      }
      assert.equal(loaded(yamlOf({ extra: 'ringing:\n  confirmTimeoutS: 10\n  defaultTargetTimeoutS: 12\n' })).ringing.defaultTargetTimeoutS, 12);
    });
  });

  describe('what a target without timeoutS rings for', () => {
    it('sequential: the target keeps no time of its own (the dialplan-wide default applies at call time); a given one stays', () => {
      const plan = planOf(`{ strategy: sequential, timeoutS: 60, targets: [{ to: devices }, { to: ${MOBILE}, timeoutS: 25 }, { to: "+14155550188" }] }`,
        'ringing: { defaultTargetTimeoutS: 15 }\n');
      assert.deepEqual(plan?.targets, [
        { type: 'Devices', timeoutS: undefined },
        { type: 'Number', number: '+14155550199', timeoutS: 25, confirm: false, confirmTimeoutS: undefined },
        { type: 'Number', number: '+14155550188', timeoutS: undefined, confirm: false, confirmTimeoutS: undefined },
      ]);
    });

    it('simultaneous: the plan\'s timeoutS, whatever ringing.defaultTargetTimeoutS says', () => {
      const plan = planOf(`{ timeoutS: 45, targets: [{ to: devices }, { to: ${MOBILE} }] }`, 'ringing: { defaultTargetTimeoutS: 15 }\n');
      assert.deepEqual(plan?.targets.map((t) => t.timeoutS), [45, 45]);
    });
  });

  describe('the sequential "never rings" check counts the default', () => {
    const three = `{ strategy: sequential, timeoutS: 30, targets: [{ to: devices }, { to: ${MOBILE} }, { to: "+14155550188" }] }`;

    it('three untimed targets fit in 30 s at 10 s each, and do not at the default 20 s', () => {
      assert.ok(parse(yamlOf({ users: [aliceWith(three)], extra: 'ringing: { defaultTargetTimeoutS: 10 }\n' })).ok);
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(three)] })), [
        `${FILE}: users[0].ringPlan.targets[2]: never rings: the targets before it ring for 40 s (a target without timeoutS rings ringing.defaultTargetTimeoutS, 20 s) and ringPlan.timeoutS is 30 — fix: raise ringPlan.timeoutS, shorten the earlier targets' timeoutS, or remove this target`,
      ]);
    });

    it('the message says nothing of the default when every earlier target gives its time', () => {
      const plan = `{ strategy: sequential, timeoutS: 30, targets: [{ to: devices, timeoutS: 30 }, { to: ${MOBILE} }] }`;
      assert.deepEqual(errorLines(yamlOf({ users: [aliceWith(plan)] })), [
        `${FILE}: users[0].ringPlan.targets[1]: never rings: the targets before it ring for 30 s and ringPlan.timeoutS is 30 — fix: raise ringPlan.timeoutS, shorten the earlier targets' timeoutS, or remove this target`,
      ]);
    });

    it('checkRingPlanField (the control API\'s check) takes the dialplan\'s value, and the schema\'s default without one', () => {
      const raw = { strategy: 'sequential' as const, timeoutS: 30, targets: [{ to: 'devices', confirm: false }, { to: '+14155550199', confirm: false }] };
      const user = { defaultCountry: 'US', hasVoicemail: false };
      assert.deepEqual(checkRingPlanField(raw, { ...user, defaultTargetTimeoutS: 15 }), { ok: true, value: { strategy: 'sequential', timeoutS: 30, targets: [
        { type: 'Devices', timeoutS: undefined },
        { type: 'Number', number: '+14155550199', timeoutS: undefined, confirm: false, confirmTimeoutS: undefined },
      ] } });
      const tooLong = checkRingPlanField(raw, { ...user, defaultTargetTimeoutS: 30 });
      assert.ok(!tooLong.ok);
      assert.deepEqual(tooLong.problems.map((p) => p.path), ['targets[1]']);
      assert.ok(checkRingPlanField(raw, user).ok, '20 s by default: the second target starts at 20 s, within 30');
      assert.ok(!checkRingPlanField({ ...raw, timeoutS: 20 }, user).ok, 'and at 20 s it would start as the plan ends');
    });
  });

  describe('errors name the file, the path and the fix', () => {
    it('below 5 s or above 600 s', () => {
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { defaultTargetTimeoutS: 4 }\n' })), [
        `${FILE}: ringing.defaultTargetTimeoutS: 4 is below the minimum 5 — fix: use a value from 5 to 600 (seconds)`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { defaultTargetTimeoutS: 601 }\n' })), [
        `${FILE}: ringing.defaultTargetTimeoutS: 601 is above the maximum 600 — fix: use a value from 5 to 600 (seconds)`,
      ]);
    });

    it('not a whole number of seconds', () => {
      const fix = 'write a whole number, e.g. defaultTargetTimeoutS: 15; how long each target of a sequential ring plan rings when it gives no timeoutS of its own (5 to 600 s, the bounds of a target\'s timeoutS); set it under the time after which the phones\' own voicemail answers';
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { defaultTargetTimeoutS: 12.5 }\n' })), [
        `${FILE}: ringing.defaultTargetTimeoutS: 12.5 is not a whole number — fix: ${fix}`,
      ]);
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { defaultTargetTimeoutS: "15s" }\n' })), [
        `${FILE}: ringing.defaultTargetTimeoutS: "15s" is not a whole number — fix: ${fix}`,
      ]);
    });

    it('a misspelt key under ringing suggests it', () => {
      assert.deepEqual(errorLines(yamlOf({ extra: 'ringing: { defaultTargetTimeout: 15 }\n' })), [
        `${FILE}: ringing.defaultTargetTimeout: unknown key "defaultTargetTimeout" — fix: did you mean "defaultTargetTimeoutS"? keys allowed here: confirmTimeoutS, defaultTargetTimeoutS`,
      ]);
    });

    it('gives the line and column of the bad value', () => {
      const result = parse(yamlOf({ extra: 'ringing:\n  defaultTargetTimeoutS: 900\n' }));
      assert.ok(!result.ok);
      const line = yamlOf({ extra: 'ringing:\n  defaultTargetTimeoutS: 900\n' }).split('\n').indexOf('  defaultTargetTimeoutS: 900') + 1;
      assert.deepEqual(result.errors.map((e) => [e.file, e.path, e.line, e.column]), [[FILE, 'ringing.defaultTargetTimeoutS', line, 26]]);
    });
  });
});
