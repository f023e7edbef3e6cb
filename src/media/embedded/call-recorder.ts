/**
 * recordCall(): a stereo WAV of a bridged call, this endpoint's remote party on the left
 * and the peer's on the right. Arrivals are queued per side; a 20 ms Pacer tick writes one
 * frame of each side (silence where nothing arrived), so both channels advance with the
 * same clock and stay aligned however the two legs' packets interleave. A queue that grows
 * past MAX_QUEUE_MS (a burst, or a sender running fast) drops its oldest audio rather than
 * let that side fall behind. While paused, both channels get silence and arrivals are
 * discarded, so the file keeps real time.
 */
import type { Clock } from '../../shared/index.js';
import type { CallRecording } from '../media-port.js';
import { WavFileWriter } from '../wav/index.js';
import type { EndpointCore } from './endpoint-core.js';
import { Pacer } from './pacer.js';
import { MEDIA_SAMPLE_RATE } from './prompt-audio.js';

const TICK_MS = 20;
const TICK_SAMPLES = (TICK_MS * MEDIA_SAMPLE_RATE) / 1000;
const MAX_QUEUE_MS = 200;
const MAX_QUEUE_SAMPLES = (MAX_QUEUE_MS * MEDIA_SAMPLE_RATE) / 1000;
const PRIME_SAMPLES = 2 * TICK_SAMPLES;

/**
 * One side's arrivals. It starts (and restarts after running dry) only once it holds
 * PRIME_SAMPLES, so packets arriving just after the tick instead of just before do not
 * punch 20 ms holes into the audio; both sides pay the same one frame of latency.
 */
class SideQueue {
  private chunks: Int16Array[] = [];
  private samples = 0;
  private primed = false;

  push(pcm: Int16Array): void {
    this.chunks.push(pcm);
    this.samples += pcm.length;
    while (this.samples > MAX_QUEUE_SAMPLES && this.chunks.length > 1) this.samples -= (this.chunks.shift() as Int16Array).length;
  }

  /** Exactly `n` samples: what is queued, then silence. */
  take(n: number): Int16Array {
    const out = new Int16Array(n);
    if (!this.primed && this.samples < PRIME_SAMPLES) return out;
    this.primed = this.samples >= n;
    let filled = 0;
    while (filled < n && this.chunks.length > 0) {
      const head = this.chunks[0] as Int16Array;
      const k = Math.min(n - filled, head.length);
      out.set(head.subarray(0, k), filled);
      filled += k;
      if (k === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(k);
    }
    this.samples -= filled;
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.samples = 0;
    this.primed = false;
  }
}

export class CallRecorder implements CallRecording {
  private readonly left = new SideQueue();
  private readonly right = new SideQueue();
  private readonly pacer: Pacer;
  private readonly untap: Array<() => void> = [];
  private paused = false;
  private stopping: Promise<{ readonly path: string; readonly durationMs: number }> | undefined;

  private constructor(
    private readonly writer: WavFileWriter,
    clock: Clock,
    leftEndpoint: EndpointCore,
    rightEndpoint: EndpointCore,
    private readonly onStop: () => void,
  ) {
    this.untap.push(leftEndpoint.addTap({ onAudio: (_p, _c, pcm) => this.arrive(this.left, pcm()) }));
    this.untap.push(rightEndpoint.addTap({ onAudio: (_p, _c, pcm) => this.arrive(this.right, pcm()) }));
    this.pacer = new Pacer(clock, TICK_MS, () => this.tick());
    this.pacer.start();
  }

  static async start(path: string, clock: Clock, left: EndpointCore, right: EndpointCore, onStop: () => void): Promise<CallRecorder> {
    const writer = await WavFileWriter.open(path, { sampleRate: MEDIA_SAMPLE_RATE, channels: 2 });
    return new CallRecorder(writer, clock, left, right, onStop);
  }

  get path(): string {
    return this.writer.path;
  }

  async pause(): Promise<void> {
    this.paused = true;
    this.left.clear();
    this.right.clear();
  }

  async resume(): Promise<void> {
    this.paused = false;
  }

  stop(): Promise<{ readonly path: string; readonly durationMs: number }> {
    if (!this.stopping) {
      this.pacer.stop();
      for (const u of this.untap) u();
      this.onStop();
      this.stopping = this.writer.close().then((s) => ({ path: this.writer.path, durationMs: s.durationMs }));
    }
    return this.stopping;
  }

  private arrive(side: SideQueue, pcm: Int16Array): void {
    if (!this.paused) side.push(pcm);
  }

  private tick(): void {
    const l = this.left.take(TICK_SAMPLES);
    const r = this.right.take(TICK_SAMPLES);
    const frame = new Int16Array(2 * TICK_SAMPLES);
    if (!this.paused) {
      for (let i = 0; i < TICK_SAMPLES; i++) {
        frame[2 * i] = l[i] as number;
        frame[2 * i + 1] = r[i] as number;
      }
    }
    this.writer.write(frame);
  }
}
