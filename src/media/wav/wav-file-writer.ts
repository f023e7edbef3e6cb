/**
 * A WAV file written as audio arrives (voicemail messages, call recordings). write() only
 * buffers; once enough is buffered a flush is queued on the file handle, so a 20 ms tick
 * never waits for the disk. Crash safety: the header is first written with the streaming
 * placeholder size, and after every flush the RIFF and data sizes are patched to cover
 * exactly what has been written, so a process killed mid-recording leaves a file that
 * readWav (and ordinary tools) read up to its last completed flush.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { WAV_HEADER_BYTES, pcmToLittleEndian, riffSize, wavHeader } from './encode-wav.js';

export interface WavFileWriterOptions {
  readonly sampleRate: number;
  readonly channels: number;
  /** Buffered bytes that trigger a flush (default 16 000: one second of 8 kHz mono). */
  readonly flushBytes?: number;
}

export interface WavFileSummary {
  readonly frames: number;
  /** frames / sampleRate, in whole milliseconds (rounded). */
  readonly durationMs: number;
}

export class WavFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushedBytes = 0;
  private queuedBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closing: Promise<WavFileSummary> | undefined;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
    readonly sampleRate: number,
    readonly channels: number,
    private readonly flushBytes: number,
  ) {}

  /** Creates (or truncates) the file and writes a placeholder header. */
  static async open(path: string, options: WavFileWriterOptions): Promise<WavFileWriter> {
    const { sampleRate, channels } = options;
    if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`bad sample rate ${sampleRate}`);
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`bad channel count ${channels}`);
    const file = await open(path, 'w');
    try {
      await file.write(wavHeader(sampleRate, channels), 0, WAV_HEADER_BYTES, 0);
    } catch (err) {
      await file.close();
      throw err;
    }
    return new WavFileWriter(file, path, sampleRate, channels, options.flushBytes ?? 16_000);
  }

  /** Frames accepted so far (written or still buffered). */
  get frames(): number {
    return (this.queuedBytes + this.pendingBytes) / (2 * this.channels);
  }

  /** Appends interleaved samples (whole frames). Never blocks; a disk error surfaces from close(). */
  write(samples: Int16Array): void {
    if (this.closing) throw new Error(`WavFileWriter ${this.path}: write after close`);
    if (samples.length % this.channels !== 0) {
      throw new RangeError(`${samples.length} samples are not whole frames of ${this.channels} channel(s)`);
    }
    if (samples.length === 0) return;
    this.pending.push(pcmToLittleEndian(samples));
    this.pendingBytes += samples.length * 2;
    if (this.pendingBytes >= this.flushBytes) void this.flush();
  }

  /** Writes what is buffered and patches the header; resolves when it is on its way to disk. */
  flush(): Promise<void> {
    if (this.pendingBytes > 0) {
      const data = Buffer.concat(this.pending, this.pendingBytes);
      const position = WAV_HEADER_BYTES + this.queuedBytes;
      this.pending = [];
      this.queuedBytes += this.pendingBytes;
      this.pendingBytes = 0;
      this.chain = this.chain.then(() => this.writeAt(data, position));
    }
    return this.chain;
  }

  /** Flushes, writes the final sizes, syncs and closes. Idempotent; rejects if any write failed. */
  close(): Promise<WavFileSummary> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<WavFileSummary> {
    await this.flush();
    try {
      if (this.failure === undefined) {
        await this.patchSizes(); // also covers a file that never received audio
        await this.file.datasync();
      }
    } catch (err) {
      this.failure ??= err;
    } finally {
      await this.file.close().catch((err: unknown) => {
        this.failure ??= err;
      });
    }
    if (this.failure !== undefined) throw this.failure;
    const frames = this.flushedBytes / (2 * this.channels);
    return { frames, durationMs: Math.round((frames * 1000) / this.sampleRate) };
  }

  /** One queued write: the data, then the sizes that make it part of the file. Errors are kept, not thrown. */
  private async writeAt(data: Buffer, position: number): Promise<void> {
    if (this.failure !== undefined) return;
    try {
      await this.file.write(data, 0, data.length, position);
      this.flushedBytes += data.length;
      await this.patchSizes();
    } catch (err) {
      this.failure = err;
    }
  }

  private async patchSizes(): Promise<void> {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(riffSize(this.flushedBytes));
    await this.file.write(size, 0, 4, 4);
    size.writeUInt32LE(this.flushedBytes);
    await this.file.write(size, 0, 4, 40);
  }
}
