/** Valid call events for tests, one builder per type; `n` varies the call. */
import type { CallEvent } from '../../src/events/index.js';

const AT = '2024-05-01T12:00:00.000Z';

export function callStarted(n: number, seq = 1): CallEvent {
  return { type: 'call.started', v: 1, callId: `call-${n}`, seq, at: AT, userId: 'u1', direction: 'inbound', from: '+15551230000', to: `+1555000${n}` };
}

/** One event of each type, all for one call. */
export function everyType(callId = 'call-all'): CallEvent[] {
  const base = { v: 1, callId, at: AT, tenant: 't1', userId: 'u1' } as const;
  return [
    { ...base, type: 'call.started', seq: 1, direction: 'outbound', from: 'sip:alice@example.com', to: '+4930123456', fromName: 'Alice', trunkId: 'trunk-a' },
    { ...base, type: 'call.ringing', seq: 2, targets: [{ kind: 'device', deviceId: 'desk-1' }, { kind: 'target', target: '+491701234567' }] },
    { ...base, type: 'call.answered', seq: 3, answeredBy: { kind: 'device', deviceId: 'desk-1' } },
    { ...base, type: 'note.added', seq: 4, text: 'Customer asks for a callback — “urgent”.\nSecond line.' },
    { ...base, type: 'opportunity.tagged', seq: 5, opportunityId: '006xx000001' },
    { ...base, type: 'call.ended', seq: 6, disposition: 'answered', durationS: 42, hungUpBy: 'callee', answeredBy: { kind: 'device', deviceId: 'desk-1' } },
    { ...base, type: 'emergency.call', seq: 7, number: '112', deviceId: 'desk-1', location: 'Building 2, floor 3' },
    { ...base, type: 'voicemail.deposited', seq: 8, from: '+15551230000', durationMs: 4200, messageId: 'm-lx2k3j9a-3f9c2b1e', url: '/users/u1/voicemail/m-lx2k3j9a-3f9c2b1e' },
    { ...base, type: 'voicemail.heard', seq: 9, messageId: 'm-lx2k3j9a-3f9c2b1e', via: 'api' },
    { ...base, type: 'recording.available', seq: 10, recordingId: 'r-5d1c0f3e', path: '/var/lib/linegate/recordings/u1/r-5d1c0f3e.wav', durationMs: 61_240, channels: 2, layout: 'caller-left,callee-right' },
  ];
}

/** A refused call's call.ended with its reason and SIP status (docs/call-events.md `reason`). */
export function endedWithReason(n: number, seq = 2): CallEvent {
  return { type: 'call.ended', v: 1, callId: `call-${n}`, seq, at: AT, userId: 'u1', disposition: 'blocked', durationS: 0, hungUpBy: 'system', sipStatus: 503, reason: 'overload' };
}

/** A call.ended as written before `reason` existed. */
export function endedWithoutReason(n: number, seq = 2): CallEvent {
  return { type: 'call.ended', v: 1, callId: `call-${n}`, seq, at: AT, userId: 'u1', disposition: 'busy', durationS: 0, hungUpBy: 'callee', sipStatus: 486 };
}
