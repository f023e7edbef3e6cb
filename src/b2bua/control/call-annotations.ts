/**
 * Notes and opportunity tags on a call, during or after it. A call in progress is the
 * shell's (it owns the call's event seq); once the call has ended the API appends the
 * note.added / opportunity.tagged event itself, continuing the call's seq, and only for a
 * call in the user's recent calls. Either way the recent-calls summary learns about it.
 *
 * The Store's RecentCall has no notes flag or opportunity field, so they are kept in kv
 * next to it, for as long as the recent-calls list lives (see the report of issue #3).
 */
import { CALL_EVENT_VERSION } from '../../events/index.js';
import type { EventLog, NoteAdded, OpportunityTagged } from '../../events/index.js';
import { LinegateError } from '../../shared/index.js';
import { RECENT_CALLS_TTL_MS } from '../../state/index.js';
import type { Store } from '../../state/index.js';
import { CALL_NOT_ACTIVE } from './call-control.js';
import type { CallControl } from './call-control.js';
import { CallSequence } from './call-sequence.js';

export const notesKey = (callId: string): string => `call-notes:${callId}`;
export const opportunityKey = (callId: string): string => `call-opportunity:${callId}`;

/** The code CallAnnotations rejects with when the call is neither live nor in the user's recent calls. */
export const CALL_NOT_FOUND = 'CALL_NOT_FOUND';

export interface CallAnnotationsOptions {
  readonly store: Store;
  readonly events: EventLog;
  readonly calls: CallControl;
  /** Wall clock, epoch ms, for the events' `at`. */
  readonly wallNow: () => number;
}

export interface CallSummaryExtras {
  readonly hasNotes: boolean;
  readonly opportunityId: string | null;
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
    await this.options.store.kvSet(notesKey(callId), true, RECENT_CALLS_TTL_MS);
  }

  async tagOpportunity(callId: string, userId: string, opportunityId: string): Promise<void> {
    const live = await this.tryLive(() => this.options.calls.tagOpportunity(callId, userId, opportunityId));
    if (!live) {
      const base = await this.endedCallBase(callId, userId);
      const event: OpportunityTagged = { ...base, type: 'opportunity.tagged', opportunityId };
      await this.options.events.append(event);
    }
    await this.recordOpportunity(callId, opportunityId);
  }

  /** For click-to-call: the tag was given when the call started (the shell logs the event). */
  async recordOpportunity(callId: string, opportunityId: string): Promise<void> {
    await this.options.store.kvSet(opportunityKey(callId), opportunityId, RECENT_CALLS_TTL_MS);
  }

  async extras(callId: string): Promise<CallSummaryExtras> {
    const [notes, opportunity] = await Promise.all([this.options.store.kvGet(notesKey(callId)), this.options.store.kvGet(opportunityKey(callId))]);
    return { hasNotes: notes === true, opportunityId: typeof opportunity === 'string' ? opportunity : null };
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
    const seq = await this.sequence.next(callId);
    return { v: CALL_EVENT_VERSION, callId, seq, at: new Date(this.options.wallNow()).toISOString(), userId };
  }
}
