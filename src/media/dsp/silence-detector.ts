/**
 * Silence detection for recordings (voicemail ends after N seconds of silence, and the
 * trailing silence is trimmed). Frame by frame: a frame below `thresholdDb` extends the
 * silent run, any frame above it resets the run. `isSilent` only turns true once the run
 * has lasted `hangoverMs`, so the short pauses between words never count as silence.
 */
import { frameEnergyDb } from './signal.js';

export interface SilenceDetectorOptions {
  /** Frames quieter than this (dBFS) are silent. Default −45 (quiet line noise passes, speech does not). */
  readonly thresholdDb?: number;
  /** Continuous silence needed before isSilent turns true. Default 300 ms. */
  readonly hangoverMs?: number;
  /** Sample rate of the frames (default 8000): converts frame lengths to milliseconds. */
  readonly sampleRate?: number;
}

export class SilenceDetector {
  readonly thresholdDb: number;
  readonly hangoverMs: number;
  private readonly sampleRate: number;
  private silentMs = 0;
  private totalMs = 0;

  constructor(options: SilenceDetectorOptions = {}) {
    this.thresholdDb = options.thresholdDb ?? -45;
    this.hangoverMs = options.hangoverMs ?? 300;
    this.sampleRate = options.sampleRate ?? 8000;
  }

  /** Feeds one frame (typically 20 ms); returns whether the stream is now silent. */
  push(frame: Int16Array): boolean {
    const ms = (frame.length * 1000) / this.sampleRate;
    this.totalMs += ms;
    if (frameEnergyDb(frame) < this.thresholdDb) this.silentMs += ms;
    else this.silentMs = 0;
    return this.isSilent;
  }

  /** Feeds a stretch with no audio at all (lost packets, a paused source) as silence. */
  pushSilence(ms: number): boolean {
    this.totalMs += ms;
    this.silentMs += ms;
    return this.isSilent;
  }

  /** The current run of silence has lasted at least hangoverMs. */
  get isSilent(): boolean {
    return this.silentMs >= this.hangoverMs;
  }

  /** Length of the current run of silent frames (0 right after sound), in milliseconds. */
  get silentForMs(): number {
    return this.silentMs;
  }

  /** Audio fed so far, in milliseconds. */
  get elapsedMs(): number {
    return this.totalMs;
  }

  reset(): void {
    this.silentMs = 0;
    this.totalMs = 0;
  }
}
