/**
 * Turns one accepted remote m= line into the NegotiatedAudio the RTP session runs on,
 * whichever side made the offer.
 */
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import type { MediaDirection } from '../media-port.js';
import type { OfferedFormat } from './sdp-reading.js';
import {
  complementDirection,
  isUnspecifiedAddress,
  readConnection,
  readDirection,
  readRtcpPort,
  sendPtime,
  withoutReceiving,
} from './sdp-reading.js';
import type { LocalMediaParams, NegotiatedAudio, SdpFailure } from './sdp-types.js';

export interface StreamChoice {
  readonly format: OfferedFormat;
  /** telephone-event as numbered by the remote party, if both sides have it. */
  readonly remoteTelephoneEventPt?: number;
  /** telephone-event as numbered in our own SDP. */
  readonly localTelephoneEventPt?: number;
}

export function negotiatedAudio(
  session: SessionDescription,
  media: MediaDescription,
  choice: StreamChoice,
  local: LocalMediaParams,
): { readonly ok: true; readonly audio: NegotiatedAudio } | SdpFailure {
  const ip = readConnection(session, media);
  if (ip === undefined) return { ok: false, code: 'MEDIA_BAD_SDP', reason: 'the audio stream has no c= line' };
  const held = isUnspecifiedAddress(ip);
  const theirs = readDirection(session, media);
  // RFC 3264 §8.4: c=0.0.0.0 means "send me nothing", whatever the direction attribute says.
  const effective: MediaDirection = held ? withoutReceiving(theirs) : theirs;
  const audio: NegotiatedAudio = {
    codec: choice.format.codec,
    payloadType: choice.format.payloadType,
    ...(choice.remoteTelephoneEventPt !== undefined && choice.localTelephoneEventPt !== undefined
      ? { telephoneEventPt: choice.remoteTelephoneEventPt, localTelephoneEventPt: choice.localTelephoneEventPt }
      : {}),
    remoteAddress: ip,
    remoteRtpPort: media.port,
    remoteRtcpPort: readRtcpPort(media),
    sendPtimeMs: sendPtime(media, local.ptimeMs),
    direction: complementDirection(effective),
    remoteHold: held || theirs === 'sendonly' || theirs === 'inactive',
  };
  return { ok: true, audio };
}

/** The first of the remote formats that we accept, keeping `current` when still possible (RFC 3264 §8.3.2). */
export function chooseFormat(
  offered: readonly OfferedFormat[],
  local: LocalMediaParams,
  current?: NegotiatedAudio,
): OfferedFormat | undefined {
  const usable = offered.filter((f) => local.codecs.includes(f.codec));
  return usable.find((f) => f.codec === current?.codec) ?? usable[0];
}
