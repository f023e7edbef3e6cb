/**
 * Cuts a byte stream into SIP messages (RFC 3261 §18.3): a message is its header block,
 * up to and including the first CRLFCRLF, followed by exactly Content-Length bytes of body.
 *
 * Chunking-invariant: every decision depends on the bytes only, never on where a chunk
 * ended; when a decision needs bytes not yet received, the framer waits. Linear: the
 * CRLFCRLF search resumes where the previous one stopped, and the pending bytes live in
 * one buffer grown by doubling.
 */
import { readContentLength } from './content-length.js';
import type { StreamFramingErrorCode } from './types.js';

export interface StreamFramerSink {
  /**
   * One complete message. The Buffer may share memory with the pushed chunks and with
   * other frames: treat it as read-only (socket chunks are never reused by Node).
   */
  onFrame(frame: Buffer): void;
  /** A CRLFCRLF ping between messages (RFC 5626 §3.5.1); the owner answers with one CRLF. */
  onKeepAlive(): void;
  /** The stream cannot be framed any further; the framer has stopped and the owner closes the connection. */
  onError(code: StreamFramingErrorCode, detail: string): void;
}

const CR = 0x0d;
const LF = 0x0a;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
const MIN_CAPACITY = 2048;

export class StreamFramer {
  /** Pending bytes are buf[start, end). */
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** False while buf is the caller's chunk, which we must not write into. */
  private owned = false;
  /** True once the first byte of a message (not a leading CRLF) is pending. */
  private inMessage = false;
  /** Where the next CRLFCRLF search starts. */
  private scan = 0;
  /** Once the header block is complete: the offset in buf where the message ends; else -1. */
  private frameEnd = -1;
  private stopped = false;

  constructor(
    private readonly sink: StreamFramerSink,
    private readonly maxMessageSize = 65535,
  ) {}

  /** Bytes received and not yet framed (for tests and diagnostics). */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Takes the next bytes of the stream. Calling push from inside a sink callback is not supported. */
  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.start === this.end) {
      // Nothing pending: frame straight out of the chunk, no copy.
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
    } else {
      this.append(chunk);
    }
    this.drain();
    this.keepRemainder();
  }

  /** Stops framing for good and drops the pending bytes. */
  stop(): void {
    this.stopped = true;
    this.release();
  }

  private drain(): void {
    while (!this.stopped) {
      if (!this.inMessage && !this.skipLeadingCrlf()) return;
      if (this.frameEnd < 0 && !this.findHeaderEnd()) return;
      if (this.end < this.frameEnd) return;
      const frame = this.buf.subarray(this.start, this.frameEnd);
      this.start = this.frameEnd;
      this.frameEnd = -1;
      this.inMessage = false;
      this.sink.onFrame(frame);
    }
  }

  /**
   * Between messages: skips CRLFs (RFC 3261 §7.5, and RFC 5626 pongs) and reports each
   * CRLFCRLF as a ping. Returns true when a message starts at `start`.
   */
  private skipLeadingCrlf(): boolean {
    const buf = this.buf;
    while (!this.stopped) {
      const n = this.end - this.start;
      const s = this.start;
      if (n === 0) return false;
      if (buf[s] !== CR) return this.beginMessage();
      if (n < 2) return false;
      if (buf[s + 1] !== LF) return this.beginMessage();
      if (n < 3) return false;
      if (buf[s + 2] !== CR) {
        this.start += 2;
        continue;
      }
      if (n < 4) return false;
      if (buf[s + 3] !== LF) {
        this.start += 2;
        continue;
      }
      this.start += 4;
      this.sink.onKeepAlive();
    }
    return false;
  }

  private beginMessage(): boolean {
    this.inMessage = true;
    this.scan = this.start;
    return true;
  }

  /** Looks for the end of the header block; on success sets frameEnd. */
  private findHeaderEnd(): boolean {
    // Bound the search to the pending bytes: beyond `end` an owned buffer holds garbage.
    const idx = this.buf.subarray(0, this.end).indexOf(CRLFCRLF, this.scan);
    if (idx < 0) {
      if (this.end - this.start > this.maxMessageSize) {
        this.fail('header-too-large', `no end of header block within ${this.maxMessageSize} bytes`);
        return false;
      }
      this.scan = Math.max(this.start, this.end - 3);
      return false;
    }
    const headerLength = idx + 4 - this.start;
    if (headerLength > this.maxMessageSize) {
      this.fail('header-too-large', `header block of ${headerLength} bytes`);
      return false;
    }
    const contentLength = readContentLength(this.buf, this.start, idx);
    if (!contentLength.ok) {
      this.fail(contentLength.code, contentLength.detail);
      return false;
    }
    if (headerLength + contentLength.length > this.maxMessageSize) {
      this.fail('body-too-large', `Content-Length ${contentLength.length} exceeds the ${this.maxMessageSize}-byte limit`);
      return false;
    }
    this.frameEnd = idx + 4 + contentLength.length;
    return true;
  }

  private fail(code: StreamFramingErrorCode, detail: string): void {
    this.stop();
    this.sink.onError(code, detail);
  }

  /*
   * The framer's own buffers come from allocUnsafeSlow, not Node's shared 8 kB pool
   * (allocUnsafe below 4 kB): frames are subarrays of them and the layers above may
   * keep a frame, or a slice of it, for as long as a transaction lives (32 s); a pool
   * block would then stay pinned by that slice along with everything else in it.
   */
  private append(chunk: Buffer): void {
    if (this.owned && this.buf.length - this.end >= chunk.length) {
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
      return;
    }
    const pending = this.end - this.start;
    this.moveTo(Buffer.allocUnsafeSlow(this.capacityFor(pending + chunk.length)));
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** After draining: the unframed tail must not stay in the caller's chunk, which we cannot grow. */
  private keepRemainder(): void {
    if (this.stopped) return;
    if (this.start === this.end) {
      this.release();
    } else if (!this.owned) {
      this.moveTo(Buffer.allocUnsafeSlow(this.capacityFor(this.end - this.start)));
    }
  }

  private capacityFor(needed: number): number {
    // A known frame size is reserved at once; otherwise double, for amortised linear cost.
    const frame = this.frameEnd >= 0 ? this.frameEnd - this.start : 0;
    return Math.max(MIN_CAPACITY, needed * 2, frame);
  }

  /**
   * Copies the pending bytes to the start of `target`. The old buffer is never written
   * again, so frames already handed out as subarrays of it stay intact.
   */
  private moveTo(target: Buffer): void {
    const shift = this.start;
    this.buf.copy(target, 0, this.start, this.end);
    this.buf = target;
    this.owned = true;
    this.end -= shift;
    this.start = 0;
    this.scan = Math.max(0, this.scan - shift);
    if (this.frameEnd >= 0) this.frameEnd -= shift;
  }

  private release(): void {
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.scan = 0;
    this.owned = false;
  }
}
