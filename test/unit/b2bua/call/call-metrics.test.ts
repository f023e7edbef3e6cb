/**
 * promCallMetrics: names linegate_<area>_<noun>_<unit>, low-cardinality labels, fed from
 * decisions and appended events.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/call-metrics.test.ts
 */
import assert from 'node:assert/strict';
import { promCallMetrics } from '../../../../src/b2bua/call/index.js';
import { createRegistry } from '../../../../src/observability/index.js';

describe('b2bua/call: call metrics', () => {
  it('exposes active calls, ended calls by disposition, decisions, setup time and append latency', async () => {
    const registry = createRegistry();
    let active = 2;
    const m = promCallMetrics(registry, () => active);
    const base = { v: 1 as const, callId: 'c1', userId: 'alice' };
    m.decision('ring');
    m.decision('reject-blocked');
    m.appended({ ...base, seq: 1, at: '2026-05-01T12:00:00.000Z', type: 'call.started', direction: 'inbound', from: 'a', to: 'b' }, 2);
    m.appended({ ...base, seq: 2, at: '2026-05-01T12:00:03.000Z', type: 'call.answered', answeredBy: { kind: 'target', target: 'x' } }, 4);
    m.appended({ ...base, seq: 3, at: '2026-05-01T12:01:00.000Z', type: 'call.ended', disposition: 'answered', durationS: 57, hungUpBy: 'caller' }, 1);
    active = 1;
    const text = await registry.metrics();
    assert.match(text, /^linegate_call_active_calls 1$/m);
    assert.match(text, /^linegate_call_ended_total\{disposition="answered"\} 1$/m);
    assert.match(text, /^linegate_call_decisions_total\{decision="reject-blocked"\} 1$/m);
    assert.match(text, /^linegate_call_setup_seconds_sum 3$/m);
    assert.match(text, /^linegate_call_setup_seconds_count 1$/m);
    assert.match(text, /^linegate_events_append_seconds_count 3$/m);
    assert.match(text, /^linegate_events_append_seconds_sum 0\.007$/m);
  });
});
