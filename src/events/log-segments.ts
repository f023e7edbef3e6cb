/**
 * The segment files of the file event log: `segment-<first seq, 20 digits>.log` in one
 * directory. Only the last segment is appended to; older ones are sealed and are deleted
 * whole once every consumer group has acknowledged all they hold (compaction), or, oldest
 * first, when all segments together outgrow the log's size cap (trimming).
 *
 * `size` of a segment counts only bytes that were fsync'd, so readers never see an event
 * that a crash could still take back.
 */
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ignoreMissingFile, syncDirectory } from '../shared/index.js';
import { scanLines, type ScannedLine } from './log-frame.js';

interface Segment {
  readonly startSeq: number;
  readonly path: string;
  /** Durable bytes. */
  size: number;
}

/** Where a reader is: a segment (by its first seq) and a byte offset in it. */
export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface ReadChunk {
  /** The segment the lines' offsets refer to. */
  readonly segment: number;
  readonly lines: readonly ScannedLine[];
  readonly next: LogPosition;
}

/** Segments taken out of the log by detachOverCap: their files, and the seqs [from, to) they held. */
export interface DetachedSegments {
  readonly paths: readonly string[];
  readonly from: number;
  readonly to: number;
}

const NAME = /^segment-(\d{20})\.log$/;
const READ_BYTES = 64 * 1024;

export class LogSegments {
  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
    private appendFh: FileHandle,
    /** Next seq to assign; every seq below it is durable. */
    private next: number,
  ) {}

  /**
   * Opens the directory's segments (creating the first one if there is none) and cuts a
   * torn tail off the last one. `onTornTail` hears how many bytes were cut.
   */
  static async open(dir: string, onTornTail: (bytes: number) => void): Promise<LogSegments> {
    const names = (await readdir(dir)).filter((n) => NAME.test(n)).sort();
    const segments: Segment[] = names.map((n) => ({ startSeq: Number(NAME.exec(n)?.[1]), path: join(dir, n), size: 0 }));
    if (segments.length === 0) {
      segments.push(await createSegment(dir, 1));
    }
    const last = segments[segments.length - 1] as Segment;
    const fh = await open(last.path, 'r+');
    try {
      const tail = await scanTail(fh, last.startSeq);
      if (tail.fileSize > tail.goodEnd) {
        await fh.truncate(tail.goodEnd);
        await fh.sync();
        onTornTail(tail.fileSize - tail.goodEnd);
      }
      last.size = tail.goodEnd;
      for (const s of segments.slice(0, -1)) s.size = await fileSize(s.path);
      return new LogSegments(dir, segments, await open(last.path, 'a'), tail.nextSeq);
    } finally {
      await fh.close();
    }
  }

  /** Next seq to assign; all below are durable. */
  get nextSeq(): number {
    return this.next;
  }

  /** The first seq still on disk. */
  get firstSeq(): number {
    return (this.segments[0] as Segment).startSeq;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Durable bytes of all segments. */
  get totalBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /**
   * Writes encoded frames for seqs nextSeq, nextSeq+1, … in one write and one fdatasync,
   * first starting a new segment if the active one has reached `rotateBytes`.
   */
  async appendBatch(frames: readonly Buffer[], rotateBytes: number): Promise<void> {
    const active = this.segments[this.segments.length - 1] as Segment;
    const target = active.size >= rotateBytes && active.size > 0 ? await this.rotate() : active;
    const buf = Buffer.concat(frames);
    for (let off = 0; off < buf.length; ) {
      const { bytesWritten } = await this.appendFh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    await this.appendFh.datasync();
    target.size += buf.length;
    this.next += frames.length;
  }

  /** Reads complete lines from `pos` up to the durable end of its segment, moving to the next segment at the end. */
  async read(pos: LogPosition): Promise<ReadChunk> {
    const i = this.indexOf(pos);
    const seg = this.segments[i] as Segment;
    const offset = seg.startSeq === pos.segment ? pos.offset : 0;
    const nextSeg = this.segments[i + 1];
    if (offset >= seg.size) {
      return { segment: seg.startSeq, lines: [], next: nextSeg ? { segment: nextSeg.startSeq, offset: 0 } : { segment: seg.startSeq, offset } };
    }
    const fh = await openForRead(seg.path);
    if (!fh) return { segment: seg.startSeq, lines: [], next: { segment: this.firstSeq, offset: 0 } };
    try {
      for (let want = READ_BYTES; ; want *= 2) {
        const len = Math.min(want, seg.size - offset);
        const buf = Buffer.alloc(len);
        const { bytesRead } = await fh.read(buf, 0, len, offset);
        const { lines, rest } = scanLines(buf.subarray(0, bytesRead));
        const whole = offset + len >= seg.size;
        if (lines.length > 0 || whole) {
          // In a sealed segment, bytes after the last LF are damage: skip them.
          const end = whole && nextSeg ? seg.size : offset + rest;
          const next = end >= seg.size && nextSeg ? { segment: nextSeg.startSeq, offset: 0 } : { segment: seg.startSeq, offset: end };
          return { segment: seg.startSeq, lines: shift(lines, offset), next };
        }
      }
    } finally {
      await fh.close();
    }
  }

  /** The position of the first frame with seq >= `seq` (scanning its segment from the start). */
  async locate(seq: number): Promise<LogPosition> {
    let i = this.segments.length - 1;
    while (i > 0 && (this.segments[i] as Segment).startSeq > seq) i--;
    let pos: LogPosition = { segment: (this.segments[i] as Segment).startSeq, offset: 0 };
    for (;;) {
      const chunk = await this.read(pos);
      const hit = chunk.lines.find((l) => l.ok && l.frame.seq >= seq);
      if (hit) return { segment: chunk.segment, offset: hit.start };
      if (chunk.lines.length === 0 && samePos(chunk.next, pos)) return pos;
      pos = chunk.next;
    }
  }

  /** Deletes sealed segments holding only seqs below `seq`; returns how many. */
  async deleteBelow(seq: number): Promise<number> {
    let n = 0;
    while (this.segments.length > 1 && (this.segments[1] as Segment).startSeq <= seq) {
      const [gone] = this.segments.splice(0, 1);
      if (gone) await unlink(gone.path);
      n += 1;
    }
    if (n > 0) await syncDirectory(this.dir);
    return n;
  }

  /**
   * Takes the oldest sealed segments, acknowledged or not, out of the log while all
   * segments together hold more than `maxBytes`; the active one always stays. Synchronous,
   * so the caller can move readers past them before any file goes: readers no longer find
   * them (a position in one falls back to the first segment left). removeDetached deletes
   * the files. Undefined when nothing had to go.
   */
  detachOverCap(maxBytes: number): DetachedSegments | undefined {
    const gone: Segment[] = [];
    let total = this.totalBytes;
    while (this.segments.length > 1 && total > maxBytes) {
      const seg = this.segments.shift() as Segment;
      total -= seg.size;
      gone.push(seg);
    }
    const first = gone[0];
    return first && { paths: gone.map((g) => g.path), from: first.startSeq, to: this.firstSeq };
  }

  async removeDetached(detached: DetachedSegments): Promise<void> {
    for (const path of detached.paths) await unlink(path).catch(ignoreMissingFile);
    await syncDirectory(this.dir);
  }

  async close(): Promise<void> {
    await this.appendFh.close();
  }

  private async rotate(): Promise<Segment> {
    const seg = await createSegment(this.dir, this.next);
    const old = this.appendFh;
    this.appendFh = await open(seg.path, 'a');
    this.segments.push(seg);
    await old.close();
    return seg;
  }

  /** The segment holding `pos`, or the first one if it was deleted under the reader. */
  private indexOf(pos: LogPosition): number {
    const i = this.segments.findIndex((s) => s.startSeq === pos.segment);
    return i >= 0 ? i : 0;
  }
}

async function createSegment(dir: string, startSeq: number): Promise<Segment> {
  const path = join(dir, `segment-${String(startSeq).padStart(20, '0')}.log`);
  await (await open(path, 'a')).close();
  await syncDirectory(dir);
  return { startSeq, path, size: 0 };
}

/** Reads the whole last segment: where its last good frame ends and the seq after it. */
async function scanTail(fh: FileHandle, startSeq: number): Promise<{ goodEnd: number; nextSeq: number; fileSize: number }> {
  const fileSize = (await fh.stat()).size;
  let goodEnd = 0;
  let nextSeq = startSeq;
  for (let offset = 0, want = READ_BYTES; offset < fileSize; ) {
    const len = Math.min(want, fileSize - offset);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, offset);
    const { lines, rest } = scanLines(buf.subarray(0, bytesRead));
    for (const l of lines) {
      if (!l.ok) continue;
      goodEnd = offset + l.end;
      nextSeq = Math.max(nextSeq, l.frame.seq + 1);
    }
    if (rest > 0) {
      offset += rest;
      want = READ_BYTES;
    } else if (offset + len >= fileSize) {
      break; // no LF up to the end of the file: the torn tail
    } else {
      want *= 2; // a line longer than the window
    }
  }
  return { goodEnd, nextSeq, fileSize };
}

/** Opens a segment for reading; undefined if compaction deleted it meanwhile. */
async function openForRead(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function fileSize(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    return (await fh.stat()).size;
  } finally {
    await fh.close();
  }
}


function shift(lines: readonly ScannedLine[], by: number): ScannedLine[] {
  return lines.map((l) => ({ ...l, start: l.start + by, end: l.end + by }));
}

function samePos(a: LogPosition, b: LogPosition): boolean {
  return a.segment === b.segment && a.offset === b.offset;
}
