/**
 * Turns the core's EmitEvent payloads into stored call events (src/events schema, v1):
 * `at` (epoch ms) → ISO 8601, a per-call `seq` from 1, only the schema's fields. Appends
 * are chained per call so the log holds a call's events in the order the core emitted them.
 * Notes and opportunity tags on a live call take the same seq counter (the CRM worker is
 * idempotent on callId + seq, so a shared counter is what keeps them apart).
 */
import type { CallEvent as CoreEvent, EmergencyAddress } from '../../call/index.js';
import { CALL_EVENT_VERSION } from '../../events/index.js';
import type { CallEnded, CallEvent, CallStarted, EmergencyCall, EventLog } from '../../events/index.js';

export type EventSink = Pick<EventLog, 'append'>;

/** Told about every event once it is appended (recent calls, metrics); must not reject. */
export type EventObserver = (event: CallEvent, appendMs: number) => Promise<void> | void;

export type Annotation = { type: 'note.added'; text: string } | { type: 'opportunity.tagged'; opportunityId: string };

export class CallEventWriter {
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: EventSink,
    private readonly onError: (err: unknown, event: CallEvent) => void,
    private readonly observe: EventObserver = () => undefined,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  /** The seq of the last event queued (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Queues one event; never rejects (a failed append is reported to onError). */
  write(event: CoreEvent, location?: EmergencyAddress): void {
    this.enqueue(toStoredEvent(event, ++this.seq, location));
  }

  /** A note or opportunity tag by `userId` on this call, with the call's next seq. */
  annotate(callId: string, userId: string, at: number, a: Annotation): void {
    const base = { v: CALL_EVENT_VERSION as 1, callId, seq: ++this.seq, at: new Date(at).toISOString(), userId };
    this.enqueue(a.type === 'note.added' ? { ...base, type: a.type, text: a.text } : { ...base, type: a.type, opportunityId: a.opportunityId });
  }

  private enqueue(stored: CallEvent): void {
    this.chain = this.chain.then(async () => {
      const started = this.monotonicNow();
      await this.log.append(stored);
      await this.observe(stored, this.monotonicNow() - started);
    }).catch((err: unknown) => this.onError(err, stored));
  }

  /** Resolves once every queued event is durable (or failed). */
  flushed(): Promise<void> {
    return this.chain;
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The stored form of a core event. Each case is one object literal in the schema's key order
 * (v, callId, seq, at, userId, type, …) with the optional fields assigned after it, rather
 * than `{ ...base, type, … }`: V8 (Node 20) adds properties to an object spread through a
 * slow path, which made this ~5 µs an event (load-tests/bench-call-core.ts).
 */
export function toStoredEvent(e: CoreEvent, seq: number, location?: EmergencyAddress): CallEvent {
  const at = new Date(e.at).toISOString();
  switch (e.type) {
    case 'call.started': {
      const out: Writable<CallStarted> = {
        v: 1, callId: e.callId, seq, at, userId: e.userId, type: e.type, direction: e.direction, from: e.from, to: e.to,
      };
      if (e.fromName !== undefined) out.fromName = e.fromName;
      if (e.trunkId !== undefined) out.trunkId = e.trunkId;
      return out;
    }
    case 'call.ringing':
      return { v: 1, callId: e.callId, seq, at, userId: e.userId, type: e.type, targets: e.targets };
    case 'call.answered':
      return { v: 1, callId: e.callId, seq, at, userId: e.userId, type: e.type, answeredBy: e.answeredBy };
    case 'call.ended': {
      const out: Writable<CallEnded> = {
        v: 1, callId: e.callId, seq, at, userId: e.userId, type: e.type, disposition: e.disposition, durationS: e.durationS, hungUpBy: e.hungUpBy,
      };
      if (e.answeredBy !== undefined) out.answeredBy = e.answeredBy;
      if (e.sipStatus !== undefined) out.sipStatus = e.sipStatus;
      if (e.endReason !== undefined) out.reason = e.endReason;
      return out;
    }
    case 'emergency.call': {
      const out: Writable<EmergencyCall> = { v: 1, callId: e.callId, seq, at, userId: e.userId, type: e.type, number: e.number };
      if (e.locationSent && location) out.location = formatAddress(location);
      return out;
    }
  }
}

/** One line, as a dispatcher would read it. */
export function formatAddress(a: EmergencyAddress): string {
  const street = [a.houseNumber, a.street].filter(Boolean).join(' ');
  return [street, a.unit, a.city, `${a.region} ${a.postalCode}`, a.country].filter(Boolean).join(', ');
}
