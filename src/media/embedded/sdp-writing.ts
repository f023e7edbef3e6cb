/**
 * Building our session descriptions (RFC 4566) for sdp-transform to write, and the o= line
 * whose version moves on each change (RFC 3264 §8).
 */
import { write } from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { PAYLOAD_TYPES } from '../codec/index.js';
import type { LocalMediaParams, NegotiatedAudio } from './sdp-types.js';

/** RFC 4733 §3.2: the DTMF events 0-9, *, #, A-D and flash. */
const TELEPHONE_EVENT_FMTP = '0-16';

function ipVersion(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

export function describeSession(local: LocalMediaParams, media: MediaDescription[]): SessionDescription {
  return {
    version: 0,
    // Placeholder: SdpOrigin.write() stamps the real o= line.
    origin: { username: 'linegate', sessionId: 0, sessionVersion: 0, netType: 'IN', ipVer: ipVersion(local.address), address: local.address },
    name: 'linegate',
    connection: { version: ipVersion(local.address), ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}

/** RFC 3264 §6: a rejected stream keeps its place, with port 0 and the offered formats. */
export function rejectedMedia(offered: MediaDescription): MediaDescription {
  const payloads = String(offered.payloads ?? '').trim();
  return { type: offered.type, port: 0, protocol: offered.protocol, payloads: payloads === '' ? '0' : payloads, rtp: [], fmtp: [] };
}

/** Our accepted audio stream in an answer: the one codec chosen, plus telephone-event if agreed. */
export function audioMedia(local: LocalMediaParams, audio: NegotiatedAudio): MediaDescription {
  const te = audio.localTelephoneEventPt;
  const rtp: MediaDescription['rtp'] = [{ payload: audio.payloadType, codec: audio.codec, rate: 8000 }];
  const fmtp: MediaDescription['fmtp'] = [];
  if (te !== undefined) {
    rtp.push({ payload: te, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: te, config: TELEPHONE_EVENT_FMTP });
  }
  return {
    type: 'audio',
    port: local.rtpPort,
    protocol: 'RTP/AVP',
    payloads: rtp.map((r) => r.payload).join(' '),
    rtp,
    fmtp,
    ptime: local.ptimeMs,
    direction: audio.direction,
  };
}

/** Our initial offer: every codec we accept, in order, plus telephone-event, sendrecv. */
export function offerMedia(local: LocalMediaParams): MediaDescription {
  const rtp: MediaDescription['rtp'] = local.codecs.map((codec) => ({
    payload: PAYLOAD_TYPES[codec],
    codec,
    rate: 8000,
  }));
  rtp.push({ payload: local.telephoneEventPt, codec: 'telephone-event', rate: 8000 });
  return {
    type: 'audio',
    port: local.rtpPort,
    protocol: 'RTP/AVP',
    payloads: rtp.map((r) => r.payload).join(' '),
    rtp,
    fmtp: [{ payload: local.telephoneEventPt, config: TELEPHONE_EVENT_FMTP }],
    ptime: local.ptimeMs,
    direction: 'sendrecv',
  };
}

/**
 * The o= line of one endpoint: a session id fixed for its life and a version incremented
 * whenever the description differs from the one sent before (RFC 3264 §8, RFC 4566 §5.2).
 */
export class SdpOrigin {
  private version: number;
  private lastBody: string | undefined;
  private lastText = '';

  constructor(private readonly sessionId: string) {
    this.version = 1;
  }

  write(description: SessionDescription): string {
    const body = write({ ...description, origin: { ...description.origin, sessionId: 0, sessionVersion: 0 } });
    if (this.lastBody !== undefined && body === this.lastBody) return this.lastText;
    if (this.lastBody !== undefined) this.version += 1;
    this.lastBody = body;
    this.lastText = write({
      ...description,
      origin: { ...description.origin, sessionId: this.sessionId, sessionVersion: this.version },
    });
    return this.lastText;
  }
}
