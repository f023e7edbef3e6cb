/**
 * The file event log's size cap, its equivalent of the Redis log's `XADD MAXLEN ~`: once
 * all segments together hold more than `maxBytes`, the oldest sealed segments go, whether
 * or not every consumer group acknowledged them. Without it a log nobody consumes (the
 * CRM worker off) or a dead consumer fills the disk, and then no call can be logged.
 * Size the cap above the largest backlog you accept.
 *
 * What is counted as "unacknowledged": an event trimmed while at least one existing
 * consumer group had not acknowledged it (each event once, however many groups missed it);
 * an event delivered but not yet acknowledged counts too, since a restart could no longer
 * deliver it again. With no group at all nothing counts: no consumer exists to miss
 * anything (the CRM-off case trims as a matter of course), and a group created later
 * starts at the oldest retained event anyway.
 */
import { LinegateError } from '../shared/index.js';
import { unacknowledgedIn, type ConsumerGroup } from './consumer-group.js';
import type { LogSegments } from './log-segments.js';

export const DEFAULT_MAX_BYTES = 1024 ** 3;
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/** What one trim deleted. */
export interface TrimInfo {
  readonly segments: number;
  /** Events the deleted segments held. */
  readonly events: number;
  /** Of those, events some existing group had not acknowledged (see above). */
  readonly unacknowledged: number;
}

/**
 * Checks the cap against the segment size; a cap too small is a programming error. The
 * active segment grows to `segmentBytes` before a new one starts and is never trimmed, so
 * right after a rotation the log holds the new active segment plus the one just sealed
 * (at least `segmentBytes`): both must fit under the cap. Below 2 × segmentBytes every
 * rotation would delete the segment just sealed, the log would keep less than one segment
 * of history, and a consumer only slightly behind would lose events at every rotation.
 * (A segment is sealed once it has reached segmentBytes, so it overruns it by up to one
 * batch: even at exactly 2× a sealed segment may go. Keep the cap well above; the CRM
 * config's minimum, 64 MiB, is 4 × the default 16 MiB segments.)
 */
export function checkRetention(maxBytes: number, segmentBytes: number): void {
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) {
    throw new LinegateError('EVENT_LOG_BAD_SEGMENT_BYTES', `segmentBytes must be a positive whole number of bytes, not ${segmentBytes}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 2 * segmentBytes) {
    throw new LinegateError(
      'EVENT_LOG_MAX_BYTES_TOO_SMALL',
      `maxBytes ${maxBytes} is below 2 × segmentBytes (${2 * segmentBytes}): the active segment and one sealed segment must fit under the cap; raise maxBytes or lower segmentBytes`,
    );
  }
}

/**
 * Enforces the cap after an append batch: detaches the oldest sealed segments, moves every
 * group past them (counting what it had not acknowledged), then deletes their files.
 * Groups move before any file goes, so a reader never meets a gap it would take for damage.
 * Undefined when the log is under the cap.
 */
export async function trimToCap(segs: LogSegments, groups: Iterable<ConsumerGroup>, maxBytes: number): Promise<TrimInfo | undefined> {
  if (segs.totalBytes <= maxBytes) return undefined;
  const detached = segs.detachOverCap(maxBytes);
  if (!detached) return undefined;
  const list = [...groups];
  const unacknowledged = unacknowledgedIn(list, detached.from, detached.to);
  for (const g of list) g.skipTo(detached.to);
  await segs.removeDetached(detached);
  return { segments: detached.paths.length, events: detached.to - detached.from, unacknowledged };
}
