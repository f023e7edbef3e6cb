/**
 * Dead letters: calls whose Task Salesforce refused for a reason a retry will not fix
 * (a validation rule, a field hidden by field-level security…), kept with the reason and
 * every event of the call so that `linegate crm replay` can re-drive them once the cause
 * is fixed.
 *
 * A JSON-lines file (`dead-letters.jsonl` in the dead-letter directory), appended and
 * fsync'd before add() resolves. Why a file and not CrmKv: an operator must be able to
 * read and grep it (`jq`), it must not expire, and it must be listed in full for a
 * replay; CrmKv has TTLs and no way to list keys. One process appends (the worker; a
 * replay requested from the CLI is run by the worker, see replay-request.ts).
 *
 * take() moves the file aside (`replaying-<epoch ms>.jsonl`) and returns what it held;
 * done() deletes it once every entry is written or dead-lettered again. A crash in between
 * leaves the file, and the next take() returns its entries again: replay is idempotent.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../../shared/index.js';
import type { CallEvent } from '../../events/index.js';

export interface DeadLetter {
  readonly v: 1;
  /** When it was dead-lettered, ISO 8601. */
  readonly at: string;
  readonly callKey: string;
  readonly gatewayId: string;
  readonly callId: string;
  /** Salesforce's errorCode, or a linegate code (CRM_…) when the worker gave up itself. */
  readonly code: string;
  readonly reason: string;
  /** The fields Salesforce named, if any. */
  readonly fields: readonly string[];
  readonly attempts: number;
  /** Every event of the call the worker held, in seq order. */
  readonly events: readonly CallEvent[];
}

export interface DeadLetterBatch {
  readonly entries: readonly DeadLetter[];
  /** Removes the taken entries for good (call after the replay's outcome is recorded). */
  done(): Promise<void>;
}

export interface DeadLetterStore {
  add(entries: readonly DeadLetter[]): Promise<void>;
  take(): Promise<DeadLetterBatch>;
  /** Entries waiting (for the metric and the CLI). */
  count(): Promise<number>;
}

const FILE = 'dead-letters.jsonl';
const REPLAYING = /^replaying-\d+(?:-\d+)?\.jsonl$/;

export class FileDeadLetterStore implements DeadLetterStore {
  private lock: Promise<unknown> = Promise.resolve();
  private seq = 0;

  constructor(private readonly options: { readonly dir: string; readonly epochNow?: () => number }) {}

  get path(): string {
    return join(this.options.dir, FILE);
  }

  add(entries: readonly DeadLetter[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.exclusive(async () => {
      await mkdir(this.options.dir, { recursive: true });
      const fh = await open(this.path, 'a');
      try {
        await fh.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  take(): Promise<DeadLetterBatch> {
    return this.exclusive(async () => {
      await mkdir(this.options.dir, { recursive: true });
      const now = (this.options.epochNow ?? Date.now)();
      const aside = join(this.options.dir, `replaying-${now}-${this.seq++}.jsonl`);
      const moved = await rename(this.path, aside).then(() => true, (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      });
      if (moved) await syncDirectory(this.options.dir);
      const files = (await readdir(this.options.dir)).filter((f) => REPLAYING.test(f)).map((f) => join(this.options.dir, f));
      const entries: DeadLetter[] = [];
      for (const f of files) entries.push(...parseDeadLetters(await readFile(f, 'utf8')));
      return {
        entries,
        done: () => this.exclusive(async () => {
          for (const f of files) await unlink(f).catch(() => undefined);
          await syncDirectory(this.options.dir);
        }),
      };
    });
  }

  async count(): Promise<number> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    return parseDeadLetters(text).length;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/** Lines of a dead-letter file; a torn or foreign line is skipped. */
export function parseDeadLetters(text: string): DeadLetter[] {
  const out: DeadLetter[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as DeadLetter;
      if (e.v === 1 && typeof e.callKey === 'string' && Array.isArray(e.events)) out.push(e);
    } catch {
      // torn last line after a crash
    }
  }
  return out;
}
