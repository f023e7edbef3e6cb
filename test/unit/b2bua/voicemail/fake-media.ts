/**
 * A scripted MediaPort for the voicemail unit tests: no sockets, no audio timing. Each
 * endpoint logs what it was asked to do (`play:greeting`, `collect`, `record`), answers
 * collectDigits() from a script of caller inputs ('' = the caller said nothing), and
 * records by writing a real WAV of the scripted length (so file handling is real).
 * A record() with nothing scripted waits until the endpoint is destroyed (the caller hangs
 * up mid-message) and then reports `hangupRecordMs` of audio.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type {
  CallRecording, CollectOptions, CreateEndpointOptions, DtmfListener, MediaEndpoint, MediaPort, PlayResult, RecordOptions, RecordResult,
} from '../../../../src/media/index.js';
import { generateTone } from '../../../../src/media/dsp/index.js';
import { encodeWav } from '../../../../src/media/wav/index.js';
import { LinegateError } from '../../../../src/shared/index.js';

export interface ScriptedRecord {
  readonly durationMs: number;
  readonly reason: RecordResult['reason'];
}

export class FakeEndpoint implements MediaEndpoint {
  readonly log: string[] = [];
  /** Answers to collectDigits(), in order; when empty, the caller says nothing (''). */
  readonly inputs: string[] = [];
  /** Results of record(), in order. */
  readonly records: ScriptedRecord[] = [];
  /** Prompt names (file base names) whose barge-in play the caller interrupts. */
  readonly interrupt = new Set<string>();
  /** Audio reported by a record() ended by the caller hanging up. */
  hangupRecordMs = 0;
  /** Called at each play, with the file base names (lets a test hang up at a given point). */
  onPlay: ((names: string[]) => void) | undefined;
  readonly closed: Promise<void>;
  localSdp: string;
  private resolveClosed!: () => void;
  private gone = false;
  private waitingRecord: ((r: RecordResult) => void) | undefined;
  private waitingPath = '';

  constructor(readonly id: string, readonly remoteSdp: string | undefined) {
    this.localSdp = `v=0\r\no=fake ${id}\r\n`;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get isGone(): boolean {
    return this.gone;
  }

  async modify(remoteSdp: string): Promise<string> {
    this.alive();
    this.log.push(`modify:${remoteSdp.length}`);
    this.localSdp = `v=0\r\no=fake ${this.id} 2\r\n`;
    return this.localSdp;
  }

  async play(files: string | readonly string[], options?: { readonly bargeIn?: boolean }): Promise<PlayResult> {
    this.alive();
    const names = (typeof files === 'string' ? [files] : [...files]).map((f) => basename(f, '.wav'));
    this.log.push(`play:${names.join('+')}`);
    this.onPlay?.(names);
    await Promise.resolve();
    const interrupted = options?.bargeIn === true && names.some((n) => this.interrupt.has(n));
    return { playedMs: interrupted ? 100 : 1000 * names.length, interrupted: interrupted || this.gone };
  }

  stopPlay(): void {}

  async record(path: string, options?: RecordOptions): Promise<RecordResult> {
    this.alive();
    this.log.push(`record:${options?.terminators ?? ''}`);
    const scripted = this.records.shift();
    if (scripted) {
      await writeTone(path, scripted.durationMs);
      return { path, durationMs: scripted.durationMs, reason: scripted.reason, ...(scripted.reason === 'terminator' ? { digit: '#' } : {}) };
    }
    this.waitingPath = path;
    return new Promise((resolve) => (this.waitingRecord = resolve));
  }

  stopRecord(): void {}

  async collectDigits(options: CollectOptions): Promise<string> {
    this.alive();
    this.log.push(`collect:${options.maxDigits}`);
    await Promise.resolve();
    return this.inputs.shift() ?? '';
  }

  onDtmf(_listener: DtmfListener): () => void {
    return () => undefined;
  }

  async sendDtmf(): Promise<void> {}

  /** Logged as `dtmf:<digit>` (the digits of a SIP INFO the leg passed on). */
  async receiveDtmf(digit: string): Promise<void> {
    if (!this.gone) this.log.push(`dtmf:${digit}`);
  }

  async bridge(): Promise<void> {}
  async unbridge(): Promise<void> {}

  async recordCall(): Promise<CallRecording> {
    throw new LinegateError('MEDIA_NOT_BRIDGED', 'fake');
  }

  async destroy(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    const waiting = this.waitingRecord;
    this.waitingRecord = undefined;
    if (waiting) {
      await writeTone(this.waitingPath, this.hangupRecordMs);
      waiting({ path: this.waitingPath, durationMs: this.hangupRecordMs, reason: 'hangup' });
    }
    this.resolveClosed();
  }

  private alive(): void {
    if (this.gone) throw new LinegateError('MEDIA_ENDPOINT_GONE', `endpoint ${this.id} was destroyed`);
  }
}

async function writeTone(path: string, ms: number): Promise<void> {
  await writeFile(path, encodeWav({ samples: generateTone(440, ms), sampleRate: 8000, channels: 1 }));
}

export class FakeMediaPort implements MediaPort {
  readonly endpoints: FakeEndpoint[] = [];
  /** Prepares the next endpoint before the service uses it. */
  script: ((ep: FakeEndpoint) => void) | undefined;

  get activeEndpoints(): number {
    return this.endpoints.filter((e) => !e.isGone).length;
  }

  async createEndpoint(options?: CreateEndpointOptions): Promise<MediaEndpoint> {
    const ep = new FakeEndpoint(`ep-${this.endpoints.length + 1}`, options?.remoteSdp);
    this.script?.(ep);
    this.endpoints.push(ep);
    return ep;
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.destroy()));
  }
}
