/**
 * A call's events folded into what its Task needs. Events are taken in `seq` order and a
 * second event with a seq already seen is ignored (redelivery is at-least-once; callId +
 * seq identify an event, docs/call-events.md "Delivery"), so folding is idempotent and
 * order-independent: fold(a ∪ b) = fold(b ∪ a), and folding a duplicate changes nothing.
 */
import type { CallAnswered, CallEnded, CallEvent, CallStarted } from '../../events/index.js';

export interface FoldedNote {
  readonly seq: number;
  readonly text: string;
}

export interface CallFold {
  readonly callId: string;
  readonly started: CallStarted | undefined;
  readonly answered: CallAnswered | undefined;
  readonly ended: CallEnded | undefined;
  /** In seq order. */
  readonly notes: readonly FoldedNote[];
  /** The last opportunity tagged (highest seq), if any. */
  readonly opportunityId: string | undefined;
  /** Every seq folded in, ascending. */
  readonly seqs: readonly number[];
}

/** Folds events of one call (any order, duplicates allowed); events of other calls are ignored. */
export function foldCall(callId: string, events: Iterable<CallEvent>): CallFold {
  const bySeq = new Map<number, CallEvent>();
  for (const e of events) if (e.callId === callId && !bySeq.has(e.seq)) bySeq.set(e.seq, e);
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  let started: CallStarted | undefined;
  let answered: CallAnswered | undefined;
  let ended: CallEnded | undefined;
  let opportunityId: string | undefined;
  const notes: FoldedNote[] = [];
  for (const seq of seqs) {
    const e = bySeq.get(seq) as CallEvent;
    switch (e.type) {
      case 'call.started':
        started ??= e;
        break;
      case 'call.answered':
        answered ??= e;
        break;
      case 'call.ended':
        ended ??= e;
        break;
      case 'note.added':
        notes.push({ seq, text: e.text });
        break;
      case 'opportunity.tagged':
        opportunityId = e.opportunityId;
        break;
      default:
        // call.ringing and emergency.call do not show on the Task.
        break;
    }
  }
  return { callId, started, answered, ended, notes, opportunityId, seqs };
}

/**
 * Whether every event up to call.ended is here: seqs run 1, 2, 3… per call (call-events.md),
 * so the Task is written only once nothing before the end can still arrive (a redelivered
 * or claimed event may come after a later one).
 */
export function isComplete(fold: CallFold): boolean {
  if (!fold.ended || !fold.started) return false;
  return missingSeqs(fold).length === 0;
}

/** Seqs below call.ended (or below the highest seq seen) that have not arrived. */
export function missingSeqs(fold: CallFold): number[] {
  const top = fold.ended?.seq ?? fold.seqs[fold.seqs.length - 1] ?? 0;
  const have = new Set(fold.seqs);
  const missing: number[] = [];
  for (let s = 1; s < top; s++) if (!have.has(s)) missing.push(s);
  return missing;
}
