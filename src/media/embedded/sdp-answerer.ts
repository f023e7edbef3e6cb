/**
 * Answering a remote offer (RFC 3264 §6): one audio stream accepted (G.711 plus
 * telephone-event when offered), every other m= line rejected with port 0 in its place.
 */
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { chooseFormat, negotiatedAudio } from './negotiated-audio.js';
import { describeSession, rejectedMedia, audioMedia } from './sdp-writing.js';
import { parseSdp, readAudioFormats, readConnection } from './sdp-reading.js';
import type { AnswerOutcome, LocalMediaParams, NegotiatedAudio, SdpFailure } from './sdp-types.js';

/**
 * `current` is the stream in use when this is a re-offer: its codec is kept if still offered
 * so that a hold/resume does not switch codecs mid-call.
 */
export function answerOffer(offerText: string, local: LocalMediaParams, current?: NegotiatedAudio): AnswerOutcome {
  const parsed = parseSdp(offerText);
  if (!parsed.ok) return parsed;
  const { session } = parsed;
  let accepted: NegotiatedAudio | undefined;
  let lastFailure: SdpFailure | undefined;
  const media: MediaDescription[] = session.media.map((m) => {
    if (accepted) return rejectedMedia(m);
    const outcome = acceptAudio(session, m, local, current);
    if (!outcome.ok) {
      lastFailure = outcome;
      return rejectedMedia(m);
    }
    accepted = outcome.audio;
    return audioMedia(local, outcome.audio);
  });
  if (!accepted) {
    return lastFailure ?? { ok: false, code: 'MEDIA_NO_COMMON_CODEC', reason: 'no audio stream offered' };
  }
  const answer: SessionDescription = describeSession(local, media);
  return { ok: true, audio: accepted, answer };
}

function acceptAudio(
  session: SessionDescription,
  m: MediaDescription,
  local: LocalMediaParams,
  current: NegotiatedAudio | undefined,
): { readonly ok: true; readonly audio: NegotiatedAudio } | SdpFailure {
  const fail = (reason: string): SdpFailure => ({ ok: false, code: 'MEDIA_NO_COMMON_CODEC', reason });
  if (m.type !== 'audio') return fail(`${m.type} streams are not supported`);
  if (m.port === 0) return fail('the audio stream was rejected by the offerer (port 0)');
  // Only plain RTP/AVP: answering RTP/SAVP (SRTP) or AVPF with another profile is not allowed.
  if (m.protocol.toUpperCase() !== 'RTP/AVP') return fail(`unsupported transport ${m.protocol}`);
  const formats = readAudioFormats(m);
  const format = chooseFormat(formats.codecs, local, current);
  if (!format) return fail(`no common codec (offered ${m.payloads ?? ''}; we accept ${local.codecs.join(', ')})`);
  const ip = readConnection(session, m);
  if (ip !== undefined && local.canReach && !local.canReach(ip)) return fail(`cannot send to ${ip} from ${local.address}`);
  // RFC 4733 §7.1.1 / RFC 3264 §6.1: echo the offerer's dynamic payload type number.
  const te = formats.telephoneEventPt;
  return negotiatedAudio(
    session,
    m,
    te === undefined ? { format } : { format, remoteTelephoneEventPt: te, localTelephoneEventPt: te },
    local,
  );
}
