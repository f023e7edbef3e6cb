/**
 * One RTP session over a UDP pair: validates what arrives, latches onto the address media
 * really comes from (symmetric RTP, RFC 4961), keeps reception statistics, sends through
 * one RtpSender, runs RTCP, and notices when media stops (the media timeout).
 */
import type { RemoteInfo } from 'node:dgram';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { PAYLOAD_TYPES } from '../codec/index.js';
import { isRtcp, parseRtcp, parseRtp, type RtpPacket } from '../rtp/index.js';
import { ReceiveStatistics, type ReceiveStats } from './receive-statistics.js';
import { RtcpReporter } from './rtcp-reporter.js';
import { RtpSender } from './rtp-sender.js';
import { isUnspecifiedAddress } from './sdp-reading.js';
import { weReceive, weSend, type NegotiatedAudio } from './sdp-types.js';
import { plainAddress, type UdpPair, type UdpTarget } from './udp-pair.js';

/** RFC 3389 comfort noise: valid media for latching and liveness, but nothing to decode. */
const COMFORT_NOISE_PT = 13;

export interface RtpSessionOptions {
  readonly clock: Clock;
  readonly pair: UdpPair;
  readonly cname: string;
  /** No RTP/RTCP for this long → onTimeout (0 disables). */
  readonly mediaTimeoutMs: number;
  /** telephone-event PT we offer/accept before any negotiation completes. */
  readonly telephoneEventPt: number;
  readonly logger?: Logger;
  readonly rtcpIntervalMs?: number;
}

export interface RtpSessionCounters {
  /** Datagrams that are neither valid RTP nor valid RTCP. */
  readonly malformed: number;
  /** RTP with a payload type we did not negotiate. */
  readonly unexpectedPayloadType: number;
  /** RTP from another address than the latched one, same SSRC (dropped). */
  readonly foreignSource: number;
  /** Times the remote address moved to where media came from. */
  readonly latches: number;
}

export class RtpSession {
  readonly sender: RtpSender;
  private readonly statistics = new ReceiveStatistics();
  private readonly reporter: RtcpReporter;
  private audio: NegotiatedAudio | undefined;
  private target: UdpTarget | undefined;
  private rtcpTarget: UdpTarget | undefined;
  private latchedSsrc: number | undefined;
  private rtcpLatched = false;
  private lastHeardAt: number;
  private heard = false;
  private timeoutTimer: TimerHandle | undefined;
  private closed = false;
  private counts = { malformed: 0, unexpectedPayloadType: 0, foreignSource: 0, latches: 0 };

  /** Valid RTP of a negotiated audio or telephone-event format (not comfort noise). */
  onPacket: (packet: RtpPacket) => void = () => {};
  onTimeout: () => void = () => {};

  constructor(private readonly options: RtpSessionOptions) {
    const { clock, pair } = options;
    this.sender = new RtpSender(clock, (d) => this.sendRtp(d));
    this.reporter = new RtcpReporter(clock, this.sender, this.statistics, options.cname, (d) => this.sendRtcp(d), options.rtcpIntervalMs);
    this.lastHeardAt = clock.now();
    pair.rtp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo, false));
    pair.rtcp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo, true));
    const onError = (err: Error): void => options.logger?.warn({ err }, 'RTP socket error');
    pair.rtp.on('error', onError);
    pair.rtcp.on('error', onError);
  }

  /** The telephone-event payload type of our own offer (what may arrive before the answer). */
  get offeredTelephoneEventPt(): number {
    return this.options.telephoneEventPt;
  }

  get localPort(): number {
    return this.options.pair.port;
  }

  get receiveStats(): ReceiveStats {
    return this.statistics.stats;
  }

  get counters(): RtpSessionCounters {
    return { ...this.counts };
  }

  /** Where RTP goes now: the SDP address until media arrives from elsewhere. */
  get remote(): UdpTarget | undefined {
    return this.target;
  }

  /** The stream as negotiated, or undefined before the first completed offer/answer. */
  get negotiated(): NegotiatedAudio | undefined {
    return this.audio;
  }

  /** True when we may send RTP: the direction allows it and the peer gave an address. */
  get canSend(): boolean {
    return !!this.audio && weSend(this.audio.direction) && !!this.target && !isUnspecifiedAddress(this.target.address);
  }

  /** Applies a completed offer/answer. A new remote address or port drops the latch. */
  configure(audio: NegotiatedAudio): void {
    const prev = this.audio;
    this.audio = audio;
    if (!prev || prev.remoteAddress !== audio.remoteAddress || prev.remoteRtpPort !== audio.remoteRtpPort) {
      this.target = { address: audio.remoteAddress, port: audio.remoteRtpPort };
      this.rtcpTarget = { address: audio.remoteAddress, port: audio.remoteRtcpPort };
      this.latchedSsrc = undefined;
      this.rtcpLatched = false;
    }
    this.reporter.start();
    this.armTimeout();
  }

  async close(reason = 'session ended'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    const bye = this.reporter.bye(reason);
    if (this.audio) await this.sendRtcpNow(bye);
    await this.options.pair.close();
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo, onRtcpPort: boolean): void {
    if (this.closed) return;
    if (onRtcpPort || isRtcp(msg)) {
      this.onRtcp(msg, rinfo);
      return;
    }
    const parsed = parseRtp(msg);
    if (!parsed.ok) {
      this.counts.malformed += 1;
      return;
    }
    const packet = parsed.packet;
    if (!this.expects(packet.payloadType)) {
      this.counts.unexpectedPayloadType += 1;
      return;
    }
    if (!this.latch(packet.ssrc, rinfo)) return;
    const now = this.options.clock.now();
    this.heardFrom(now);
    this.statistics.onPacket(packet.ssrc, packet.sequence, packet.timestamp, packet.payload.length, now);
    if (packet.payloadType !== COMFORT_NOISE_PT) this.onPacket(packet);
  }

  /**
   * RFC 4961 symmetric RTP: send to where the peer's media comes from (NAT), re-latching
   * once per new SSRC. Packets of the latched SSRC from another address are dropped, so a
   * stray sender cannot hijack the stream mid-call.
   */
  private latch(ssrc: number, rinfo: RemoteInfo): boolean {
    const from: UdpTarget = { address: plainAddress(rinfo.address), port: rinfo.port };
    const same = this.target && this.target.address === from.address && this.target.port === from.port;
    if (ssrc === this.latchedSsrc) {
      if (same) return true;
      this.counts.foreignSource += 1;
      return false;
    }
    this.latchedSsrc = ssrc;
    if (!same) {
      this.options.logger?.info({ from, was: this.target, ssrc }, 'RTP latched onto the source address');
      this.counts.latches += 1;
      const movedHost = this.target?.address !== from.address;
      this.target = from;
      // Same host: its SDP's RTCP port still holds. Another host (NAT): guess RTP + 1 until RTCP arrives.
      if (!this.rtcpLatched && movedHost) this.rtcpTarget = { address: from.address, port: from.port + 1 };
    }
    return true;
  }

  private expects(pt: number): boolean {
    const a = this.audio;
    if (pt === PAYLOAD_TYPES.PCMU || pt === PAYLOAD_TYPES.PCMA || pt === COMFORT_NOISE_PT) return true;
    if (!a) return pt === this.options.telephoneEventPt;
    return pt === a.payloadType || pt === a.localTelephoneEventPt || pt === a.telephoneEventPt;
  }

  private onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    const parsed = parseRtcp(msg, { allowReducedSize: true });
    if (!parsed.ok) {
      this.counts.malformed += 1;
      return;
    }
    this.heardFrom(this.options.clock.now());
    this.reporter.onRtcp(parsed.packets);
    if (!this.rtcpLatched) {
      this.rtcpLatched = true;
      this.rtcpTarget = { address: plainAddress(rinfo.address), port: rinfo.port };
    }
  }

  private sendRtp(datagram: Buffer): void {
    const t = this.target;
    if (this.closed || !t || !this.canSend) return;
    this.options.pair.rtp.send(datagram, t.port, this.options.pair.sendAddress(t.address));
  }

  private sendRtcp(datagram: Buffer): void {
    void this.sendRtcpNow(datagram);
  }

  /** RFC 3264 §8.4: nothing at all (not even RTCP) goes to c=0.0.0.0. */
  private sendRtcpNow(datagram: Buffer): Promise<void> {
    const t = this.rtcpTarget;
    if (!t || isUnspecifiedAddress(t.address)) return Promise.resolve();
    return new Promise((resolve) => {
      this.options.pair.rtcp.send(datagram, t.port, this.options.pair.sendAddress(t.address), () => resolve());
    });
  }

  private heardFrom(now: number): void {
    this.lastHeardAt = now;
    if (!this.heard) {
      this.heard = true;
      this.armTimeout();
    }
  }

  /**
   * The media timeout detects media that *stopped*: it runs once the peer has been heard at
   * least once. Before that, silence is normal: a caller whose INVITE we answer only when
   * the callee does (an anchored call ringing for a minute) cannot send us anything yet.
   * It is suspended on hold (the peer may legitimately send nothing) and whenever the
   * negotiated direction means we expect no media.
   */
  private armTimeout(): void {
    const { clock, mediaTimeoutMs } = this.options;
    clock.clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    const a = this.audio;
    if (mediaTimeoutMs <= 0 || this.closed || !this.heard || !a || a.remoteHold || !weReceive(a.direction)) return;
    this.lastHeardAt = Math.max(this.lastHeardAt, clock.now());
    const check = (): void => {
      const silentFor = clock.now() - this.lastHeardAt;
      if (silentFor >= mediaTimeoutMs) {
        this.timeoutTimer = undefined;
        this.options.logger?.info({ silentFor }, 'media timeout: no RTP from the remote party');
        this.onTimeout();
        return;
      }
      this.timeoutTimer = clock.setTimeout(check, mediaTimeoutMs - silentFor);
    };
    this.timeoutTimer = clock.setTimeout(check, mediaTimeoutMs);
  }
}
