/**
 * The callee's diversions before the ring plan (docs/call-features.md, steps 4 and 5), over
 * random users, snapshots and policies: DND beats forward always; forward always, to a
 * number or to the voicemail box, says Diversion reason=unconditional (RFC 5806); DND says
 * do-not-disturb; and neither reason is ever used for anything else. Blocking and admission
 * come first and have their own properties (test/property/call-core.property.test.ts), so
 * here the caller is never blocked and the call always admitted.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CallRequest, DecisionContext, LineUser, Route, VoicemailBox } from '../../../src/call/index.js';
import { decideInbound, VOICEMAIL_BOX } from '../../../src/call/index.js';
import { scenarioArb } from './call-scenarios.js';

const RUNS = 400;

const settingsArb = fc.record({
  dnd: fc.boolean(),
  always: fc.constantFrom<string | VoicemailBox | undefined>(undefined, '+14155552222', VOICEMAIL_BOX),
  voicemail: fc.boolean(),
});

interface Case {
  user: LineUser;
  ctx: DecisionContext;
  request: CallRequest;
}

const caseArb: fc.Arbitrary<Case> = fc.tuple(scenarioArb, settingsArb).map(([s, set]) => {
  const forwarding = { ...s.caller.forwarding };
  if (set.always === undefined) delete forwarding.always;
  else forwarding.always = set.always;
  const user: LineUser = {
    ...s.caller,
    dnd: set.dnd,
    forwarding,
    voicemail: { enabled: set.voicemail },
    blockList: { numbers: [], prefixes: [] },
    blockAnonymous: false,
  };
  const ctx: DecisionContext = { ...s.ctx, policy: { ...s.ctx.policy, draining: false, trunks: new Map() } };
  const request: CallRequest = {
    callId: 'c1', direction: 'inbound', from: { number: '+14155559999' }, to: user.businessNumber, source: { kind: 'trunk', trunk: 'carrier' },
  };
  return { user, ctx, request };
});

/** What the route says, reduced to what the feature order decides: `<kind> <cause or status>`. */
function summary(route: Route): string {
  if (route.kind === 'reject') return `reject ${route.status}`;
  if (route.kind === 'voicemail' || route.kind === 'forward') return `${route.kind} ${route.cause}`;
  return route.kind;
}

/** The documented order for steps 4–5; null: neither applies (limit, ring plan and fallbacks decide). */
function expected(user: LineUser): string | null {
  if (user.dnd) return user.voicemail.enabled ? 'voicemail do-not-disturb' : 'reject 486';
  const always = user.forwarding.always;
  if (typeof always === 'string') return 'forward unconditional';
  if (always !== undefined && user.voicemail.enabled) return 'voicemail unconditional';
  return null;
}

/** Every leg a diversion starts names the callee and the same reason in Diversion. */
function assertDiversionHeaders(route: Route, user: LineUser): void {
  const diversions: Route[] = [route];
  if (route.kind === 'ring') diversions.push(route.fallbacks.busy, route.fallbacks.noAnswer, route.fallbacks.unreachable);
  for (const r of diversions) {
    if (r.kind !== 'voicemail' && r.kind !== 'forward') continue;
    for (const leg of r.attempt.steps.flatMap((st) => st.legs)) {
      assert.deepEqual(leg.headers, [{ name: 'Diversion', value: `<tel:${user.businessNumber}>;reason=${r.cause};counter=1` }]);
    }
  }
}

describe('call/callee features — diversion reasons (property)', () => {
  it('DND, then forward always (number or box), in that order, each with its own Diversion reason', () => {
    let boxUnconditional = 0;
    fc.assert(
      fc.property(caseArb, ({ user, ctx, request }) => {
        const route = decideInbound(request, user, ctx);
        const want = expected(user);
        if (want !== null) assert.equal(summary(route), want, JSON.stringify(user));
        else assert.ok(!/do-not-disturb|unconditional/.test(JSON.stringify(route)), `no DND or forward-always, yet ${summary(route)}`);
        if (want === 'voicemail unconditional') boxUnconditional++;
        assertDiversionHeaders(route, user);
      }),
      { numRuns: RUNS },
    );
    assert.ok(boxUnconditional > 0, 'no run forwarded always to the box');
  });

  it('a ring plan\'s fallbacks never say unconditional or do-not-disturb', () => {
    fc.assert(
      fc.property(caseArb, ({ user, ctx, request }) => {
        const route = decideInbound(request, { ...user, dnd: false, forwarding: { ...user.forwarding, always: undefined } }, ctx);
        if (route.kind !== 'ring') return;
        for (const f of [route.fallbacks.busy, route.fallbacks.noAnswer, route.fallbacks.unreachable]) {
          assert.ok(f.kind === 'reject' || ['user-busy', 'no-answer', 'unavailable'].includes(f.cause), summary(f));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
