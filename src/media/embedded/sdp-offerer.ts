/**
 * Our side as offerer (RFC 3264 §5): the initial offer, and reading the answer that
 * completes it (§7).
 */
import type { SessionDescription } from 'sdp-transform';
import { chooseFormat, negotiatedAudio } from './negotiated-audio.js';
import { parseSdp, readAudioFormats } from './sdp-reading.js';
import type { LocalMediaParams, NegotiationOutcome } from './sdp-types.js';
import { describeSession, offerMedia } from './sdp-writing.js';

export function buildOffer(local: LocalMediaParams): SessionDescription {
  return describeSession(local, [offerMedia(local)]);
}

/** Reads the answer to our one-stream offer; a rejected or codec-less stream is a failure. */
export function readAnswer(answerText: string, local: LocalMediaParams): NegotiationOutcome {
  const parsed = parseSdp(answerText);
  if (!parsed.ok) return parsed;
  const { session } = parsed;
  // RFC 3264 §6: the answer has as many m= lines as the offer, in the same order.
  const m = session.media[0];
  if (!m || m.type !== 'audio') return { ok: false, code: 'MEDIA_BAD_SDP', reason: 'the answer has no audio m= line first' };
  if (m.port === 0) return { ok: false, code: 'MEDIA_NO_COMMON_CODEC', reason: 'the answerer rejected the audio stream' };
  const formats = readAudioFormats(m);
  const format = chooseFormat(formats.codecs, local);
  if (!format) return { ok: false, code: 'MEDIA_NO_COMMON_CODEC', reason: `the answer lists no codec we offered (${m.payloads ?? ''})` };
  const te = formats.telephoneEventPt;
  return negotiatedAudio(
    session,
    m,
    te === undefined ? { format } : { format, remoteTelephoneEventPt: te, localTelephoneEventPt: local.telephoneEventPt },
    local,
  );
}
