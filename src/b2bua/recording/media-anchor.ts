/**
 * MediaAnchor: the media of one call routed through two endpoints of a MediaPort, so the
 * call can be recorded (issue #5). Endpoint `caller` (A) faces the caller and `callee` (B)
 * faces whichever callee leg answers; once the callee has answered, A is bridged to B.
 *
 *   caller ──RTP── A ══bridge══ B ──RTP── callee
 *
 * Offer/answer (RFC 3264) on each side is our own:
 * - the caller's offer is answered by A; B makes the offer every callee leg gets (forked
 *   legs all receive the same offer; only the winning leg's answer reaches B);
 * - a late-offer INVITE (no SDP, RFC 3261 §13.2.1) gets A's offer in our 200 and the
 *   caller's answer arrives in its ACK (callerAnswered);
 * - re-INVITEs and UPDATEs with SDP are answered here, by the endpoint facing the side that
 *   sent them, instead of being relayed: hold/resume or a codec change stays between that
 *   party and its endpoint and the media stays anchored. The bridge relays whatever each
 *   endpoint receives and transcodes PCMU ↔ PCMA when the two sides differ.
 *
 * B offers the codec A settled on first, so that a call whose parties share a codec is
 * relayed without transcoding.
 */
import type { MediaCodec, MediaEndpoint, MediaPort } from '../../media/index.js';

const ALL_CODECS: readonly MediaCodec[] = ['PCMU', 'PCMA'];

export class MediaAnchor {
  private closing: Promise<void> | undefined;

  private constructor(
    /** A: answers (or offers to) the caller; its remote party is the left channel of a recording. */
    readonly caller: MediaEndpoint,
    /** B: offers to the callee legs; its remote party is the right channel. */
    readonly callee: MediaEndpoint,
  ) {}

  /**
   * A from the caller's offer (or an offer of ours for a late-offer INVITE), B offering.
   * Rejects with the MediaPort's LinegateError (MEDIA_*) when the offer has nothing usable:
   * the caller should get 488 Not Acceptable Here (RFC 3261 §21.4.26).
   */
  static async create(media: MediaPort, callerOffer: string | undefined): Promise<MediaAnchor> {
    const caller = await media.createEndpoint(callerOffer ? { remoteSdp: callerOffer } : {});
    try {
      const codec = callerOffer ? answeredCodec(caller.localSdp) : undefined;
      const callee = await media.createEndpoint(codec ? { codecs: [codec, ...ALL_CODECS.filter((c) => c !== codec)] } : {});
      return new MediaAnchor(caller, callee);
    } catch (err) {
      await caller.destroy();
      throw err;
    }
  }

  /** The SDP offer for every callee leg's INVITE. */
  get offerToCallee(): string {
    return this.callee.localSdp;
  }

  /**
   * The answering callee's SDP completes B's offer, then A and B are bridged. Resolves
   * with the SDP for the caller's 200: A's answer, or A's offer for a late-offer INVITE.
   */
  async answerFromCallee(calleeAnswer: string): Promise<string> {
    await this.callee.modify(calleeAnswer);
    await this.caller.bridge(this.callee);
    return this.caller.localSdp;
  }

  /** Late offer: the caller's answer from its ACK completes A's offer. */
  async callerAnswered(answer: string): Promise<void> {
    await this.caller.modify(answer);
  }

  /**
   * A new offer from the caller (re-INVITE or UPDATE): A's answer, which goes back to the
   * caller; nothing is sent to the callee. An offerless re-INVITE (empty body) gets A's
   * current SDP as our offer; its ACK's answer then goes to callerAnswered().
   */
  callerOffered(offer: string): Promise<string> {
    return offer.trim() === '' ? Promise.resolve(this.caller.localSdp) : this.caller.modify(offer);
  }

  /** The same for an offer from the callee, answered by B. */
  calleeOffered(offer: string): Promise<string> {
    return offer.trim() === '' ? Promise.resolve(this.callee.localSdp) : this.callee.modify(offer);
  }

  /** The answer to our re-offer towards the callee, after a calleeOffered('') (offerless re-INVITE). */
  async calleeAnswered(answer: string): Promise<void> {
    await this.callee.modify(answer);
  }

  /** Resolves when either endpoint is gone: close(), or the MediaPort's media timeout. */
  get closed(): Promise<void> {
    return Promise.race([this.caller.closed, this.callee.closed]);
  }

  /** Destroys both endpoints (a recording in progress is ended by the MediaPort). Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.caller.destroy(), this.callee.destroy()]).then(() => undefined);
    return this.closing;
  }
}

/**
 * The audio codec an SDP answer settled on: the first payload type of its first audio
 * stream that is G.711 (static 0/8, RFC 3551 §6, or a dynamic type mapped to PCMU/PCMA).
 */
export function answeredCodec(sdp: string): MediaCodec | undefined {
  const lines = sdp.split(/\r?\n/);
  const m = lines.map((l) => /^m=audio\s+[1-9]\d*\s+\S+\s+(.*)$/.exec(l.trim())).find((x) => x !== null);
  if (!m) return undefined;
  const rtpmap = new Map<string, string>();
  for (const l of lines) {
    const r = /^a=rtpmap:(\d+)\s+([A-Za-z0-9-]+)\//.exec(l.trim());
    if (r) rtpmap.set(r[1] as string, (r[2] as string).toUpperCase());
  }
  for (const pt of (m[1] as string).trim().split(/\s+/)) {
    const name = rtpmap.get(pt) ?? (pt === '0' ? 'PCMU' : pt === '8' ? 'PCMA' : undefined);
    if (name === 'PCMU' || name === 'PCMA') return name;
  }
  return undefined;
}
