/**
 * The offer/answer state of one endpoint (RFC 3264): either we answered the remote offer,
 * or we offered and wait for the answer. Every later remote SDP is a new offer (re-INVITE,
 * hold, resume) that we answer, moving the o= version only when our answer changes.
 */
import { answerOffer } from './sdp-answerer.js';
import { buildOffer, readAnswer } from './sdp-offerer.js';
import type { LocalMediaParams, NegotiatedAudio, SdpFailure } from './sdp-types.js';
import { SdpOrigin } from './sdp-writing.js';

export type NegotiationStep =
  | { readonly ok: true; readonly localSdp: string; readonly audio: NegotiatedAudio }
  | SdpFailure;

export class SdpNegotiation {
  private readonly origin: SdpOrigin;
  private awaitingAnswer = false;
  private current: NegotiatedAudio | undefined;
  private sdp = '';

  constructor(
    private readonly local: LocalMediaParams,
    sessionId: string,
  ) {
    this.origin = new SdpOrigin(sessionId);
  }

  /** Our SDP as last sent: the offer, or the latest answer. */
  get localSdp(): string {
    return this.sdp;
  }

  /** The stream agreed on; undefined while our offer waits for its answer. */
  get audio(): NegotiatedAudio | undefined {
    return this.current;
  }

  /** Makes our initial offer. */
  offer(): string {
    this.awaitingAnswer = true;
    this.sdp = this.origin.write(buildOffer(this.local));
    return this.sdp;
  }

  /** The remote SDP: the answer to our pending offer, else a new offer we answer. */
  receive(remoteSdp: string): NegotiationStep {
    if (this.awaitingAnswer) {
      const outcome = readAnswer(remoteSdp, this.local);
      if (!outcome.ok) return outcome;
      this.awaitingAnswer = false;
      this.current = outcome.audio;
      return { ok: true, localSdp: this.sdp, audio: outcome.audio };
    }
    const outcome = answerOffer(remoteSdp, this.local, this.current);
    if (!outcome.ok) return outcome;
    this.current = outcome.audio;
    this.sdp = this.origin.write(outcome.answer);
    return { ok: true, localSdp: this.sdp, audio: outcome.audio };
  }
}
