/**
 * A scripted RTP peer on 127.0.0.1 (ports picked by the system) for media tests: describes
 * itself in SDP, sends a WAV file or a generated tone as PCMU/PCMA in real time, sends
 * RFC 4733 digits, and keeps what it receives: RTP packets (decoded to PCM), telephone-event
 * digits and RTCP. Used by the embedded endpoint's tests and the voicemail/recording tests.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { parse } from 'sdp-transform';
import { g711Codec } from '../../src/media/codec/index.js';
import { generateTone } from '../../src/media/dsp/index.js';
import {
  parseRtcp,
  parseRtp,
  serializeRtp,
  telephoneEventPackets,
  TelephoneEventReceiver,
  type RtcpPacket,
  type RtpPacket,
} from '../../src/media/rtp/index.js';
import { readWav, resample } from '../../src/media/wav/index.js';

export type PeerCodec = 'PCMU' | 'PCMA';

export interface RtpPeerOptions {
  readonly codec?: PeerCodec;
  /** telephone-event PT offered in sdp(); null = do not offer telephone-event. */
  readonly telephoneEventPt?: number | null;
  readonly ptimeMs?: number;
  readonly ssrc?: number;
}

export interface ReceivedPacket {
  readonly packet: RtpPacket;
  readonly at: number;
  readonly from: RemoteInfo;
}

export interface Target {
  readonly address: string;
  readonly port: number;
}

export class RtpPeer {
  readonly received: ReceivedPacket[] = [];
  readonly rtcp: RtcpPacket[][] = [];
  readonly digits: Array<{ digit: string; durationMs: number }> = [];
  /** Where sendXxx() sends RTP; set from the other side's SDP, or by hand. */
  remote: Target | undefined;
  readonly codec: PeerCodec;
  readonly ssrc: number;
  private sequence = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private readonly events = new TelephoneEventReceiver();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly rtcpSocket: Socket,
    readonly telephoneEventPt: number | undefined,
    readonly ptimeMs: number,
    options: RtpPeerOptions,
  ) {
    this.codec = options.codec ?? 'PCMU';
    this.ssrc = options.ssrc ?? Math.floor(Math.random() * 0xffffffff);
    socket.on('message', (msg, rinfo) => this.onRtp(msg, rinfo));
    rtcpSocket.on('message', (msg) => {
      const r = parseRtcp(msg, { allowReducedSize: true });
      if (r.ok) this.rtcp.push([...r.packets]);
    });
    socket.on('error', () => {});
    rtcpSocket.on('error', () => {});
  }

  static async start(options: RtpPeerOptions = {}): Promise<RtpPeer> {
    const [rtp, rtcp] = await Promise.all([bound(), bound()]);
    const te = options.telephoneEventPt === null ? undefined : (options.telephoneEventPt ?? 101);
    return new RtpPeer(rtp, rtcp, te, options.ptimeMs ?? 20, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get rtcpPort(): number {
    return this.rtcpSocket.address().port;
  }

  /** An SDP (offer or answer) for this peer; `port` lets a test advertise another port than it sends from. */
  sdp(o: { readonly direction?: string; readonly port?: number; readonly address?: string; readonly codecs?: readonly PeerCodec[] } = {}): string {
    const codecs = o.codecs ?? [this.codec];
    const pts = codecs.map((c) => g711Codec(c).payloadType);
    if (this.telephoneEventPt !== undefined) pts.push(this.telephoneEventPt);
    const address = o.address ?? '127.0.0.1';
    const ip = address.includes(':') ? 'IP6' : 'IP4';
    const lines = [
      'v=0',
      `o=peer 1 1 IN ${ip} ${address}`,
      's=rtp-peer',
      `c=IN ${ip} ${address}`,
      't=0 0',
      `m=audio ${o.port ?? this.port} RTP/AVP ${pts.join(' ')}`,
      ...codecs.map((c) => `a=rtpmap:${g711Codec(c).payloadType} ${c}/8000`),
      ...(this.telephoneEventPt !== undefined
        ? [`a=rtpmap:${this.telephoneEventPt} telephone-event/8000`, `a=fmtp:${this.telephoneEventPt} 0-15`]
        : []),
      `a=rtcp:${this.rtcpPort}`,
      `a=ptime:${this.ptimeMs}`,
      `a=${o.direction ?? 'sendrecv'}`,
    ];
    return lines.join('\r\n') + '\r\n';
  }

  /** Points sendXxx() at the audio stream of the other side's SDP. */
  useRemoteSdp(sdp: string): void {
    const s = parse(sdp);
    const m = s.media.find((x) => x.type === 'audio' && x.port !== 0);
    const ip = m?.connection?.ip ?? s.connection?.ip;
    if (!m || !ip) throw new Error('no usable audio stream in the SDP');
    this.remote = { address: ip, port: m.port };
  }

  /** Sends PCM as RTP, one packet per ptime on absolute deadlines (real time). */
  async sendPcm(pcm: Int16Array, o: { readonly marker?: boolean; readonly drop?: (index: number) => boolean } = {}): Promise<void> {
    const codec = g711Codec(this.codec);
    const frame = (this.ptimeMs * 8000) / 1000;
    const start = performance.now();
    for (let i = 0; i * frame < pcm.length && !this.closed; i++) {
      await sleepUntil(start + i * this.ptimeMs);
      const chunk = new Int16Array(frame);
      chunk.set(pcm.subarray(i * frame, Math.min(pcm.length, (i + 1) * frame)));
      if (!o.drop?.(i)) this.sendRtp(codec.payloadType, i === 0 && (o.marker ?? true), this.timestamp, codec.encode(chunk));
      else this.sequence = (this.sequence + 1) & 0xffff;
      this.timestamp = (this.timestamp + frame) >>> 0;
    }
  }

  sendTone(freqHz: number, ms: number, amplitude = 0.5): Promise<void> {
    return this.sendPcm(generateTone(freqHz, ms, 8000, amplitude));
  }

  /** Sends a WAV file (resampled to 8 kHz, first channel) in real time. */
  async sendWav(path: string): Promise<void> {
    const wav = readWav(await readFile(path));
    if (!wav.ok) throw new Error(`${path}: ${wav.reason}`);
    let mono = wav.samples;
    if (wav.channels > 1) mono = mono.filter((_s, i) => i % wav.channels === 0);
    await this.sendPcm(wav.sampleRate === 8000 ? mono : resample(mono, wav.sampleRate, 8000));
  }

  /** Sends digits as RFC 4733 events in real time; `dropEnd` loses that many of the three end packets. */
  async sendDigits(digits: string, o: { readonly durationMs?: number; readonly dropEnd?: number; readonly gapMs?: number } = {}): Promise<void> {
    const pt = this.telephoneEventPt;
    if (pt === undefined) throw new Error('this peer did not offer telephone-event');
    for (const digit of digits) {
      const packets = telephoneEventPackets(digit, o.durationMs ?? 100, this.ptimeMs);
      const start = performance.now();
      let ends = 0;
      for (const p of packets) {
        await sleepUntil(start + p.offsetMs);
        if (p.end && ends++ < (o.dropEnd ?? 0)) {
          this.sequence = (this.sequence + 1) & 0xffff;
          continue;
        }
        this.sendRtp(pt, p.marker, this.timestamp, p.payload);
      }
      this.timestamp = (this.timestamp + (o.durationMs ?? 100) * 8) >>> 0;
      await sleepUntil(performance.now() + (o.gapMs ?? 80));
      this.timestamp = (this.timestamp + (o.gapMs ?? 80) * 8) >>> 0;
    }
  }

  sendRtp(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    const t = this.remote;
    if (!t || this.closed) return;
    const datagram = serializeRtp({ marker, payloadType, sequence: this.sequence, timestamp, ssrc: this.ssrc, payload: Buffer.from(payload) });
    this.sequence = (this.sequence + 1) & 0xffff;
    this.socket.send(datagram, t.port, t.address);
  }

  /** Audio packets received, in arrival order. */
  audioPackets(): ReceivedPacket[] {
    return this.received.filter((r) => r.packet.payloadType === 0 || r.packet.payloadType === 8);
  }

  /** Everything received as audio, decoded and concatenated in arrival order. */
  receivedPcm(since = 0): Int16Array {
    const parts = this.audioPackets()
      .filter((r) => r.at >= since)
      .map((r) => g711Codec(r.packet.payloadType === 8 ? 'PCMA' : 'PCMU').decode(r.packet.payload));
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([closeSocket(this.socket), closeSocket(this.rtcpSocket)]);
  }

  private onRtp(msg: Buffer, rinfo: RemoteInfo): void {
    const r = parseRtp(msg);
    if (!r.ok) return;
    this.received.push({ packet: r.packet, at: performance.now(), from: rinfo });
    if (this.telephoneEventPt !== undefined && r.packet.payloadType === this.telephoneEventPt) {
      for (const d of this.events.receive(r.packet, performance.now())) this.digits.push({ digit: d.digit, durationMs: d.durationMs });
    }
  }
}

function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

function closeSocket(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

function sleepUntil(t: number): Promise<void> {
  const ms = t - performance.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * An RTP port range for an EmbeddedMediaPort under test, picked at run time: a random
 * even base in 20 000–59 000, 200 ports wide. The port skips pairs that something else
 * holds, so parallel test files do not collide.
 */
export function runtimePortRange(width = 200): { min: number; max: number } {
  const min = 20_000 + 2 * Math.floor(Math.random() * 19_500);
  return { min, max: min + width - 1 };
}
