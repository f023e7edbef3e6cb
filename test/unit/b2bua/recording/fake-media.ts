/**
 * A scripted MediaPort for the recording unit tests: endpoints record what they were asked
 * (plays, recordCall, modify, bridge) and let the test decide when a play ends or fails.
 */
import type {
  CallRecording, CreateEndpointOptions, MediaEndpoint, MediaPort, PlayResult, RecordResult,
} from '../../../../src/media/index.js';

export interface FakePlay {
  readonly files: string | readonly string[];
  finish(interrupted?: boolean): void;
  fail(err: Error): void;
  done: boolean;
}

export class FakeCallRecording implements CallRecording {
  readonly calls: string[] = [];
  stopDurationMs = 1234;
  stopError: Error | undefined;
  constructor(readonly path: string) {}

  async pause(): Promise<void> {
    this.calls.push('pause');
  }

  async resume(): Promise<void> {
    this.calls.push('resume');
  }

  async stop(): Promise<{ path: string; durationMs: number }> {
    this.calls.push('stop');
    if (this.stopError) throw this.stopError;
    return { path: this.path, durationMs: this.stopDurationMs };
  }
}

export class FakeEndpoint implements MediaEndpoint {
  localSdp: string;
  readonly plays: FakePlay[] = [];
  readonly recordings: FakeCallRecording[] = [];
  readonly modified: string[] = [];
  bridgedWith: MediaEndpoint | undefined;
  stopPlayCalls = 0;
  destroyCalls = 0;
  recordCallError: Error | undefined;
  /** play() rejects at once with this. */
  playError: Error | undefined;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    readonly id: string,
    readonly options: CreateEndpointOptions,
  ) {
    this.localSdp = `sdp-of-${id}`;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get playing(): FakePlay | undefined {
    return this.plays.find((p) => !p.done);
  }

  async modify(remoteSdp: string): Promise<string> {
    this.modified.push(remoteSdp);
    this.localSdp = `${this.localSdp}+answer`;
    return this.localSdp;
  }

  play(files: string | readonly string[]): Promise<PlayResult> {
    if (this.playError) return Promise.reject(this.playError);
    return new Promise((resolve, reject) => {
      const p: FakePlay = {
        files,
        done: false,
        finish: (interrupted = false) => {
          if (p.done) return;
          p.done = true;
          resolve({ playedMs: 1000, interrupted });
        },
        fail: (err) => {
          if (p.done) return;
          p.done = true;
          reject(err);
        },
      };
      this.plays.push(p);
    });
  }

  stopPlay(): void {
    this.stopPlayCalls++;
    this.playing?.finish(true);
  }

  record(): Promise<RecordResult> {
    throw new Error('not used');
  }

  stopRecord(): void {}

  collectDigits(): Promise<string> {
    throw new Error('not used');
  }

  onDtmf(): () => void {
    return () => undefined;
  }

  async sendDtmf(): Promise<void> {}
  async receiveDtmf(): Promise<void> {}

  async bridge(other: MediaEndpoint): Promise<void> {
    this.bridgedWith = other;
  }

  async unbridge(): Promise<void> {
    this.bridgedWith = undefined;
  }

  async recordCall(path: string): Promise<CallRecording> {
    if (this.recordCallError) throw this.recordCallError;
    const r = new FakeCallRecording(path);
    this.recordings.push(r);
    return r;
  }

  async destroy(): Promise<void> {
    this.destroyCalls++;
    this.resolveClosed();
  }
}

export class FakeMediaPort implements MediaPort {
  readonly endpoints: FakeEndpoint[] = [];
  /** createEndpoint() number n (0-based) rejects with this. */
  failOn = new Map<number, Error>();
  /** The localSdp of an endpoint created from a remote offer (default a placeholder). */
  answerSdp: string | undefined;

  get activeEndpoints(): number {
    return this.endpoints.filter((e) => e.destroyCalls === 0).length;
  }

  async createEndpoint(options: CreateEndpointOptions = {}): Promise<MediaEndpoint> {
    const n = this.endpoints.length;
    const err = this.failOn.get(n);
    if (err) {
      this.failOn.delete(n);
      throw err;
    }
    const ep = new FakeEndpoint(`ep${n}`, options);
    if (options.remoteSdp) ep.localSdp = this.answerSdp ?? `answer-of-ep${n}`;
    this.endpoints.push(ep);
    return ep;
  }

  async close(): Promise<void> {}
}

/** Lets queued promise callbacks run (several rounds: the service chains a few). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
