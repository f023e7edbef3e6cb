/**
 * Crash test for FileEventLog: a child process appends events as fast as it can (bursts
 * of concurrent appends, small segments so it also rotates) and prints each id the moment
 * its append resolves; the parent SIGKILLs it at a random moment, reopens the log, and
 * checks that every printed append is there with its own event, in order, and that no
 * damaged record is ever returned. Several rounds append to the same directory, so each
 * round also recovers whatever the previous kill left at the tail (and takes over the
 * lock the killed child left behind).
 *
 * The child is file-event-log-appender.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEventLog } from '../../src/events/index.js';
import { APPENDER_SEGMENT_BYTES as SEGMENT_BYTES, appendUntilKilled } from './file-event-log-appender.js';

const ROUNDS = 4;

describe('FileEventLog under SIGKILL', function () {
  this.timeout(60_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every append that resolved before the kill, and never returns a torn event', async () => {
    const acknowledged = new Map<string, string>(); // id → callId, over all rounds
    for (let round = 1; round <= ROUNDS; round++) {
      const killAfterMs = 30 + Math.floor(Math.random() * 200);
      const { printed, pid } = await appendUntilKilled(dir, round, killAfterMs);
      assert.ok(printed.size > 0, `round ${round}: the child appended nothing in ${killAfterMs} ms`);
      for (const [id, callId] of printed) acknowledged.set(id, callId);

      const stale: number[] = [];
      const log = new FileEventLog({ dir, segmentBytes: SEGMENT_BYTES, onStaleLock: (p) => stale.push(p) });
      await log.start();
      try {
        assert.deepEqual(stale, [pid], 'the killed child\'s lock is taken over and reported');
        const seen = new Map<string, string>();
        let last = 0;
        for (let batch = await log.read('check', 'c', 5000, 0); batch.length > 0; batch = await log.read('check', 'c', 5000, 0)) {
          for (const { id, event: e } of batch) {
            assert.ok(Number(id) > last, `ids out of order: ${id} after ${last}`);
            last = Number(id);
            seen.set(id, e.callId);
          }
        }
        for (const [id, callId] of acknowledged) {
          assert.equal(seen.get(id), callId, `round ${round} (kill after ${killAfterMs} ms): resolved append ${id} (${callId})`);
        }
        assert.equal(log.stats().corruptLines, 0, 'a damaged record was met mid-log');
        assert.equal(log.stats().lostEvents, 0);
      } finally {
        await log.close();
      }
    }
  });
});
