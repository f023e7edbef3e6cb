/**
 * The embedded MediaEndpoint: one RTP session with its offer/answer state, and the media
 * operations call control asks for (play, record, DTMF, bridge, call recording).
 */
import type { Clock } from '../../shared/index.js';
import { LinegateError } from '../../shared/index.js';
import { g711Codec } from '../codec/index.js';
import type {
  CallRecording,
  CollectOptions,
  DtmfListener,
  MediaCodec,
  MediaEndpoint,
  PlayResult,
  RecordOptions,
  RecordResult,
} from '../media-port.js';
import { dtmfEventOf, type RtpPacket } from '../rtp/index.js';
import { BridgeLink } from './bridge-link.js';
import { sendDigit } from './dtmf-sender.js';
import { DtmfHub } from './dtmf-hub.js';
import { DtmfInput } from './dtmf-input.js';
import type { EndpointCore, InboundTap } from './endpoint-core.js';
import { Player, type SendFormat } from './player.js';
import { Recorder } from './recorder.js';
import type { RtpSession } from './rtp-session.js';
import type { SdpNegotiation } from './sdp-negotiation.js';
import { endpointStats, type EndpointStats } from './endpoint-stats.js';

/** receiveDtmf(): one key of the RFC 4733 event table (§3.2), and the duration listeners hear by default. */
const ONE_DIGIT = /^[0-9*#A-D]$/;
const RECEIVED_DIGIT_MS = 100;

export interface EmbeddedEndpointDeps {
  readonly id: string;
  readonly clock: Clock;
  readonly session: RtpSession;
  readonly negotiation: SdpNegotiation;
  readonly ptimeMs: number;
  /** Called once when the endpoint is gone, after its sockets are closed. */
  readonly onGone: (endpoint: EmbeddedEndpoint) => void;
}

export class EmbeddedEndpoint implements MediaEndpoint, EndpointCore {
  readonly id: string;
  readonly session: RtpSession;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly clock: Clock;
  private readonly hub: DtmfHub;
  private readonly dtmf: DtmfInput;
  private readonly player: Player;
  private readonly taps = new Set<InboundTap>();
  private recorder: Recorder | undefined;
  private recordStarting = false;
  private bargeInPlay: object | undefined;
  private dtmfQueue: Promise<void> = Promise.resolve();
  private sendingDtmf = false;
  private link: BridgeLink<EmbeddedEndpoint> | undefined;
  private destroying: Promise<void> | undefined;

  constructor(private readonly deps: EmbeddedEndpointDeps) {
    this.id = deps.id;
    this.clock = deps.clock;
    this.session = deps.session;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.hub = new DtmfHub(deps.clock);
    this.dtmf = new DtmfInput(deps.clock, {
      onDigitStart: () => this.digitStarted(),
      onDigit: (digit, durationMs) => this.hub.emit(digit, durationMs),
    });
    this.player = new Player({
      clock: deps.clock,
      sender: deps.session.sender,
      format: () => this.sendFormat(),
      audioHeld: () => this.sendingDtmf,
    });
    this.session.onPacket = (p) => this.onPacket(p);
    this.session.onTimeout = () => void this.destroy();
    if (this.session.negotiated) this.dtmf.setTelephoneEvent(this.session.negotiated.telephoneEventPt !== undefined);
  }

  get localSdp(): string {
    return this.deps.negotiation.localSdp;
  }

  /** RTP statistics for metrics: what was received (loss, jitter) and sent. */
  get stats(): EndpointStats {
    return endpointStats(this.session);
  }

  get busySending(): boolean {
    return this.player.playing || this.sendingDtmf;
  }

  addTap(tap: InboundTap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  async modify(remoteSdp: string): Promise<string> {
    this.assertAlive();
    const step = this.deps.negotiation.receive(remoteSdp);
    if (!step.ok) throw new LinegateError(step.code, step.reason);
    this.session.configure(step.audio);
    this.dtmf.setTelephoneEvent(step.audio.telephoneEventPt !== undefined);
    return step.localSdp;
  }

  async play(files: string | readonly string[], options?: { readonly bargeIn?: boolean }): Promise<PlayResult> {
    this.assertAlive();
    this.hub.clearBuffer();
    const token = {};
    this.bargeInPlay = options?.bargeIn ? token : undefined;
    const list = typeof files === 'string' ? [files] : files;
    try {
      return await this.player.play(list, this.deps.ptimeMs);
    } finally {
      if (this.bargeInPlay === token) this.bargeInPlay = undefined;
    }
  }

  stopPlay(): void {
    this.player.stop();
  }

  async record(path: string, options: RecordOptions = {}): Promise<RecordResult> {
    this.assertAlive();
    if (this.recorder || this.recordStarting) throw new LinegateError('MEDIA_BUSY', 'record() is already in progress on this endpoint');
    this.recordStarting = true;
    let recorder: Recorder;
    try {
      recorder = await Recorder.open(path, options, this.clock);
    } catch (err) {
      throw new LinegateError('MEDIA_FILE_NOT_WRITABLE', `cannot record to ${path}`, { cause: err });
    } finally {
      this.recordStarting = false;
    }
    this.hub.clearBuffer();
    this.recorder = recorder;
    const release = this.hub.intercept((digit) => recorder.onDigit(digit));
    if (this.destroying) recorder.stop('hangup');
    try {
      return await recorder.done;
    } finally {
      release();
      if (this.recorder === recorder) this.recorder = undefined;
    }
  }

  stopRecord(): void {
    this.recorder?.stop('stopped');
  }

  async collectDigits(options: CollectOptions): Promise<string> {
    this.assertAlive();
    return this.hub.collect(options);
  }

  onDtmf(listener: DtmfListener): () => void {
    return this.hub.onDtmf(listener);
  }

  async receiveDtmf(digit: string, options?: { readonly durationMs?: number }): Promise<void> {
    if (!ONE_DIGIT.test(digit)) throw new LinegateError('MEDIA_BAD_DIGITS', `not one DTMF digit: ${JSON.stringify(digit)}`);
    if (this.destroying) return;
    // What DtmfInput reports for an RFC 4733 event, its start and its end at once.
    this.digitStarted();
    this.hub.emit(digit, options?.durationMs ?? RECEIVED_DIGIT_MS);
  }

  async sendDtmf(digits: string, options?: { readonly durationMs?: number }): Promise<void> {
    this.assertAlive();
    const audio = this.session.negotiated;
    const pt = audio?.telephoneEventPt;
    if (!audio || pt === undefined) {
      throw new LinegateError('MEDIA_NO_TELEPHONE_EVENT', 'telephone-event was not negotiated with the remote party');
    }
    const bad = [...digits].find((d) => dtmfEventOf(d) === undefined);
    if (bad !== undefined) throw new LinegateError('MEDIA_BAD_DIGITS', `not a DTMF digit: ${JSON.stringify(bad)}`);
    const durationMs = options?.durationMs ?? 100;
    const run = async (): Promise<void> => {
      for (const digit of digits) {
        if (this.destroying) return;
        this.sendingDtmf = true;
        try {
          await sendDigit(this.clock, this.session.sender, pt, digit, durationMs, audio.sendPtimeMs, () => !!this.destroying);
        } finally {
          this.sendingDtmf = false;
        }
      }
    };
    this.dtmfQueue = this.dtmfQueue.then(run, run);
    await this.dtmfQueue;
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    this.assertAlive();
    if (!(other instanceof EmbeddedEndpoint) || other === this) {
      throw new LinegateError('MEDIA_BAD_BRIDGE', 'an embedded endpoint bridges only with another embedded endpoint');
    }
    other.assertAlive();
    if (this.link && this.link === other.link) return;
    await this.unbridge();
    await other.unbridge();
    const link = new BridgeLink<EmbeddedEndpoint>(this, other);
    this.link = link;
    other.link = link;
  }

  async unbridge(): Promise<void> {
    const link = this.link;
    if (!link) return;
    link.a.link = undefined;
    link.b.link = undefined;
    await link.close();
  }

  async recordCall(path: string): Promise<CallRecording> {
    this.assertAlive();
    if (!this.link) throw new LinegateError('MEDIA_NOT_BRIDGED', 'recordCall() needs the endpoint to be bridged');
    return this.link.record(path, this, this.clock);
  }

  destroy(): Promise<void> {
    if (!this.destroying) this.destroying = this.teardown();
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    this.player.stop();
    this.recorder?.stop('hangup');
    const recording = this.recorder?.done.catch(() => undefined);
    this.hub.close();
    this.dtmf.close();
    await this.unbridge();
    await recording;
    await this.session.close();
    this.taps.clear();
    this.deps.onGone(this);
    this.resolveClosed();
  }

  /** A digit begins: a barge-in play stops, and a recording holds back the audio under it. */
  private digitStarted(): void {
    if (this.bargeInPlay) this.player.stop();
    this.recorder?.onDigitStart();
  }

  private assertAlive(): void {
    if (this.destroying) throw new LinegateError('MEDIA_ENDPOINT_GONE', `endpoint ${this.id} was destroyed`);
  }

  private sendFormat(): SendFormat | undefined {
    const a = this.session.negotiated;
    return a ? { codec: g711Codec(a.codec), payloadType: a.payloadType, ptimeMs: a.sendPtimeMs } : undefined;
  }

  private onPacket(packet: RtpPacket): void {
    const a = this.session.negotiated;
    const pt = packet.payloadType;
    if (pt === a?.localTelephoneEventPt || pt === a?.telephoneEventPt || (!a && pt === this.session.offeredTelephoneEventPt)) {
      this.dtmf.onEventPacket(packet);
      for (const t of this.taps) t.onEvent?.(packet);
      return;
    }
    const codec = codecOf(pt, a?.payloadType === pt ? a.codec : undefined);
    if (!codec) return;
    let pcm: Int16Array | undefined;
    const decode = (): Int16Array => (pcm ??= g711Codec(codec).decode(packet.payload));
    if (this.dtmf.wantsAudio) this.dtmf.onAudio(decode());
    this.recorder?.onAudio(decode(), packet.timestamp, packet.ssrc);
    for (const t of this.taps) t.onAudio?.(packet, codec, decode);
  }
}

/** RFC 3551 static types first; a dynamic number only when the SDP mapped it to G.711. */
function codecOf(pt: number, negotiated: MediaCodec | undefined): MediaCodec | undefined {
  if (pt === 0) return 'PCMU';
  if (pt === 8) return 'PCMA';
  return negotiated;
}
