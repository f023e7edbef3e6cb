/**
 * play(): WAV files sent as RTP in real time. The files are decoded up front and played as
 * one continuous talkspurt (so timestamps run on across file boundaries), one packet per
 * ptime on a Pacer's absolute deadlines, which keeps the pace exact over minutes.
 */
import type { Clock } from '../../shared/index.js';
import type { G711Codec } from '../codec/index.js';
import type { PlayResult } from '../media-port.js';
import { Pacer } from './pacer.js';
import { loadPromptAudio, MEDIA_SAMPLE_RATE } from './prompt-audio.js';
import type { RtpSender } from './rtp-sender.js';

export interface SendFormat {
  readonly codec: G711Codec;
  readonly payloadType: number;
  readonly ptimeMs: number;
}

export interface PlayerOutput {
  readonly clock: Clock;
  readonly sender: RtpSender;
  /** The format in effect now; undefined while our offer waits for its answer. */
  format(): SendFormat | undefined;
  /** True while DTMF events go out: audio packets are held back meanwhile. */
  audioHeld(): boolean;
}

interface Playback {
  pacer: Pacer | undefined;
  playedSamples: number;
  readonly resolve: (r: PlayResult) => void;
}

export class Player {
  private current: Playback | undefined;
  private loading: { cancelled: boolean } | undefined;

  constructor(private readonly out: PlayerOutput) {}

  get playing(): boolean {
    return this.current !== undefined || this.loading !== undefined;
  }

  /** Plays the files in order; a play() already running is interrupted first. */
  async play(files: readonly string[], defaultPtimeMs: number): Promise<PlayResult> {
    this.stop();
    const token = { cancelled: false };
    this.loading = token;
    let pcm: Int16Array;
    try {
      pcm = concat(await Promise.all(files.map((f) => loadPromptAudio(f))));
    } finally {
      if (this.loading === token) this.loading = undefined;
    }
    if (token.cancelled) return { playedMs: 0, interrupted: true };
    if (pcm.length === 0) return { playedMs: 0, interrupted: false };
    return new Promise((resolve) => this.start(pcm, this.out.format()?.ptimeMs ?? defaultPtimeMs, resolve));
  }

  /** Stops the play in progress (it resolves with interrupted: true). */
  stop(): void {
    if (this.loading) {
      this.loading.cancelled = true;
      this.loading = undefined;
    }
    if (this.current) this.finish(this.current, true);
  }

  private start(pcm: Int16Array, ptimeMs: number, resolve: (r: PlayResult) => void): void {
    const frameSamples = (ptimeMs * MEDIA_SAMPLE_RATE) / 1000;
    const frames = Math.ceil(pcm.length / frameSamples);
    const startTimestamp = this.out.sender.beginTalkspurt();
    let marker = true;
    const playback: Playback = { pacer: undefined, playedSamples: 0, resolve };
    playback.pacer = new Pacer(this.out.clock, ptimeMs, (n) => {
      if (n >= frames) {
        this.finish(playback, false);
        return false;
      }
      const frame = new Int16Array(frameSamples); // the last one is padded with silence
      frame.set(pcm.subarray(n * frameSamples, Math.min(pcm.length, (n + 1) * frameSamples)));
      const format = this.out.format();
      if (format && !this.out.audioHeld()) {
        const payload = format.codec.encode(frame);
        this.out.sender.send({ payloadType: format.payloadType, marker, timestamp: startTimestamp + n * frameSamples, payload });
        marker = false;
      } else {
        marker = true; // RFC 3551 §4.1: the first packet after a gap starts a talkspurt
      }
      playback.playedSamples = Math.min(pcm.length, (n + 1) * frameSamples);
      return true;
    });
    this.current = playback;
    playback.pacer.start();
  }

  private finish(p: Playback, interrupted: boolean): void {
    p.pacer?.stop();
    if (this.current === p) this.current = undefined;
    p.resolve({ playedMs: Math.round((p.playedSamples * 1000) / MEDIA_SAMPLE_RATE), interrupted });
  }
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
