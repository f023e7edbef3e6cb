/**
 * Event seqs for a call that has ended. While a call runs the shell numbers its events
 * (1, 2, 3…, events/call-event.ts); a note or tag added afterwards must continue from the
 * call's last seq, or the CRM worker (idempotent on callId + seq) would drop it as a
 * duplicate. So the shell records the last seq when the call ends (recordEnded), and the
 * API takes the next ones from here.
 *
 * Each seq is claimed with a set-if-absent key, so two gateway processes annotating the
 * same call never hand out the same seq (the Store has no atomic increment for kv).
 */
import { LinegateError } from '../../shared/index.js';
import { RECENT_CALLS_TTL_MS } from '../../state/index.js';
import type { Store } from '../../state/index.js';

/** kv key holding the last seq a finished call used. */
export const lastSeqKey = (callId: string): string => `call-seq:${callId}`;
const claimKey = (callId: string, seq: number): string => `call-seq:${callId}:${seq}`;

/** Kept as long as the recent-calls list that makes the call findable. */
const SEQ_TTL_MS = RECENT_CALLS_TTL_MS;
const MAX_CLAIM_ATTEMPTS = 32;

export const CALL_SEQUENCE_UNKNOWN = 'CALL_SEQUENCE_UNKNOWN';

export class CallSequence {
  constructor(private readonly store: Store) {}

  /** For the shell: the call ended and its last event had `lastSeq`. */
  async recordEnded(callId: string, lastSeq: number): Promise<void> {
    await this.store.kvSet(lastSeqKey(callId), lastSeq, SEQ_TTL_MS);
  }

  /** The next seq for a finished call; rejects with CALL_SEQUENCE_UNKNOWN if it ended unrecorded. */
  async next(callId: string): Promise<number> {
    const last = await this.store.kvGet(lastSeqKey(callId));
    if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 1) {
      throw new LinegateError(CALL_SEQUENCE_UNKNOWN, `no event seq is recorded for call ${callId}`);
    }
    for (let seq = last + 1; seq <= last + MAX_CLAIM_ATTEMPTS; seq++) {
      if (await this.store.kvSet(claimKey(callId, seq), true, SEQ_TTL_MS, { ifAbsent: true })) {
        // Advisory: lets the next claimer start near the end instead of walking every claim.
        await this.store.kvSet(lastSeqKey(callId), seq, SEQ_TTL_MS);
        return seq;
      }
    }
    throw new LinegateError(CALL_SEQUENCE_UNKNOWN, `could not claim an event seq for call ${callId}`);
  }
}
