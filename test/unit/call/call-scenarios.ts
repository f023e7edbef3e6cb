/**
 * fast-check arbitraries for the call core's property tests: users, policies, snapshots and
 * calls, biased so that most calls get far enough to ring (see call-core.property.test.ts).
 */
import fc from 'fast-check';
import type {
  CallRequest,
  DecisionContext,
  LineUser,
  Policy,
  RegisteredDevice,
  Route,
  Snapshot,
  Target,
  VoicemailBox,
} from '../../../src/call/index.js';
import { decideInbound, decideOutbound, isEmergencyNumber, VOICEMAIL_BOX } from '../../../src/call/index.js';
import { ADDRESS, policy as basePolicy } from './call-fixtures.js';

const DIALLED = ['+14155550100', '+14155550101', '+14155551234', '+19005551234', '+442071234567', '4155551234', '101', '100', '911', '933', '9-1-1', '112', '55512'];
const CALLERS = [null, 'anonymous', '+14155559999', '+19005551234', '+14155550101', '4155559999'];
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);
const seldom = fc.integer({ min: 0, max: 9 }).map((n) => n === 0);
const seconds = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max });
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
const someNumber = fc.constantFrom('+14155552222', '+14155553333', '+442071234567', '4155554444');
/** Forward always: to a number or to the user's own voicemail box. */
const alwaysTo: fc.Arbitrary<string | VoicemailBox> = fc.oneof(someNumber, fc.constant(VOICEMAIL_BOX));

const target: fc.Arbitrary<Target> = fc.oneof(
  fc.record({ kind: fc.constant('devices' as const), timeoutS: maybe(seconds(30)) }),
  fc.record({ kind: fc.constant('number' as const), number: someNumber, timeoutS: maybe(seconds(30)), confirm: fc.boolean() }),
);

function userArb(id: string, businessNumber: string, extension: string): fc.Arbitrary<LineUser> {
  return fc.record({
    id: fc.constant(id),
    businessNumber: fc.constant(businessNumber),
    extension: fc.constant(extension),
    ringPlan: fc.record({
      strategy: fc.constantFrom('simultaneous' as const, 'sequential' as const),
      targets: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(target, { minLength: 1, maxLength: 3 }), weight: 9 }),
      overallTimeoutS: seconds(60),
    }),
    dnd: seldom,
    forwarding: fc.record(
      { always: seldom.chain((r) => (r ? alwaysTo : fc.constant(undefined))), busy: someNumber, noAnswer: someNumber, unreachable: someNumber },
      { requiredKeys: [] },
    ),
    blockList: rarely.chain((r) =>
      r
        ? fc.record({ numbers: fc.subarray(['+14155559999', '4155559999', '+14155550101']), prefixes: fc.subarray(['+1900', '+44']) })
        : fc.constant<{ numbers: string[]; prefixes: string[] }>({ numbers: [], prefixes: [] }),
    ),
    blockAnonymous: rarely,
    voicemail: fc.record({ enabled: fc.boolean() }),
    permissions: fc.record({ international: fc.boolean() }),
    emergencyAddress: fc.option(fc.constant(ADDRESS), { nil: undefined, freq: 3 }),
    limits: fc.record({ maxConcurrentCalls: rarely.map((r) => (r ? 1 : 4)), maxCallDurationS: maybe(seconds(7200)) }),
  });
}

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    draining: seldom,
    emergencyNumbers: fc.subarray(['911', '933', '112']),
    maxCallDurationS: seconds(7200),
    carrierCap: seldom.map((r) => (r ? 0 : 10)),
    e911Cap: fc.integer({ min: 0, max: 1 }),
    blockInternational: fc.boolean(),
  })
  .map((p) =>
    basePolicy({
      draining: p.draining,
      emergencyNumbers: p.emergencyNumbers,
      maxCallDurationS: p.maxCallDurationS,
      trunks: new Map([
        ['carrier', { maxConcurrentCalls: p.carrierCap }],
        ['e911', { maxConcurrentCalls: p.e911Cap }],
      ]),
      blockedPrefixes: [
        { prefix: '+1900', reason: 'Premium-rate numbers are blocked' },
        ...(p.blockInternational ? [{ prefix: '+44', reason: 'UK blocked' }] : []),
      ],
    }),
  );

const devices = (user: string): fc.Arbitrary<RegisteredDevice[]> =>
  fc.integer({ min: 0, max: 3 }).map((n) => Array.from({ length: n }, (_, i) => ({ contact: `sip:${user}@10.0.0.${i + 1}` })));

const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({ a: devices('a'), b: devices('b'), ua: fc.nat(3), ub: fc.nat(3), carrier: fc.nat(3), e911: fc.nat(2) })
  .map((s) => ({
    registrations: new Map([
      ['u0', s.a],
      ['u1', s.b],
    ]),
    activeCallsByUser: new Map([
      ['u0', s.ua],
      ['u1', s.ub],
    ]),
    activeCallsByTrunk: new Map([
      ['carrier', s.carrier],
      ['e911', s.e911],
    ]),
  }));

export interface Scenario {
  ctx: DecisionContext;
  request: CallRequest;
  caller: LineUser;
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    u0: userArb('u0', '+14155550100', '100'),
    u1: userArb('u1', '+14155550101', '101'),
    policy: policyArb,
    snapshot: snapshotArb,
    inbound: fc.integer({ min: 0, max: 2 }).map((n) => n > 0),
    from: fc.constantFrom(...CALLERS),
    to: fc.constantFrom(...DIALLED),
  })
  .map((s) => {
    const request: CallRequest = s.inbound
      ? { callId: 'c1', direction: 'inbound', from: { number: s.from }, to: '+14155550100', source: { kind: 'trunk', trunk: 'carrier' } }
      : { callId: 'c1', direction: 'outbound', from: { number: '100' }, to: s.to, source: { kind: 'device', userId: 'u0' } };
    return { ctx: { policy: s.policy, snapshot: s.snapshot, directory: [s.u0, s.u1] }, request, caller: s.u0 };
  });

/**
 * Calls in that do reach a ring plan of several legs, one of them a press-1 number: the
 * scenarios where answers race, CANCELs cross 200s and confirmations compete.
 */
export const ringScenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(scenarioArb, fc.constantFrom('simultaneous' as const, 'sequential' as const), fc.integer({ min: 2, max: 3 }), fc.boolean())
  .map(([s, strategy, deviceCount, confirmFirst]) => {
    const devices: Target = { kind: 'devices' };
    const mobile: Target = { kind: 'number', number: '+14155553333', confirm: true };
    const caller: LineUser = {
      ...s.caller,
      dnd: false,
      blockAnonymous: false,
      blockList: { numbers: [], prefixes: [] },
      forwarding: { ...s.caller.forwarding, always: undefined },
      limits: { ...s.caller.limits, maxConcurrentCalls: 9 },
      ringPlan: {
        ...s.caller.ringPlan,
        strategy,
        targets: [...(confirmFirst ? [mobile, devices] : [devices, mobile]), ...s.caller.ringPlan.targets],
      },
    };
    const registrations = new Map(s.ctx.snapshot.registrations);
    registrations.set('u0', Array.from({ length: deviceCount }, (_, i) => ({ contact: `sip:u0@10.0.1.${i + 1}` })));
    const ctx: DecisionContext = {
      policy: { ...s.ctx.policy, draining: false, trunks: new Map() },
      snapshot: { ...s.ctx.snapshot, registrations },
      directory: [caller, ...s.ctx.directory.slice(1)],
    };
    const request: CallRequest = { callId: 'c2', direction: 'inbound', from: { number: '+14155559999' }, to: '+14155550100', source: { kind: 'trunk', trunk: 'carrier' } };
    return { ctx, request, caller };
  });

/** Calls out to an emergency number (one the policy lists, or a default when it lists none). */
export const emergencyScenarioArb: fc.Arbitrary<Scenario> = fc.tuple(scenarioArb, fc.nat()).map(([s, n]) => {
  const listed = s.ctx.policy.emergencyNumbers.length > 0 ? s.ctx.policy.emergencyNumbers : ['911', '933'];
  const to = listed[n % listed.length] ?? '911';
  const request: CallRequest = { callId: 'c3', direction: 'outbound', from: { number: '100' }, to, source: { kind: 'device', userId: 'u0' } };
  return { ...s, request };
});

export function decide(s: Scenario): Route {
  return s.request.direction === 'inbound' ? decideInbound(s.request, s.caller, s.ctx) : decideOutbound(s.request, s.caller, s.ctx);
}

export function isEmergencyCall(s: Scenario): boolean {
  return s.request.direction === 'outbound' && isEmergencyNumber(s.request.to, s.ctx.policy);
}
