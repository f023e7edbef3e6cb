/**
 * Builders for the core's inputs: a user, a policy, a snapshot and requests, each with
 * sensible defaults that a test overrides field by field.
 */
import type {
  CallRequest,
  DecisionContext,
  EmergencyAddress,
  LineUser,
  Policy,
  RegisteredDevice,
  Snapshot,
} from '../../../src/call/index.js';
import { NANP_NUMBERING } from '../../../src/call/index.js';

export const T0 = 1_700_000_000_000;

export const ADDRESS: EmergencyAddress = {
  houseNumber: '100',
  street: 'Main St',
  unit: 'Suite 5',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
};

export function lineUser(overrides: Partial<LineUser> = {}): LineUser {
  return {
    id: 'alice',
    businessNumber: '+14155550100',
    extension: '100',
    ringPlan: { strategy: 'simultaneous', targets: [{ kind: 'devices' }], overallTimeoutS: 30 },
    dnd: false,
    forwarding: {},
    blockList: { numbers: [], prefixes: [] },
    blockAnonymous: false,
    voicemail: { enabled: false },
    permissions: { international: false },
    emergencyAddress: ADDRESS,
    limits: { maxConcurrentCalls: 4 },
    ...overrides,
  };
}

export const BOB: LineUser = lineUser({ id: 'bob', businessNumber: '+14155550101', extension: '101' });

export function policy(overrides: Partial<Policy> = {}): Policy {
  return {
    domain: 'example.com',
    emergencyNumbers: ['911', '933'],
    emergencyTrunk: 'e911',
    outboundTrunk: 'carrier',
    blockedPrefixes: [{ prefix: '+1900', reason: 'Premium-rate numbers are blocked' }],
    voicemailUri: 'sip:vm@127.0.0.1:5090',
    maxCallDurationS: 3600,
    trunks: new Map([['carrier', { maxConcurrentCalls: 10 }]]),
    draining: false,
    retryAfterS: 30,
    numbering: NANP_NUMBERING,
    ringing: { defaultTargetTimeoutS: 20, confirmTimeoutS: 10 },
    ...overrides,
  };
}

export interface SnapshotSpec {
  devices?: Record<string, string[]>;
  userCalls?: Record<string, number>;
  trunkCalls?: Record<string, number>;
}

export function snapshot(spec: SnapshotSpec = {}): Snapshot {
  const registrations = new Map<string, RegisteredDevice[]>();
  for (const [userId, contacts] of Object.entries(spec.devices ?? { alice: ['sip:alice@10.0.0.1:5060'] })) {
    registrations.set(userId, contacts.map((contact) => ({ contact })));
  }
  return {
    registrations,
    activeCallsByUser: new Map(Object.entries(spec.userCalls ?? {})),
    activeCallsByTrunk: new Map(Object.entries(spec.trunkCalls ?? {})),
  };
}

export function context(
  p: Partial<Policy> = {},
  s: SnapshotSpec = {},
  directory: LineUser[] = [lineUser(), BOB],
): DecisionContext {
  return { policy: policy(p), snapshot: snapshot(s), directory };
}

export function inbound(overrides: Partial<CallRequest> = {}): CallRequest {
  return {
    callId: 'call-1@trunk',
    direction: 'inbound',
    from: { number: '+14155559999', display: 'Carol' },
    to: '+14155550100',
    source: { kind: 'trunk', trunk: 'carrier' },
    ...overrides,
  };
}

export function outbound(to: string, userId = 'alice'): CallRequest {
  return {
    callId: 'call-2@device',
    direction: 'outbound',
    from: { number: '100', display: 'Alice' },
    to,
    source: { kind: 'device', userId },
  };
}
