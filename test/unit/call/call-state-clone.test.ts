/**
 * cloneState (call-state.ts) is written out field by field for speed (bench-call-core): these
 * tests keep it a faithful copy, and keep step() from ever mutating the state it is given,
 * on every path the property world can reach.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/call/call-state-clone.test.ts
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CallInput, CallState, LegState, RingRoute, Route } from '../../../src/call/index.js';
import { cloneState } from '../../../src/call/call-state.js';
import { T0 } from './call-fixtures.js';
import { scenarioArb } from './call-scenarios.js';
import type { Scenario } from './call-scenarios.js';
import { run, World } from './call-world.js';

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const route: RingRoute = {
  kind: 'ring',
  userId: 'alice',
  internal: false,
  attempt: { steps: [{ legs: [] }] },
  fallbacks: {
    busy: { kind: 'reject', status: 486, reason: 'Busy Here', disposition: 'busy', headers: [] },
    noAnswer: { kind: 'reject', status: 480, reason: 'No Answer', disposition: 'missed', headers: [] },
    unreachable: { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', disposition: 'missed', headers: [] },
  },
  maxDurationMs: 3_600_000,
};

/** Every field set, every nullable one non-null, a leg with and one without confirmTimeoutMs. */
function fullState(): CallState {
  const target = { kind: 'device' as const, userId: 'alice', contact: 'sip:alice@10.0.0.1' };
  const legs: LegState[] = [
    { legId: 'L1', target, attemptNo: 1, stepIndex: 0, status: 'bridged', outcome: 'answered' },
    { legId: 'L2', target, attemptNo: 1, stepIndex: 0, confirmTimeoutMs: 10_000, status: 'ended', outcome: 'cancelled' },
  ];
  return {
    callId: 'c1',
    request: { callId: 'c1', direction: 'inbound', from: { number: '+12125550123', display: 'Bob' }, to: '+14155550100', source: { kind: 'trunk', trunk: 'carrier' } },
    userId: 'alice',
    calleeUserId: 'bob',
    startedAt: T0,
    phase: 'ended',
    route,
    attempt: { no: 1, route, stage: 'primary', stepIndex: 0, noAnswer: true, busy: { status: 486, reason: 'Busy Here' }, lastFailure: { status: 404 } },
    attempts: 1,
    legs,
    nextLegNo: 3,
    timers: ['max-duration', 'ring:L1'],
    ringing: true,
    forcedDrain: { retryAfterS: 30 },
    bridge: { legId: 'L1', at: T0 + 5, answeredBy: { kind: 'device', deviceId: 'sip:alice@10.0.0.1' }, voicemail: false },
    end: { at: T0 + 9, disposition: 'answered', hungUpBy: 'caller' },
  };
}

function keys(o: object): string[] {
  return Object.keys(o).sort();
}

describe('call/cloneState', () => {
  it('copies every field of a full state, at every level', () => {
    const s = fullState();
    const c = cloneState(s);
    assert.deepEqual(c, s);
    assert.deepEqual(keys(c), keys(s));
    for (const k of ['attempt', 'bridge', 'end', 'forcedDrain'] as const) assert.deepEqual(keys(c[k] as object), keys(s[k] as object), k);
    c.legs.forEach((l, i) => assert.deepEqual(keys(l), keys(s.legs[i] as LegState), l.legId));
  });

  it('gives a leg a confirmTimeoutMs key only when the original has one', () => {
    const c = cloneState(fullState());
    assert.equal('confirmTimeoutMs' in (c.legs[0] as LegState), false);
    assert.equal(c.legs[1]?.confirmTimeoutMs, 10_000);
  });

  it('copies the containers a step changes and shares what no step changes', () => {
    const s = fullState();
    const c = cloneState(s);
    assert.notEqual(c, s);
    for (const k of ['attempt', 'legs', 'timers', 'bridge', 'end', 'forcedDrain'] as const) assert.notEqual(c[k], s[k], k);
    c.legs.forEach((l, i) => assert.notEqual(l, s.legs[i]));
    assert.equal(c.request, s.request);
    assert.equal(c.route, s.route);
  });

  it('keeps the nulls of a fresh call', () => {
    const s: CallState = { ...fullState(), calleeUserId: null, route: null, attempt: null, legs: [], timers: [], forcedDrain: null, bridge: null, end: null };
    assert.deepEqual(cloneState(s), s);
  });
});

/** A world whose every state is deep-frozen before it is stepped, and compared after. */
class FrozenWorld extends World {
  override send(input: CallInput): ReturnType<World['send']> {
    const given = this.state;
    const before = structuredClone(given);
    deepFreeze(given);
    const commands = super.send(input);
    assert.deepEqual(given, before, `step(${input.type}) changed the state it was given`);
    return commands;
  }
}

describe('call/CallMachine purity', () => {
  it('step never mutates the state it is given, under any interleaving (states deep-frozen)', () => {
    const schedule = fc.array(fc.record({ pick: fc.nat(), dt: fc.nat({ max: 40_000 }), variant: fc.nat() }), { maxLength: 40 });
    let steps = 0;
    fc.assert(
      fc.property(scenarioArb, schedule, (s, sched) => {
        const w = run(s, sched, (sc: Scenario, r: Route) => new FrozenWorld(sc, r));
        steps += w.all.length;
      }),
      { numRuns: 300 },
    );
    assert.ok(steps > 1000, `only ${steps} commands over the runs: the world did not exercise the machine`);
  });
});
