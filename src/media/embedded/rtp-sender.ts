/**
 * The sending half of an RTP session (RFC 3550 §5.1): one SSRC, a sequence number that
 * goes up by one per packet, and a timestamp on an 8 kHz media clock that keeps running
 * between talkspurts. Every source of outgoing audio (a prompt, a relayed leg, DTMF)
 * starts a talkspurt here, so the stream stays one continuous timeline whatever feeds it.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/index.js';
import { serializeRtp } from '../rtp/index.js';

export interface OutboundPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly payload: Uint8Array;
}

export interface RtpSenderIds {
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
}

/** RFC 3550 §5.1: SSRC, initial sequence number and initial timestamp are random. */
export function randomRtpIds(): RtpSenderIds {
  const b = randomBytes(10);
  return { ssrc: b.readUInt32BE(0), sequence: b.readUInt16BE(4), timestamp: b.readUInt32BE(6) };
}

/** a - b on the 32-bit timestamp circle, as a signed number. */
export function timestampDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class RtpSender {
  readonly ssrc: number;
  private sequence: number;
  private readonly origin: number;
  private readonly epochMs: number;
  private nextFree: number | undefined;
  private spurt = 0;
  private sent = 0;
  private octets = 0;

  constructor(
    private readonly clock: Clock,
    private readonly transmit: (datagram: Buffer) => void,
    private readonly clockRate = 8000,
    ids: RtpSenderIds = randomRtpIds(),
  ) {
    this.ssrc = ids.ssrc >>> 0;
    this.sequence = ids.sequence & 0xffff;
    this.origin = ids.timestamp >>> 0;
    this.epochMs = clock.now();
  }

  /** The media clock now: the timestamp a sample taken at this instant would carry. */
  timestampNow(): number {
    return (this.origin + Math.round(((this.clock.now() - this.epochMs) * this.clockRate) / 1000)) >>> 0;
  }

  /**
   * Starts a talkspurt: its first timestamp is the media clock now, but never inside the
   * previous packet, so timestamps never go backwards. The talkspurt's first packet
   * carries the marker bit (RFC 3551 §4.1); callers pass `marker: true` for it.
   */
  beginTalkspurt(): number {
    this.spurt += 1;
    const now = this.timestampNow();
    const free = this.nextFree;
    return free !== undefined && timestampDiff(free, now) > 0 ? free : now;
  }

  /** Increments on each beginTalkspurt(): a relay compares it to notice another source took over. */
  get talkspurt(): number {
    return this.spurt;
  }

  /** Sends one packet; `samples` is how much media time it covers (for the next talkspurt). */
  send(packet: OutboundPacket, samples = packet.payload.length): void {
    const datagram = serializeRtp({
      marker: packet.marker,
      payloadType: packet.payloadType,
      sequence: this.sequence,
      timestamp: packet.timestamp >>> 0,
      ssrc: this.ssrc,
      payload: Buffer.from(packet.payload.buffer, packet.payload.byteOffset, packet.payload.byteLength),
    });
    this.sequence = (this.sequence + 1) & 0xffff;
    const end = (packet.timestamp + samples) >>> 0;
    if (this.nextFree === undefined || timestampDiff(end, this.nextFree) > 0) this.nextFree = end;
    this.sent += 1;
    this.octets += packet.payload.length;
    this.transmit(datagram);
  }

  /** The next sequence number to be used (for tests and RTCP). */
  get nextSequence(): number {
    return this.sequence;
  }

  /** RFC 3550 §6.4.1 sender's packet and octet counts. */
  get packetsSent(): number {
    return this.sent;
  }

  get octetsSent(): number {
    return this.octets;
  }
}
