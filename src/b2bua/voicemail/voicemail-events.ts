/**
 * voicemail.deposited and voicemail.heard, appended to the call-event log under the callId
 * of the call that left the message. Their seq continues that call's (the CRM worker is
 * idempotent on callId + seq): the injected EventSequence hands it out once the call has
 * ended and recorded its last seq. A deposit finishes as its call ends, so the first ask
 * may come too early: it is retried on the clock for a while. Appends never reject; a
 * failure is logged. close() stops the retries still waiting.
 */
import type { CallEvent } from '../../events/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { EventSequence, Logged, VoicemailEventSink, VoicemailMessage } from './voicemail-types.js';

/** How long to wait for the call to record its end before giving up on the event. */
const SEQ_RETRY_MS = 250;
const SEQ_ATTEMPTS = 40;

export type VoicemailEvent = Extract<CallEvent, { type: 'voicemail.deposited' | 'voicemail.heard' }>;
type Draft<E> = E extends VoicemailEvent ? Omit<E, 'v' | 'seq'> : never;
export type VoicemailEventDraft = Draft<VoicemailEvent>;

/** The control API's download path of a message (issue #5: "a retrieval URL"). */
export function messageUrl(userId: string, messageId: string): string {
  return `/users/${encodeURIComponent(userId)}/voicemail/${encodeURIComponent(messageId)}`;
}

export class VoicemailEvents {
  private readonly waits = new Map<TimerHandle, (go: boolean) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly sink: VoicemailEventSink,
    private readonly sequence: EventSequence,
    private readonly clock: Clock,
    private readonly log: Logged,
    private readonly epochNow: () => number,
  ) {}

  deposited(userId: string, m: VoicemailMessage): Promise<void> {
    return this.emit({
      type: 'voicemail.deposited', callId: m.callId, at: new Date(this.epochNow()).toISOString(),
      userId, from: m.from, durationMs: m.durationMs, messageId: m.id, url: messageUrl(userId, m.id),
    });
  }

  heard(userId: string, m: VoicemailMessage, via: 'phone' | 'api'): Promise<void> {
    return this.emit({ type: 'voicemail.heard', callId: m.callId, at: new Date(this.epochNow()).toISOString(), userId, messageId: m.id, via });
  }

  /** Resolves once every event started so far is appended or given up. */
  async flushed(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [h, resolve] of this.waits) {
      this.clock.clearTimeout(h);
      resolve(false);
    }
    this.waits.clear();
  }

  private emit(draft: VoicemailEventDraft): Promise<void> {
    const p = this.append(draft).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async append(draft: VoicemailEventDraft): Promise<void> {
    const seq = await this.seqFor(draft.callId, draft.userId);
    if (seq === undefined) return;
    try {
      await this.sink.append({ ...draft, v: 1, seq } as VoicemailEvent);
    } catch (err) {
      this.log.error({ err: String(err), callId: draft.callId, type: draft.type }, 'voicemail event not appended');
    }
  }

  private async seqFor(callId: string, userId: string): Promise<number | undefined> {
    let last: unknown;
    for (let attempt = 0; attempt < SEQ_ATTEMPTS && !this.closed; attempt++) {
      try {
        return await this.sequence.next(callId, userId);
      } catch (err) {
        last = err;
        if (!(await this.wait(SEQ_RETRY_MS))) break;
      }
    }
    this.log.error({ err: String(last), callId }, 'no event seq for a voicemail event: not appended');
    return undefined;
  }

  /** False when closed while waiting. */
  private wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const h = this.clock.setTimeout(() => {
        this.waits.delete(h);
        resolve(!this.closed);
      }, ms);
      this.waits.set(h, resolve);
    });
  }
}
