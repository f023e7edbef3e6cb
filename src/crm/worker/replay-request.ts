/**
 * `linegate crm replay` asks the running worker to replay, through a file in the dead-letter
 * directory, because the worker's files (its kv journal, the file event log) belong to one
 * process: the CLI writes `replay-request.json`; the worker polls for it, claims it by
 * renaming it (a rename succeeds once), replays, and writes `replay-result-<id>.json`.
 * When no worker claims the request in time, the CLI claims it itself and replays in its
 * own process (crm-main.ts), which is safe then: nobody else holds the files.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably, type Clock, type TimerHandle } from '../../shared/index.js';
import type { ReplayReport } from './replay.js';
import type { WorkerLog } from './settlement.js';

const REQUEST = 'replay-request.json';
const resultFile = (id: string): string => `replay-result-${id}.json`;

export interface ReplayRequestOptions {
  /** How long to wait for a worker to claim the request. */
  readonly pickupMs: number;
  /** How long to wait for its result once claimed. */
  readonly resultMs: number;
  readonly pollMs?: number;
}

/** The worker's report, or 'unclaimed' when no worker took the request (it is withdrawn then). */
export async function requestReplay(dir: string, o: ReplayRequestOptions): Promise<ReplayReport | 'unclaimed'> {
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const path = join(dir, REQUEST);
  await writeFileDurably(path, JSON.stringify({ id }));
  const poll = o.pollMs ?? 100;
  const claimedBy = Date.now() + o.pickupMs;
  while (Date.now() < claimedBy && (await exists(path))) await delay(poll);
  if (await exists(path)) {
    const withdrawn = await rename(path, join(dir, `replay-request.${id}.withdrawn`)).then(() => true, () => false);
    if (withdrawn) {
      await unlink(join(dir, `replay-request.${id}.withdrawn`)).catch(() => undefined);
      return 'unclaimed';
    }
  }
  const done = Date.now() + o.resultMs;
  for (;;) {
    const text = await readFile(join(dir, resultFile(id)), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      await unlink(join(dir, resultFile(id))).catch(() => undefined);
      const result = JSON.parse(text) as ReplayReport | { error: string };
      if ('error' in result) throw new Error(`the worker's replay failed: ${result.error}`);
      return result;
    }
    if (Date.now() > done) throw new Error(`the worker took the replay request but reported nothing within ${o.resultMs} ms`);
    await delay(poll);
  }
}

/** The worker side: polls for a request, claims it, runs the replay, writes the result. */
export class ReplayRequestWatcher {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: {
    readonly dir: string;
    readonly clock: Clock;
    readonly run: () => Promise<ReplayReport>;
    readonly log: WorkerLog;
    /** Default 1000 ms. */
    readonly pollMs?: number;
  }) {}

  start(): void {
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.running = this.check().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.o.pollMs ?? 1000);
  }

  private async check(): Promise<void> {
    const path = join(this.o.dir, REQUEST);
    const claimed = join(this.o.dir, `replay-request.claimed-${randomUUID()}`);
    if (!(await rename(path, claimed).then(() => true, () => false))) return;
    let id = 'unknown';
    try {
      id = (JSON.parse(await readFile(claimed, 'utf8')) as { id?: string }).id ?? id;
      this.o.log.info({ id }, 'dead-letter replay requested');
      const report = await this.o.run();
      this.o.log.info({ ...report }, 'dead-letter replay done');
      await writeFile(join(this.o.dir, resultFile(id)), JSON.stringify(report));
    } catch (e) {
      this.o.log.error({ err: String(e) }, 'dead-letter replay failed');
      await writeFile(join(this.o.dir, resultFile(id)), JSON.stringify({ error: String(e) })).catch(() => undefined);
    } finally {
      await unlink(claimed).catch(() => undefined);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(() => true, () => false);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
