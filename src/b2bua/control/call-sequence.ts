/**
 * Event seqs for a call that has ended. While a call runs the shell numbers its events
 * (1, 2, 3…, events/call-event.ts); a note or tag added afterwards must continue from the
 * call's last seq, or the CRM worker (idempotent on callId + seq) would drop it as a
 * duplicate. So the shell records the last seq when the call ends (recordEnded), and the
 * API, voicemail and recording take the next ones from here.
 *
 * The last seq lives in the call's RecentCall (`lastSeq`) in its owner's recent-calls list,
 * not under a key per call: the store must stay bounded by the users it serves (at most
 * RECENT_CALLS_MAX calls each), not grow with the call history. A call pushed out of the
 * list can no longer be continued (CALL_SEQUENCE_UNKNOWN), as it can no longer be found.
 *
 * Seqs are claimed with Store.nextRecentCallSeq, one atomic step (a Lua script on Redis),
 * so two gateway processes annotating the same call never hand out the same seq and no
 * claim key is needed. Only the owner's entry counts: the callee of an internal call (whose
 * voicemail or recording policy may file events under the call) gets an entry pointing at
 * the owner (`seqOwner`), since two lists each counting would hand out the same seqs.
 */
import { LinegateError } from '../../shared/index.js';
import type { Store } from '../../state/index.js';

export const CALL_SEQUENCE_UNKNOWN = 'CALL_SEQUENCE_UNKNOWN';

type SequenceStore = Pick<Store, 'updateRecentCall' | 'nextRecentCallSeq' | 'listRecentCalls' | 'pushRecentCall'>;

export class CallSequence {
  constructor(private readonly store: SequenceStore) {}

  /**
   * For the shell: the call ended and its last event had `lastSeq`. `users` are the call's
   * users, its owner (the `userId` of its events, whose recent calls list it) first.
   * Resolves false when the owner's list does not hold the call (nothing recorded).
   */
  async recordEnded(callId: string, lastSeq: number, users: readonly string[]): Promise<boolean> {
    const [owner, ...others] = users;
    if (owner === undefined || !(await this.store.updateRecentCall(owner, callId, { lastSeq }))) return false;
    const callees = [...new Set(others)].filter((u) => u !== owner);
    if (callees.length === 0) return true;
    const call = (await this.store.listRecentCalls(owner)).find((c) => c.callId === callId);
    if (!call) return true;
    const { lastSeq: _ownerSeq, seqOwner: _none, hasNotes: _notes, opportunityId: _opp, ...shared } = call;
    for (const u of callees) {
      if (!(await this.store.updateRecentCall(u, callId, { seqOwner: owner }))) {
        await this.store.pushRecentCall(u, { ...shared, direction: 'inbound', seqOwner: owner });
      }
    }
    return true;
  }

  /**
   * The next seq for a finished call in `userId`'s recent calls; rejects with
   * CALL_SEQUENCE_UNKNOWN if the call is not listed there or has not recorded its end.
   */
  async next(callId: string, userId: string): Promise<number> {
    const seq = (await this.store.nextRecentCallSeq(userId, callId)) ?? (await this.viaOwner(callId, userId));
    if (seq === undefined) {
      throw new LinegateError(CALL_SEQUENCE_UNKNOWN, `no event seq is recorded for call ${callId} in ${userId}'s recent calls`);
    }
    return seq;
  }

  private async viaOwner(callId: string, userId: string): Promise<number | undefined> {
    const owner = (await this.store.listRecentCalls(userId)).find((c) => c.callId === callId)?.seqOwner;
    return owner === undefined || owner === userId ? undefined : this.store.nextRecentCallSeq(owner, callId);
  }
}
