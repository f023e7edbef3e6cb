/**
 * Calls running in this process, by callId, for the control API: a note or opportunity
 * tag on a live call is appended by the call's own CallEventWriter, so it takes the call's
 * next seq. When a call ends its last seq is recorded (CallSequence.recordEnded) before the
 * call leaves this table, so the API continues the seq for notes added afterwards; a note
 * arriving in between waits for the record and is then refused as CALL_NOT_ACTIVE.
 */
import type { Logger } from 'pino';
import { LinegateError } from '../../shared/index.js';
import { CALL_NOT_ACTIVE } from '../control/index.js';
import type { Annotation, CallEventWriter } from './event-writer.js';

export interface EndedCallRecorder {
  /** `users`: the call's users, its owner (the userId of its events) first. */
  recordEnded(callId: string, lastSeq: number, users: readonly string[]): Promise<unknown>;
}

interface LiveCall {
  writer: CallEventWriter;
  /** The users who may annotate it (the owner, then the callee user of an internal call). */
  users: () => readonly string[];
  ending?: Promise<void>;
}

export class LiveCalls {
  private readonly calls = new Map<string, LiveCall>();

  constructor(
    private readonly recorder: EndedCallRecorder,
    private readonly epochNow: () => number,
    private readonly log: Logger,
  ) {}

  add(callId: string, writer: CallEventWriter, users: () => readonly string[]): void {
    this.calls.set(callId, { writer, users });
  }

  has(callId: string): boolean {
    const c = this.calls.get(callId);
    return c !== undefined && c.ending === undefined;
  }

  /** Appends the annotation with the call's next seq; resolves once it is in the event log. */
  async annotate(callId: string, userId: string, a: Annotation): Promise<void> {
    const call = this.calls.get(callId);
    if (call?.ending) await call.ending;
    if (!call || call.ending || !call.users().includes(userId)) {
      throw new LinegateError(CALL_NOT_ACTIVE, `call ${callId} is not in progress here for ${userId}`);
    }
    call.writer.annotate(callId, userId, this.epochNow(), a);
    await call.writer.flushed();
  }

  /** The call has ended (every event queued): record its last seq, then forget it. */
  ended(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return Promise.resolve();
    call.ending ??= (async () => {
      await call.writer.flushed();
      await this.recorder.recordEnded(callId, call.writer.lastSeq, call.users());
    })().catch((err: unknown) => this.log.error({ err: String(err), callId }, 'last event seq not recorded'))
      .finally(() => this.calls.delete(callId));
    return call.ending;
  }
}
