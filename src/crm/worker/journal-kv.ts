/**
 * JournalKv: a CrmKv for the embedded deployment, durable before each write resolves.
 *
 * Why not the gateway's MemoryStore: its snapshot is written every 30 s, so a SIGKILL can
 * hand back a kv older than what Salesforce already has. The worker acknowledges an event
 * only after its Task state is saved; a state that silently rolls back would make the next
 * note overwrite the Description without the notes written since the snapshot. Here every
 * set is a JSON line appended and fdatasync'd (sets arriving together share one sync), and
 * the file is rewritten without dead lines when it has grown to several times the live set.
 *
 * One process owns the file. A torn last line (killed mid-write) is skipped at load.
 * Expiry is wall-clock (epoch ms), so TTLs keep running while the process is down.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileDurably } from '../../shared/index.js';
import type { CrmJson, CrmKv } from '../ports.js';

export interface JournalKvOptions {
  readonly path: string;
  /** Wall clock, epoch ms. Default Date.now. */
  readonly epochNow?: () => number;
  /** Rewrite once the file holds this many lines more than live keys. Default 10,000. */
  readonly compactAfterLines?: number;
}

interface Entry {
  readonly value: CrmJson;
  readonly expiresAt: number;
}

type JournalLine = { readonly k: string; readonly v: CrmJson; readonly x: number } | { readonly k: string; readonly d: 1 };

export class JournalKv implements CrmKv {
  private readonly entries = new Map<string, Entry>();
  private readonly epochNow: () => number;
  private readonly compactAfter: number;
  private fh: FileHandle | undefined;
  private lines = 0;
  private queue: Array<{ line: string; done: (err?: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: JournalKvOptions) {
    this.epochNow = options.epochNow ?? Date.now;
    this.compactAfter = options.compactAfterLines ?? 10_000;
  }

  async start(): Promise<void> {
    await mkdir(dirname(this.options.path), { recursive: true });
    const text = await readFile(this.options.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    for (const raw of text.split('\n')) this.replay(raw);
    // Start from a clean file: drops expired keys, dead lines and a torn tail.
    await this.compact();
  }

  async kvGet(key: string): Promise<CrmJson | undefined> {
    return this.live(key)?.value;
  }

  async kvSet(key: string, value: CrmJson, ttlMs: number, options?: { readonly ifAbsent?: boolean }): Promise<boolean> {
    if (options?.ifAbsent && this.live(key)) return false;
    const expiresAt = this.epochNow() + Math.max(1, ttlMs);
    this.entries.set(key, { value, expiresAt });
    await this.append({ k: key, v: value, x: expiresAt });
    return true;
  }

  async kvDelete(key: string): Promise<boolean> {
    const had = this.live(key) !== undefined;
    this.entries.delete(key);
    if (had) await this.append({ k: key, d: 1 });
    return had;
  }

  /** Live keys (for tests and the compaction rule). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fh?.close();
    this.fh = undefined;
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt <= this.epochNow()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private replay(raw: string): void {
    if (raw.trim() === '') return;
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      return; // a torn last line
    }
    if (typeof line.k !== 'string') return;
    if ('d' in line) this.entries.delete(line.k);
    else if (typeof line.x === 'number' && line.x > this.epochNow()) this.entries.set(line.k, { value: line.v, expiresAt: line.x });
    else this.entries.delete(line.k);
  }

  private append(line: JournalLine): Promise<void> {
    if (this.closed) return Promise.reject(new Error('JournalKv is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(line)}\n`, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.flushing ??= this.flush();
    });
  }

  /** Every line queued so far in one write and one fdatasync; lines queued meanwhile go next. */
  private async flush(): Promise<void> {
    await Promise.resolve(); // let the rest of this tick queue too
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          const fh = this.fh ?? (this.fh = await open(this.options.path, 'a'));
          await fh.write(batch.map((b) => b.line).join(''));
          await fh.datasync();
          this.lines += batch.length;
          if (this.lines > this.entries.size + this.compactAfter) await this.compact();
          for (const b of batch) b.done();
        } catch (e) {
          for (const b of batch) b.done(e);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async compact(): Promise<void> {
    const now = this.epochNow();
    const out: string[] = [];
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) this.entries.delete(k);
      else out.push(`${JSON.stringify({ k, v: e.value, x: e.expiresAt })}\n`);
    }
    await this.fh?.close();
    this.fh = undefined;
    await writeFileDurably(this.options.path, out.join(''));
    this.lines = out.length;
  }
}
