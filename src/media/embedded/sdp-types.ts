/**
 * What offer/answer (RFC 3264) settles for the one audio stream an embedded endpoint
 * carries. The SDP modules produce it; the RTP session runs on it.
 */
import type { SessionDescription } from 'sdp-transform';
import type { MediaCodec, MediaDirection } from '../media-port.js';

/** Our side of the description: where we listen and what we can do. */
export interface LocalMediaParams {
  /** The address written in c= and o= (the advertised one, for NAT). */
  readonly address: string;
  readonly rtpPort: number;
  /** Codecs we accept, in our order of preference. */
  readonly codecs: readonly MediaCodec[];
  /** The ptime we ask the remote party to send with (RFC 4566 §6). */
  readonly ptimeMs: number;
  /** The dynamic payload type we offer for telephone-event (RFC 4733 §7.1.1). */
  readonly telephoneEventPt: number;
  /** Whether our socket can send to this address (IPv4 vs IPv6); absent = anything. */
  readonly canReach?: (ip: string) => boolean;
}

export interface NegotiatedAudio {
  readonly codec: MediaCodec;
  /** The payload type we send the codec with (the remote party's number for it). */
  readonly payloadType: number;
  /** telephone-event as the remote party numbered it; absent when not negotiated. */
  readonly telephoneEventPt?: number;
  /** telephone-event as we numbered it in our own SDP (what we receive). */
  readonly localTelephoneEventPt?: number;
  /** Where the remote party says it receives RTP; RTCP goes to `remoteRtcpPort`. */
  readonly remoteAddress: string;
  readonly remoteRtpPort: number;
  readonly remoteRtcpPort: number;
  /** The packet duration we send with: the remote party's a=ptime when sensible, else ours. */
  readonly sendPtimeMs: number;
  /** The direction from our side: sendrecv, sendonly (we only send), recvonly, inactive. */
  readonly direction: MediaDirection;
  /** The remote party put us on hold: a=sendonly/inactive or c=0.0.0.0 (RFC 3264 §8.4). */
  readonly remoteHold: boolean;
}

export interface SdpFailure {
  readonly ok: false;
  readonly code: 'MEDIA_BAD_SDP' | 'MEDIA_NO_COMMON_CODEC';
  readonly reason: string;
}

/** The result of reading a remote answer: network input, so a value, never an exception. */
export type NegotiationOutcome = { readonly ok: true; readonly audio: NegotiatedAudio } | SdpFailure;

/** The result of answering a remote offer: our answer (origin still to stamp) and the stream. */
export type AnswerOutcome =
  | { readonly ok: true; readonly audio: NegotiatedAudio; readonly answer: SessionDescription }
  | SdpFailure;

/** True when the direction lets us send RTP to the remote party. */
export function weSend(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

/** True when the direction means the remote party sends RTP to us. */
export function weReceive(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}
