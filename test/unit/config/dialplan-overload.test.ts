/**
 * The dialplan's `overload` section (docs/dialplan.md "Overload"): defaults on, the schema's
 * ranges, and the hysteresis check (leaveLagMs below enterLagMs), each error line naming the
 * file, the field and the fix.
 */
import assert from 'node:assert/strict';
import { FILE, errorLines, loaded, yamlOf } from './dialplan-fixtures.js';

describe('dialplan: overload', () => {
  it('is on by default: 150 ms to enter, 50 ms to leave, Retry-After 5 s', () => {
    assert.deepEqual(loaded(yamlOf()).overload, { enabled: true, enterLagMs: 150, leaveLagMs: 50, retryAfterS: 5 });
  });

  it('takes its own values, and can be turned off', () => {
    const d = loaded(yamlOf({ extra: 'overload: { enterLagMs: 300, leaveLagMs: 100, retryAfterS: 2 }\n' }));
    assert.deepEqual(d.overload, { enabled: true, enterLagMs: 300, leaveLagMs: 100, retryAfterS: 2 });
    assert.equal(loaded(yamlOf({ extra: 'overload: { enabled: false }\n' })).overload.enabled, false);
  });

  it('rejects leaveLagMs at or above enterLagMs (no hysteresis), with the fix', () => {
    assert.deepEqual(errorLines(yamlOf({ extra: 'overload: { enterLagMs: 90, leaveLagMs: 90 }\n' })), [
      `${FILE}: overload.leaveLagMs: leaveLagMs (90) is not below enterLagMs (90) — fix: use a value under 90, e.g. 30 (a third of enterLagMs)`,
    ]);
    assert.equal(errorLines(yamlOf({ extra: 'overload: { leaveLagMs: 200 }\n' })).length, 1);
  });

  it('rejects values out of range and unknown keys through the schema', () => {
    const lines = errorLines(yamlOf({ extra: 'overload: { enterLagMs: 5, retryAfterS: 0, retryAfter: 3 }\n' }));
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${FILE}: overload.enterLagMs:`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${FILE}: overload.retryAfterS:`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('overload.retryAfter: unknown key "retryAfter"') && l.includes('retryAfterS')), lines.join('\n'));
  });
});
