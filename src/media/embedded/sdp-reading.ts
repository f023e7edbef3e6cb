/**
 * Reading a remote session description (RFC 4566) through sdp-transform. Remote SDP is
 * network input: everything here returns values and never throws.
 */
import { parse } from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import type { MediaCodec, MediaDirection } from '../media-port.js';
import type { SdpFailure } from './sdp-types.js';

export interface OfferedFormat {
  readonly codec: MediaCodec;
  readonly payloadType: number;
}

export interface AudioFormats {
  /** The G.711 formats listed, in the order of the m= line (the sender's preference). */
  readonly codecs: readonly OfferedFormat[];
  readonly telephoneEventPt?: number;
}

/** RFC 3551 §6: the static payload types we know without an rtpmap. */
const STATIC_FORMATS: ReadonlyMap<number, MediaCodec> = new Map([
  [0, 'PCMU'],
  [8, 'PCMA'],
]);

export function parseSdp(text: string): { readonly ok: true; readonly session: SessionDescription } | SdpFailure {
  let session: SessionDescription;
  try {
    session = parse(text);
  } catch (err) {
    return { ok: false, code: 'MEDIA_BAD_SDP', reason: `unparsable SDP: ${String(err)}` };
  }
  if (!Array.isArray(session.media) || session.media.length === 0) {
    return { ok: false, code: 'MEDIA_BAD_SDP', reason: 'the SDP has no m= line' };
  }
  return { ok: true, session };
}

/** The payload types on the m= line, as numbers (RFC 4566 §5.14 <fmt> list). */
export function payloadTypes(media: MediaDescription): number[] {
  return String(media.payloads ?? '')
    .split(/\s+/)
    .filter((s) => /^\d{1,3}$/.test(s))
    .map(Number);
}

export function readAudioFormats(media: MediaDescription): AudioFormats {
  const codecs: OfferedFormat[] = [];
  let telephoneEventPt: number | undefined;
  for (const pt of payloadTypes(media)) {
    const rtpmap = (media.rtp ?? []).find((r) => r.payload === pt);
    const name = rtpmap ? rtpmap.codec.toUpperCase() : undefined;
    const rate = rtpmap?.rate ?? 8000;
    if (name === 'TELEPHONE-EVENT') {
      // RFC 4733 §7.1.1: several rates may be offered; we only run at 8 kHz.
      if (rate === 8000 && telephoneEventPt === undefined) telephoneEventPt = pt;
      continue;
    }
    const codec = name === undefined ? STATIC_FORMATS.get(pt) : g711Name(name, rate);
    if (codec && !codecs.some((c) => c.codec === codec)) codecs.push({ codec, payloadType: pt });
  }
  return telephoneEventPt === undefined ? { codecs } : { codecs, telephoneEventPt };
}

function g711Name(name: string, rate: number): MediaCodec | undefined {
  if (rate !== 8000) return undefined;
  return name === 'PCMU' || name === 'PCMA' ? name : undefined;
}

/** The connection address for a stream: media-level c= overrides the session's (RFC 4566 §5.7). */
export function readConnection(session: SessionDescription, media: MediaDescription): string | undefined {
  return (media.connection ?? session.connection)?.ip;
}

/** Media-level direction overrides session-level; sendrecv is the default (RFC 3264 §5.1). */
export function readDirection(session: SessionDescription, media: MediaDescription): MediaDirection {
  return media.direction ?? session.direction ?? 'sendrecv';
}

/** RFC 3264 §8.4: c=0.0.0.0 (RFC 2543 hold) means send neither RTP nor RTCP there. */
export function isUnspecifiedAddress(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

/** RFC 3605 a=rtcp when present, else the RTP port + 1 (RFC 3550 §11). */
export function readRtcpPort(media: MediaDescription): number {
  return media.rtcp?.port ?? media.port + 1;
}

/** The remote party's a=ptime when it is a sensible multiple of 10 ms, else ours. */
export function sendPtime(media: MediaDescription, ours: number): number {
  const p = media.ptime;
  return typeof p === 'number' && Number.isInteger(p) && p >= 10 && p <= 60 && p % 10 === 0 ? p : ours;
}

/** The direction that answers `offered`, seen from the answerer (RFC 3264 §6.1). */
export function complementDirection(offered: MediaDirection): MediaDirection {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

/** What the offerer may do once c=0.0.0.0 says it must not be sent to. */
export function withoutReceiving(direction: MediaDirection): MediaDirection {
  if (direction === 'sendrecv') return 'sendonly';
  if (direction === 'recvonly') return 'inactive';
  return direction;
}
