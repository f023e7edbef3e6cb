/**
 * Reading for one consumer group of the file event log: moves the group's cursor through
 * the segments and turns lines into deliveries. A damaged line is skipped and counted; seqs
 * the cursor jumps over (their lines were damaged) count as lost and as acknowledged, so
 * they never block the group; an event that is not a valid CallEvent is reported and
 * acknowledged for the group. Seqs trimmed by the size cap never reach here: the group was
 * moved past them first (ConsumerGroup.skipTo).
 */
import type { ConsumerGroup } from './consumer-group.js';
import type { LoggedEvent, UnreadableEntry } from './event-log.js';
import type { ScannedLine } from './log-frame.js';
import type { LogSegments } from './log-segments.js';
import { parseCallEvent } from './parse-call-event.js';

/** What readers found wrong, summed over groups (FileEventLog.stats()). */
export interface ReadCounts {
  corruptLines: number;
  lostEvents: number;
  unreadableEvents: number;
}

export interface ReadContext {
  readonly counts: ReadCounts;
  /** Clock.now(), stamped on each delivery for claimStale. */
  readonly now: () => number;
  readonly onUnreadable: ((entry: UnreadableEntry) => void) | undefined;
}

/** Moves the group's reader forward, returning up to `max` events it had not delivered. */
export async function deliverEvents(segs: LogSegments, g: ConsumerGroup, consumer: string, max: number, ctx: ReadContext): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  let cursor = g.cursor ?? (await segs.locate(g.cursorSeq));
  while (out.length < max && g.cursorSeq < segs.nextSeq) {
    const chunk = await segs.read(cursor);
    let stopAt: number | undefined;
    for (const line of chunk.lines) {
      if (out.length >= max) {
        stopAt = line.start;
        break;
      }
      take(g, line, consumer, out, ctx);
    }
    const moved = stopAt !== undefined || chunk.lines.length > 0 || chunk.next.segment !== cursor.segment || chunk.next.offset !== cursor.offset;
    cursor = stopAt === undefined ? chunk.next : { segment: chunk.segment, offset: stopAt };
    if (!moved) break;
  }
  g.cursor = cursor;
  return out;
}

function take(g: ConsumerGroup, line: ScannedLine, consumer: string, out: LoggedEvent[], ctx: ReadContext): void {
  if (!line.ok) {
    ctx.counts.corruptLines += 1;
    return;
  }
  const { seq, t, e } = line.frame;
  if (seq < g.cursorSeq) return;
  for (let lost = g.cursorSeq; lost < seq; lost++) {
    ctx.counts.lostEvents += 1;
    g.markAcked(lost);
  }
  g.cursorSeq = seq + 1;
  if (g.isAcked(seq)) return;
  const parsed = parseCallEvent(e);
  if (!parsed.ok) {
    ctx.counts.unreadableEvents += 1;
    g.markAcked(seq);
    ctx.onUnreadable?.({ id: String(seq), reason: parsed.error });
    return;
  }
  g.inFlight.set(seq, { seq, t, event: parsed.event, consumer, deliveredAt: ctx.now() });
  out.push({ id: String(seq), event: parsed.event });
}
