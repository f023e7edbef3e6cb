/**
 * record(): what the remote party sends, decoded to 8 kHz mono and written to a WAV file as
 * it arrives. Audio passes through a short tail before it is written, which is what lets
 * the recording end cleanly:
 * - trailing silence is never written (silence is only committed once speech follows it),
 *   so a recording ended by the silence timeout stops at the last sound;
 * - audio under a DTMF digit is held until the digit ends, and dropped with the last
 *   DELAY_MS when the digit is a terminator (the tone, or the phone's audio during the
 *   RFC 4733 event, is not part of the message);
 * - lost packets are filled with silence from the RTP timestamps, so time stays true.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import { frameEnergyDb, SilenceDetector } from '../dsp/index.js';
import type { RecordEndReason, RecordOptions, RecordResult } from '../media-port.js';
import { WavFileWriter } from '../wav/index.js';
import { MEDIA_SAMPLE_RATE } from './prompt-audio.js';
import { timestampDiff } from './rtp-sender.js';

/** Covers in-band DTMF detection latency (≈ 40–60 ms) with margin. */
const DELAY_MS = 100;
const DELAY_SAMPLES = (DELAY_MS * MEDIA_SAMPLE_RATE) / 1000;
/** Gaps longer than this in the RTP timestamps are a restart, not loss. */
const MAX_GAP_SAMPLES = MEDIA_SAMPLE_RATE;

interface Chunk {
  readonly pcm: Int16Array;
  readonly voiced: boolean;
}

export class Recorder {
  readonly done: Promise<RecordResult>;
  private resolveDone!: (r: RecordResult) => void;
  private rejectDone!: (e: unknown) => void;
  private readonly tail: Chunk[] = [];
  private tailSamples = 0;
  private lastVoiced = -1;
  private eventStart: number | undefined;
  private acceptedSamples = 0;
  private readonly maxSamples: number;
  private readonly silence: SilenceDetector | undefined;
  private readonly terminators: string;
  private expected: { ssrc: number; timestamp: number } | undefined;
  private lastAudioAt: number;
  private silenceTimer: TimerHandle | undefined;
  private maxTimer: TimerHandle | undefined;
  private ended = false;

  private constructor(
    private readonly writer: WavFileWriter,
    private readonly clock: Clock,
    options: RecordOptions,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    const maxMs = options.maxDurationMs ?? 120_000;
    const silenceMs = options.silenceTimeoutMs ?? 5000;
    this.maxSamples = Math.round((maxMs * MEDIA_SAMPLE_RATE) / 1000);
    this.terminators = options.terminators ?? '#';
    this.silence = silenceMs > 0 ? new SilenceDetector({ hangoverMs: silenceMs }) : undefined;
    this.lastAudioAt = clock.now();
    this.maxTimer = clock.setTimeout(() => this.stop('max-duration'), maxMs);
    if (this.silence) this.armSilenceWatch(silenceMs);
  }

  static async open(path: string, options: RecordOptions, clock: Clock): Promise<Recorder> {
    const writer = await WavFileWriter.open(path, { sampleRate: MEDIA_SAMPLE_RATE, channels: 1 });
    return new Recorder(writer, clock, options);
  }

  /** One decoded packet from the remote party. */
  onAudio(pcm: Int16Array, timestamp: number, ssrc: number): void {
    if (this.ended) return;
    const exp = this.expected;
    if (exp && exp.ssrc === ssrc) {
      const gap = timestampDiff(timestamp, exp.timestamp);
      if (gap < 0) return; // late or duplicate: its place is already taken
      if (gap > 0 && gap <= MAX_GAP_SAMPLES) this.accept(new Int16Array(gap), false);
    }
    this.expected = { ssrc, timestamp: (timestamp + pcm.length) >>> 0 };
    this.lastAudioAt = this.clock.now();
    if (!this.ended) this.accept(pcm, this.silence ? frameEnergyDb(pcm) >= this.silence.thresholdDb : true);
    if (this.silence?.push(pcm)) this.stop('silence');
  }

  onDigitStart(): void {
    if (this.eventStart === undefined) this.eventStart = this.tail.length;
  }

  /** Interceptor for the endpoint's digits: consumes terminators. */
  onDigit(digit: string): boolean {
    if (this.ended) return false;
    if (this.terminators.includes(digit)) {
      this.stop('terminator', digit);
      return true;
    }
    this.eventStart = undefined;
    this.commit();
    return false;
  }

  stop(reason: RecordEndReason, digit?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.clock.clearTimeout(this.silenceTimer);
    this.clock.clearTimeout(this.maxTimer);
    if (reason === 'terminator') this.dropFrom(Math.min(this.eventStart ?? this.tail.length, this.delayStart()));
    this.eventStart = undefined;
    this.commit(true);
    this.writer.close().then(
      (summary) => this.resolveDone({ path: this.writer.path, durationMs: summary.durationMs, reason, ...(digit !== undefined ? { digit } : {}) }),
      (err: unknown) => this.rejectDone(err),
    );
  }

  private accept(pcm: Int16Array, voiced: boolean): void {
    const room = this.maxSamples - this.acceptedSamples;
    const part = pcm.length > room ? pcm.subarray(0, room) : pcm;
    if (part.length > 0) {
      this.tail.push({ pcm: part, voiced });
      this.tailSamples += part.length;
      this.acceptedSamples += part.length;
      if (voiced) this.lastVoiced = this.tail.length - 1;
      this.commit();
    }
    if (this.acceptedSamples >= this.maxSamples) this.stop('max-duration');
  }

  /** Writes what may be written: outside the delay, before a digit, and not trailing silence. */
  private commit(final = false): void {
    const trim = this.silence !== undefined;
    while (this.tail.length > 0) {
      const head = this.tail[0] as Chunk;
      if (!final && this.tailSamples - head.pcm.length < DELAY_SAMPLES) break;
      if (!final && this.eventStart !== undefined && this.eventStart <= 0) break;
      if (trim && this.lastVoiced < 0) break;
      this.writer.write(head.pcm);
      this.tail.shift();
      this.tailSamples -= head.pcm.length;
      this.lastVoiced -= 1;
      if (this.eventStart !== undefined) this.eventStart -= 1;
    }
  }

  /** The index from which the last DELAY_SAMPLES of the tail begin. */
  private delayStart(): number {
    let samples = 0;
    for (let i = this.tail.length - 1; i >= 0; i--) {
      samples += (this.tail[i] as Chunk).pcm.length;
      if (samples >= DELAY_SAMPLES) return i;
    }
    return 0;
  }

  private dropFrom(index: number): void {
    const dropped = this.tail.splice(index);
    for (const c of dropped) this.tailSamples -= c.pcm.length;
    this.lastVoiced = Math.min(this.lastVoiced, this.tail.length - 1);
    // lastVoiced may now point at a silent chunk: find the real one.
    while (this.lastVoiced >= 0 && !(this.tail[this.lastVoiced] as Chunk).voiced) this.lastVoiced -= 1;
  }

  /** Silence also means no packets at all (a phone with silence suppression, or gone). */
  private armSilenceWatch(silenceMs: number): void {
    const check = (): void => {
      const quietFor = this.clock.now() - this.lastAudioAt;
      if (quietFor >= silenceMs) {
        this.silenceTimer = undefined;
        this.stop('silence');
        return;
      }
      this.silenceTimer = this.clock.setTimeout(check, silenceMs - quietFor);
    };
    this.silenceTimer = this.clock.setTimeout(check, silenceMs);
  }
}
