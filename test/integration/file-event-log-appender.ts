/**
 * A FileEventLog appender in a child process, for crash tests: the child appends events as
 * fast as it can (bursts of concurrent appends, small segments so it also rotates) and
 * prints each id the moment its append resolves; appendUntilKilled SIGKILLs it at a chosen
 * moment and returns what it printed, and its pid.
 *
 * This file is also the child: run with `--appender <dir> <round>` it appends forever.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FileEventLog, type CallEvent } from '../../src/events/index.js';

export const APPENDER_SEGMENT_BYTES = 32 * 1024;

export interface KilledAppender {
  /** id → callId of every append that resolved before the kill. */
  readonly printed: Map<string, string>;
  readonly pid: number;
}

export function appenderEvent(round: number, n: number): CallEvent {
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
  const log = new FileEventLog({ dir, segmentBytes: APPENDER_SEGMENT_BYTES });
  await log.start();
  process.stdout.write('ready\n');
  for (let n = 0; ; ) {
    const burst = 1 + Math.floor(Math.random() * 32);
    await Promise.all(
      Array.from({ length: burst }, () => {
        const e = appenderEvent(round, n++);
        // Written synchronously (stdout is a pipe): once printed, the parent knows it resolved.
        return log.append(e).then(({ id }) => void process.stdout.write(`${id} ${e.callId}\n`));
      }),
    );
  }
}

const appenderAt = process.argv.indexOf('--appender');
if (appenderAt >= 0) await runAppender(process.argv[appenderAt + 1] as string, Number(process.argv[appenderAt + 2]));

/**
 * Runs the child until `ms` after its first resolved append, SIGKILLs it, and returns what
 * it printed. Rejects if it exits on its own (its stderr in the message).
 */
export function appendUntilKilled(dir: string, round: number, ms: number): Promise<KilledAppender> {
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
        // The kill moment counts from the first resolved append, so a slow start on a
        // loaded machine cannot leave a round with nothing to check.
        timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ printed, pid: child.pid as number });
      else reject(new Error(`appender exited with ${code ?? signal} before the kill:\n${stderr}`));
    });
  });
}
