/**
 * One direction of a bridge: each packet the source endpoint receives is sent on by the
 * other endpoint at once (no buffering, so no delay beyond the packet itself). Same codec:
 * the payload is forwarded untouched; different codecs: transcoded through 16-bit PCM.
 * The outgoing stream keeps its own SSRC and sequence numbers (we are a B2BUA, not a
 * translator); timestamps follow the source's with a fixed offset, re-anchored whenever the
 * source changes SSRC or another source (a prompt, DTMF) used the stream in between, and
 * that re-anchoring sets the marker bit (RFC 3550 §5.1, RFC 3551 §4.1).
 */
import { g711Codec } from '../codec/index.js';
import type { MediaCodec } from '../media-port.js';
import type { RtpPacket } from '../rtp/index.js';
import type { EndpointCore, InboundTap } from './endpoint-core.js';

export class Relay implements InboundTap {
  private anchor: { ssrc: number; talkspurt: number; offset: number } | undefined;
  private relayed = 0;

  constructor(private readonly to: EndpointCore) {}

  /** Packets forwarded so far (audio and events). */
  get packets(): number {
    return this.relayed;
  }

  onAudio(packet: RtpPacket, codec: MediaCodec, pcm: () => Int16Array): void {
    const out = this.to.session.negotiated;
    if (!out || this.to.busySending || !this.to.session.canSend) return;
    const payload = codec === out.codec ? packet.payload : g711Codec(out.codec).encode(pcm());
    this.forward(packet, out.payloadType, payload, payload.length);
  }

  onEvent(packet: RtpPacket): void {
    const out = this.to.session.negotiated;
    // Without telephone-event on the other leg the digit is not relayed (no in-band synthesis).
    if (!out || out.telephoneEventPt === undefined || this.to.busySending || !this.to.session.canSend) return;
    this.forward(packet, out.telephoneEventPt, packet.payload, 0);
  }

  private forward(packet: RtpPacket, payloadType: number, payload: Uint8Array, samples: number): void {
    const sender = this.to.session.sender;
    let marker = packet.marker;
    let a = this.anchor;
    if (!a || a.ssrc !== packet.ssrc || a.talkspurt !== sender.talkspurt) {
      const start = sender.beginTalkspurt();
      a = { ssrc: packet.ssrc, talkspurt: sender.talkspurt, offset: (start - packet.timestamp) >>> 0 };
      this.anchor = a;
      marker = true;
    }
    sender.send({ payloadType, marker, timestamp: (packet.timestamp + a.offset) >>> 0, payload }, samples);
    this.relayed += 1;
  }
}
