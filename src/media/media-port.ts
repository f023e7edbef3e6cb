/**
 * The MediaPort: what call control (src/b2bua) asks of a media server. Two implementations
 * pass one contract: the embedded RTP endpoint (src/media/embedded, the default) and
 * FreeSWITCH through drachtio-fsmrf 4.x (src/media/fsmrf, production). The shape follows
 * drachtio-fsmrf's MediaServer/Endpoint so the FreeSWITCH adapter stays thin, but nothing
 * here names FreeSWITCH: call control must not be able to tell the two apart.
 *
 * Offer/answer (RFC 3264): an endpoint is created either from the remote party's offer
 * (we answer: `localSdp` is the answer) or without one (we offer: `localSdp` is the offer
 * and `modify(answer)` completes the exchange). A later offer (re-INVITE, hold) goes
 * through `modify` too and returns our new answer.
 *
 * Files are WAV (RIFF, PCM 16-bit little-endian, 8 kHz; mono for prompts and messages,
 * stereo for call recordings). Paths are the media server's own paths.
 */

export interface MediaPort {
  /** A new endpoint; rejects with a LinegateError (code MEDIA_*) if the SDP offers nothing usable. */
  createEndpoint(options?: CreateEndpointOptions): Promise<MediaEndpoint>;
  /** Endpoints in use (for metrics and drain). */
  readonly activeEndpoints: number;
  /** Destroys every endpoint and releases ports/connections. Idempotent. */
  close(): Promise<void>;
}

export interface CreateEndpointOptions {
  /** The remote offer; when absent the endpoint makes an offer. */
  readonly remoteSdp?: string;
  /** Codecs to offer or accept, in preference order (default ['PCMU', 'PCMA']). */
  readonly codecs?: readonly MediaCodec[];
}

export type MediaCodec = 'PCMU' | 'PCMA';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface PlayResult {
  /** Milliseconds of audio actually sent. */
  readonly playedMs: number;
  /** True when stopped early (stop(), a barge-in digit, or the endpoint went away). */
  readonly interrupted: boolean;
}

export interface RecordOptions {
  /** Stop after this much audio (default 120 000). */
  readonly maxDurationMs?: number;
  /** Stop after this much continuous silence (default 5 000; 0 disables). */
  readonly silenceTimeoutMs?: number;
  /** DTMF digits that end the recording (default '#'); the digit is not recorded. */
  readonly terminators?: string;
}

export type RecordEndReason = 'terminator' | 'silence' | 'max-duration' | 'hangup' | 'stopped';

export interface RecordResult {
  readonly path: string;
  /** Duration of the audio in the file (silence trailing a silence timeout is trimmed). */
  readonly durationMs: number;
  readonly reason: RecordEndReason;
  /** The terminator pressed, when reason is 'terminator'. */
  readonly digit?: string;
}

export interface CollectOptions {
  /** Stop after this many digits (default 1). */
  readonly maxDigits: number;
  /** Give up when no first digit arrives in time (default 5 000). */
  readonly timeoutMs?: number;
  /** Give up when the next digit does not arrive in time (default 3 000). */
  readonly interDigitTimeoutMs?: number;
  /** Digits that end collection early (default '#'); not included in the result. */
  readonly terminators?: string;
}

/** A stereo recording of a bridged call: this endpoint's party left, the peer's right. */
export interface CallRecording {
  readonly path: string;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Ends the file; paused stretches are silence on both channels (kept aligned in time). */
  stop(): Promise<{ readonly path: string; readonly durationMs: number }>;
}

export type DtmfListener = (event: { readonly digit: string; readonly durationMs: number }) => void;

export interface MediaEndpoint {
  readonly id: string;
  /** Our SDP: the answer to `remoteSdp`, or our offer. Updated by modify(). */
  readonly localSdp: string;
  /** Completes our offer with the remote answer, or answers a new remote offer (returns our answer). */
  modify(remoteSdp: string): Promise<string>;
  /** Plays the files in order, in real time. Resolves when done or interrupted. */
  play(files: string | readonly string[], options?: { readonly bargeIn?: boolean }): Promise<PlayResult>;
  /** Stops a play() in progress (it resolves with interrupted: true). */
  stopPlay(): void;
  /** Records what the remote party sends, mono, until an end condition. */
  record(path: string, options?: RecordOptions): Promise<RecordResult>;
  /** Stops a record() in progress (it resolves with reason 'stopped'). */
  stopRecord(): void;
  /** Collects DTMF (RFC 4733 events, in-band tones, receiveDtmf()); digits typed during a barge-in play count. */
  collectDigits(options: CollectOptions): Promise<string>;
  onDtmf(listener: DtmfListener): () => void;
  /**
   * A digit the remote party sent out of band (SIP INFO, in call control's hands), heard as
   * if it had arrived in RTP: it cuts a barge-in play() short, ends a record() whose
   * terminators include it (the digit is not recorded), reaches onDtmf listeners, then a
   * collectDigits() in progress or the type-ahead, in arrival order with RFC 4733 digits.
   * `digit` is one of 0-9 * # A-D (else rejects with MEDIA_BAD_DIGITS); `durationMs` is what
   * listeners are told (default 100). Resolves once the media server has the digit; does
   * nothing once the endpoint is gone (a late INFO is no error).
   */
  receiveDtmf(digit: string, options?: { readonly durationMs?: number }): Promise<void>;
  /** Sends digits as RFC 4733 telephone-events (when negotiated; else rejects with MEDIA_NO_TELEPHONE_EVENT). */
  sendDtmf(digits: string, options?: { readonly durationMs?: number }): Promise<void>;
  /** Relays audio both ways between this endpoint and `other`, adding no more than one packet of delay. */
  bridge(other: MediaEndpoint): Promise<void>;
  unbridge(): Promise<void>;
  /** Starts a stereo recording of the bridge this endpoint is in. */
  recordCall(path: string): Promise<CallRecording>;
  /** Resolves once the endpoint is gone (destroy(), or media timeout). */
  readonly closed: Promise<void>;
  destroy(): Promise<void>;
}
