/**
 * Call-core invariants (architecture §4, issue #3), over random users, policies, snapshots
 * and calls, and random interleavings of everything the network and the shell can do:
 *
 *   - an emergency call is never blocked, sent to voicemail, limited or refused for lack of an address;
 *   - at most one leg is ever bridged;
 *   - every leg started is answered, failed or cancelled;
 *   - every timer started is fired or cancelled;
 *   - every call ends with exactly one call.ended event.
 *
 * The interleavings cover (and the coverage test counts): CANCEL before the decision, a
 * decision arriving after the caller left, two 200s racing, a 200 crossing our CANCEL,
 * timers firing in any order (and stale ones after their cancel), press-1 confirmations,
 * fallbacks after an unanswered plan, graceful and forced drains, and the shell failing a
 * step (ShellFailed) in any phase, before and after the caller is answered.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CallRequest } from '../../src/call/index.js';
import { decideInbound, decideOutbound, isSettled } from '../../src/call/index.js';
import { emergencyScenarioArb, isEmergencyCall, ringScenarioArb, scenarioArb } from '../unit/call/call-scenarios.js';
import type { World } from '../unit/call/call-world.js';
import { coverage, run } from '../unit/call/call-world.js';

const RUNS = 500;

function assertInvariants(w: World): void {
  const events = w.all.flatMap((c) => (c.type === 'EmitEvent' ? [c.event] : []));
  assert.equal(events.filter((e) => e.type === 'call.started').length, 1);
  const ended = events.filter((e) => e.type === 'call.ended');
  assert.equal(ended.length, 1, 'exactly one call.ended');
  assert.ok(w.bridges <= 1);
  for (const leg of w.state.legs) {
    assert.ok(leg.outcome !== null, `leg ${leg.legId} never finished`);
    assert.equal(leg.outcome === 'answered', w.legs.get(leg.legId)?.bridged ?? false);
  }
  assert.equal(w.state.legs.length, w.legs.size);
  assert.deepEqual([...w.active], [], 'every timer started is fired or cancelled');
  const started = w.all.flatMap((c) => (c.type === 'StartTimer' ? [c.timerId] : []));
  assert.deepEqual([...w.spent].sort(), [...started].sort());
  assert.ok(isSettled(w.state));
  assert.equal(w.all.filter((c) => c.type === 'Respond' && c.status === 180).length <= 1, true);
  assert.ok(w.all.filter((c) => c.type === 'Respond' && c.status >= 300).length <= 1);
}

/** Never blocked, sent to voicemail, limited or refused: what the core does to an emergency call. */
function assertEmergencyUntouched(w: World): void {
  assert.equal(w.route.kind, 'emergency');
  for (const c of w.all) {
    assert.ok(!(c.type === 'StartLeg' && c.target.kind === 'voicemail'), 'emergency call sent to voicemail');
    assert.ok(!(c.type === 'StartTimer' && c.timerId === 'max-duration'), 'emergency call limited in duration');
    // The one exception: the shell reporting that it cannot carry the call on (ShellFailed)
    // ends it, with 500 (503 when deciding failed) if the caller was not answered yet, and says
    // so (internal-error).
    const shellFailed = w.shellFailures > 0;
    if (c.type === 'Respond' && c.status >= 300 && !(shellFailed && (c.status === 500 || c.status === 503))) {
      // Only the far end may refuse it: the core relays a trunk's failure once every trunk failed.
      assert.ok(w.trunkFailures >= w.legs.size && w.legs.size > 0, `emergency call refused by the core with ${c.status}`);
    }
    if (c.type === 'EmitEvent' && c.event.type === 'call.ended') {
      assert.ok(!['blocked', 'voicemail'].includes(c.event.disposition), c.event.disposition);
      // 'rejected' and 'failed' only ever relay the far end (checked on Respond above).
      if (!(shellFailed && c.event.endReason === 'internal-error')) assert.notEqual(c.event.hungUpBy, 'system', 'emergency call ended by the system');
    }
  }
  // Notified once, even when the caller hung up before the decision (an abandoned call); the
  // emergency.call event only when the decision came before call.ended, which stays last.
  assert.equal(w.all.filter((c) => c.type === 'Notify' && c.notice.kind === 'emergency-call').length, 1);
  const events = w.all.flatMap((c) => (c.type === 'EmitEvent' ? [c.event.type] : []));
  assert.equal(events.at(-1), 'call.ended');
  assert.ok(events.filter((e) => e === 'emergency.call').length <= 1);
}

const schedule = fc.array(fc.record({ pick: fc.nat(), dt: fc.nat({ max: 40_000 }), variant: fc.nat() }), { maxLength: 40 });

describe('call core — properties', () => {
  it('an emergency number is always routed as an emergency, whoever dials it under any policy', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom('911', '933', '9 1 1', '(933)'), (s, dialled) => {
        const numbers = s.ctx.policy.emergencyNumbers;
        fc.pre(numbers.length === 0 || numbers.includes(dialled.replace(/[\s()]/g, '')));
        const request: CallRequest = { ...s.request, direction: 'outbound', to: dialled, source: { kind: 'device', userId: 'u0' } };
        const route = decideOutbound(request, s.caller, s.ctx);
        assert.equal(route.kind, 'emergency');
        if (route.kind !== 'emergency') return;
        assert.equal(route.trunk, s.ctx.policy.emergencyTrunk);
        assert.equal(route.maxDurationMs, null);
        const leg = route.attempt.steps[0]?.legs[0];
        assert.deepEqual(leg?.callerId.number, s.caller.businessNumber);
        assert.equal(leg?.body !== undefined, s.caller.emergencyAddress !== undefined);
      }),
      { numRuns: RUNS },
    );
  });

  it('a blocked caller hears 603 whatever the rest of the settings, unless the system refuses first', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const request: CallRequest = { ...s.request, direction: 'inbound', from: { number: '+19005551234' }, source: { kind: 'trunk', trunk: 'carrier' } };
        const user = { ...s.caller, blockList: { numbers: [], prefixes: ['+1900'] } };
        const route = decideInbound(request, user, s.ctx);
        const cap = s.ctx.policy.trunks.get('carrier')?.maxConcurrentCalls ?? Infinity;
        const admitted = !s.ctx.policy.draining && (s.ctx.snapshot.activeCallsByTrunk.get('carrier') ?? 0) < cap;
        assert.equal(route.kind === 'reject' ? route.status : route.kind, admitted ? 603 : 503);
      }),
      { numRuns: RUNS },
    );
  });

  it('holds every invariant under any interleaving of network, timer and shell inputs', () => {
    fc.assert(
      fc.property(scenarioArb, schedule, (s, sched) => {
        const w = run(s, sched);
        assertInvariants(w);
        if (isEmergencyCall(s)) assertEmergencyUntouched(w);
      }),
      { numRuns: RUNS },
    );
  });

  it('never blocks, limits, diverts or refuses an emergency call, whatever happens around it', () => {
    fc.assert(
      fc.property(emergencyScenarioArb, schedule, (s, sched) => {
        const w = run(s, sched);
        assertInvariants(w);
        assertEmergencyUntouched(w);
      }),
      { numRuns: RUNS },
    );
  });

  it('holds every invariant when several legs race, cross CANCELs and wait for press-1', () => {
    fc.assert(
      fc.property(ringScenarioArb, schedule, (s, sched) => {
        const w = run(s, sched);
        assert.equal(w.route.kind, 'ring');
        assertInvariants(w);
      }),
      { numRuns: RUNS },
    );
  });

  it('covers the races it claims to (counted over the runs above)', () => {
    for (const [name, count] of Object.entries(coverage)) assert.ok(count > 0, `no run covered ${name}`);
  });
});
