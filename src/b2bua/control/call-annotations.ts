/**
 * Notes and opportunity tags on a call, during or after it. A call in progress is the
 * shell's (it owns the call's event seq); once the call has ended the API appends the
 * note.added / opportunity.tagged event itself, continuing the call's seq, and only for a
 * call in the user's recent calls. Either way the user's RecentCall gets `hasNotes` /
 * `opportunityId` (the shell's recorder does the same from the live call's events; the
 * update is idempotent).
 */
import { CALL_EVENT_VERSION } from '../../events/index.js';
import type { EventLog, NoteAdded, OpportunityTagged } from '../../events/index.js';
import { LinegateError } from '../../shared/index.js';
import type { RecentCallPatch, Store } from '../../state/index.js';
import { CALL_NOT_ACTIVE } from './call-control.js';
import type { CallControl } from './call-control.js';
import { CallSequence } from './call-sequence.js';

/** The code CallAnnotations rejects with when the call is neither live nor in the user's recent calls. */
export const CALL_NOT_FOUND = 'CALL_NOT_FOUND';

export interface CallAnnotationsOptions {
  readonly store: Store;
  readonly events: EventLog;
  readonly calls: CallControl;
  /** Wall clock, epoch ms, for the events' `at`. */
  readonly wallNow: () => number;
}

export class CallAnnotations {
  private readonly sequence: CallSequence;

  constructor(private readonly options: CallAnnotationsOptions) {
    this.sequence = new CallSequence(options.store);
  }

  async addNote(callId: string, userId: string, text: string): Promise<void> {
    const live = await this.tryLive(() => this.options.calls.addNote(callId, userId, text));
    if (!live) {
      const base = await this.endedCallBase(callId, userId);
      const event: NoteAdded = { ...base, type: 'note.added', text };
      await this.options.events.append(event);
    }
    await this.summarise(callId, userId, { hasNotes: true });
  }

  async tagOpportunity(callId: string, userId: string, opportunityId: string): Promise<void> {
    const live = await this.tryLive(() => this.options.calls.tagOpportunity(callId, userId, opportunityId));
    if (!live) {
      const base = await this.endedCallBase(callId, userId);
      const event: OpportunityTagged = { ...base, type: 'opportunity.tagged', opportunityId };
      await this.options.events.append(event);
    }
    await this.summarise(callId, userId, { opportunityId });
  }

  /**
   * For click-to-call: the tag was given when the call started. The shell logs the event,
   * and its recorder sets the field once call.started has listed the call; this covers a
   * CallControl without one, when the call is already listed.
   */
  async recordOpportunity(callId: string, userId: string, opportunityId: string): Promise<void> {
    await this.summarise(callId, userId, { opportunityId });
  }

  /** The user's RecentCall learns the note or tag; a call not (yet) listed is left alone. */
  private async summarise(callId: string, userId: string, patch: RecentCallPatch): Promise<void> {
    await this.options.store.updateRecentCall(userId, callId, patch);
  }

  /** true if the shell took it; false if the call is not in progress. */
  private async tryLive(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (e) {
      if (e instanceof LinegateError && e.code === CALL_NOT_ACTIVE) return false;
      throw e;
    }
  }

  private async endedCallBase(callId: string, userId: string): Promise<{ v: 1; callId: string; seq: number; at: string; userId: string }> {
    const recent = await this.options.store.listRecentCalls(userId);
    if (!recent.some((c) => c.callId === callId)) {
      throw new LinegateError(CALL_NOT_FOUND, `call ${callId} is not in progress and not among ${userId}'s recent calls`);
    }
    const seq = await this.sequence.next(callId, userId);
    return { v: CALL_EVENT_VERSION, callId, seq, at: new Date(this.options.wallNow()).toISOString(), userId };
  }
}
