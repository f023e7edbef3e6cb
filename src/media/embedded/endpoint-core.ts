/**
 * What bridges, relays and call recordings need of an embedded endpoint, without the
 * whole MediaEndpoint surface: its RTP session and a tap on what its remote party sends.
 */
import type { MediaCodec } from '../media-port.js';
import type { RtpPacket } from '../rtp/index.js';
import type { RtpSession } from './rtp-session.js';

export interface InboundTap {
  /** Audio from the remote party; `pcm()` decodes it (once, shared by every tap). */
  onAudio?(packet: RtpPacket, codec: MediaCodec, pcm: () => Int16Array): void;
  /** An RFC 4733 telephone-event packet from the remote party. */
  onEvent?(packet: RtpPacket): void;
}

export interface EndpointCore {
  readonly id: string;
  readonly session: RtpSession;
  /** True while the endpoint sends media of its own (play, DTMF): relayed audio gives way. */
  readonly busySending: boolean;
  addTap(tap: InboundTap): () => void;
}
