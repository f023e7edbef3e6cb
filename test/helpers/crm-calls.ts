/**
 * Call-event sequences for the CRM worker's tests, the crash test and the drain load test:
 * what the B2BUA writes for one call (started, ringing, answered, notes, ended), with the
 * disposition, direction and notes chosen by the caller.
 */
import type { CallEvent, Disposition } from '../../src/events/index.js';

export interface CallSpec {
  readonly callId: string;
  readonly direction?: 'inbound' | 'outbound';
  /** The remote party (caller of an inbound call, callee of an outbound one). */
  readonly remote?: string;
  /** The line user (dialplan user id). */
  readonly userId?: string;
  readonly disposition?: Disposition;
  readonly durationS?: number;
  /** Notes written during the call (before call.ended). */
  readonly notes?: readonly string[];
  readonly opportunityId?: string;
  readonly fromName?: string;
  /** call.started's time; the others follow by a second each. */
  readonly at?: string;
}

const LINE = '+14155559999';

/** The events of one call, seq 1…n, call.ended last. */
export function callEvents(spec: CallSpec): CallEvent[] {
  const dir = spec.direction ?? 'inbound';
  const remote = spec.remote ?? '+14155550100';
  const userId = spec.userId ?? 'alice';
  const disposition = spec.disposition ?? 'answered';
  const start = Date.parse(spec.at ?? '2024-05-01T12:00:00.000Z');
  let seq = 0;
  const at = (): string => new Date(start + (seq - 1) * 1000).toISOString();
  const base = (): { v: 1; callId: string; seq: number; at: string } => {
    seq += 1;
    return { v: 1, callId: spec.callId, seq, at: at() };
  };
  const events: CallEvent[] = [
    {
      ...base(), type: 'call.started', userId, direction: dir,
      from: dir === 'inbound' ? remote : LINE, to: dir === 'inbound' ? LINE : remote,
      ...(spec.fromName ? { fromName: spec.fromName } : {}),
    },
    { ...base(), type: 'call.ringing', userId, targets: [{ kind: 'device', deviceId: 'desk-1' }] },
  ];
  const answered = disposition === 'answered';
  if (answered) events.push({ ...base(), type: 'call.answered', userId, answeredBy: { kind: 'device', deviceId: 'desk-1' } });
  for (const text of spec.notes ?? []) events.push({ ...base(), type: 'note.added', userId, text });
  if (spec.opportunityId) events.push({ ...base(), type: 'opportunity.tagged', userId, opportunityId: spec.opportunityId });
  events.push({
    ...base(), type: 'call.ended', userId, disposition, durationS: answered ? spec.durationS ?? 42 : 0,
    hungUpBy: 'caller', ...(answered ? { answeredBy: { kind: 'device', deviceId: 'desk-1' } as const } : {}),
  });
  return events;
}

/** A note added after the call ended, with the next seq after `events`. */
export function laterNote(events: readonly CallEvent[], text: string, userId = 'alice'): CallEvent {
  const last = events[events.length - 1] as CallEvent;
  const seq = Math.max(...events.map((e) => e.seq)) + 1;
  return { v: 1, callId: last.callId, seq, at: new Date(Date.parse(last.at) + 60_000).toISOString(), type: 'note.added', userId, text };
}

export function laterTag(events: readonly CallEvent[], opportunityId: string, userId = 'alice'): CallEvent {
  const last = events[events.length - 1] as CallEvent;
  const seq = Math.max(...events.map((e) => e.seq)) + 1;
  return { v: 1, callId: last.callId, seq, at: new Date(Date.parse(last.at) + 60_000).toISOString(), type: 'opportunity.tagged', userId, opportunityId };
}
