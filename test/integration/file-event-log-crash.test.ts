/**
 * Crash test for FileEventLog: a child process appends events as fast as it can (bursts
 * of concurrent appends, small segments so it also rotates) and prints each id the moment
 * its append resolves; the parent SIGKILLs it at a random moment, reopens the log, and
 * checks that every printed append is there with its own event, in order, and that no
 * damaged record is ever returned. Several rounds append to the same directory, so each
 * round also recovers whatever the previous kill left at the tail.
 *
 * This file is also the child: run with `--appender <dir> <round>` it appends forever.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileEventLog, type CallEvent } from '../../src/events/index.js';

const SEGMENT_BYTES = 32 * 1024;
const ROUNDS = 4;

function event(round: number, n: number): CallEvent {
  return {
    type: 'call.started',
    v: 1,
    callId: `crash-${round}-${n}`,
    seq: 1,
    at: new Date(0).toISOString(),
    userId: 'u1',
    direction: 'inbound',
    from: '+15551230000',
    to: '+15559870000',
  };
}

async function runAppender(dir: string, round: number): Promise<void> {
  const log = new FileEventLog({ dir, segmentBytes: SEGMENT_BYTES });
  await log.start();
  process.stdout.write('ready\n');
  for (let n = 0; ; ) {
    const burst = 1 + Math.floor(Math.random() * 32);
    await Promise.all(
      Array.from({ length: burst }, () => {
        const e = event(round, n++);
        // Written synchronously (stdout is a pipe): once printed, the parent knows it resolved.
        return log.append(e).then(({ id }) => void process.stdout.write(`${id} ${e.callId}\n`));
      }),
    );
  }
}

const appenderAt = process.argv.indexOf('--appender');
if (appenderAt >= 0) {
  await runAppender(process.argv[appenderAt + 1] as string, Number(process.argv[appenderAt + 2]));
} else {
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
        const printed = await appendUntilKilled(dir, round, killAfterMs);
        assert.ok(printed.size > 0, `round ${round}: the child appended nothing in ${killAfterMs} ms`);
        for (const [id, callId] of printed) acknowledged.set(id, callId);

        const log = new FileEventLog({ dir, segmentBytes: SEGMENT_BYTES });
        await log.start();
        try {
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
}

/** Runs the child until `ms` after it is ready, SIGKILLs it, and returns what it printed. */
function appendUntilKilled(dir: string, round: number, ms: number): Promise<Map<string, string>> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--appender', dir, String(round)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = new Map<string, string>();
  let buffered = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // an unfinished line was not printed in full: ignore it
      for (const line of lines) {
        if (line === 'ready') continue;
        const [id, callId] = line.split(' ');
        if (!id || !callId) continue;
        printed.set(id, callId);
        // The random kill moment counts from the first resolved append, so a slow start on a
        // loaded machine cannot leave a round with nothing to check.
        timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(printed);
      else reject(new Error(`appender exited with ${code ?? signal} before the kill:\n${stderr}`));
    });
  });
}
