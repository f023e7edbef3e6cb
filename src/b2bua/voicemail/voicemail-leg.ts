/**
 * A voicemail call as the CallShell sees it: something that looks like an answered srf
 * Dialog (the B leg of the call), so the shell treats "the caller reached voicemail" like
 * "a device answered" and bridges the caller to it. Its SDP is the media endpoint's:
 * `remote.sdp` is what the shell answers the caller with (and `local.sdp` the same).
 *
 * - start(): the shell has answered the caller; the flow (deposit or retrieval) begins.
 * - The flow ending by itself (after `#`, the maximum length, the menu's goodbye, or the
 *   endpoint's media timeout) is the callee hanging up: 'destroy' is emitted, as srf does
 *   for a BYE from the far end.
 * - destroy(): the shell ends the leg (the caller hung up). No 'destroy' event (srf emits
 *   none for our own BYE). A recording in progress is kept.
 * - modify(sdp) and in-dialog requests (the shell's relay of re-INVITE, UPDATE, INFO) go to
 *   the endpoint. A key sent as SIP INFO (the caller's INFO, relayed) is heard like an
 *   RFC 4733 one: info() answers it and hands the digit to the endpoint (info-answer.ts).
 */
import { EventEmitter } from 'node:events';
import type { MediaEndpoint } from '../../media/index.js';
import { answerInfo, type InfoAnswer } from './info-answer.js';
import type { IvrMedia } from './ivr-media.js';
import type { Logged } from './voicemail-types.js';

export type LegHeaders = Record<string, string>;

export interface LegRequest {
  method: string;
  headers?: LegHeaders;
  body?: string;
}

/** A final response, shaped like srf's (status, reason, body, get). */
export interface LegResponse {
  readonly status: number;
  readonly reason: string;
  readonly body?: string;
  get(name: string): string | undefined;
}

export class VoicemailLeg extends EventEmitter {
  readonly sip: { readonly callId: string };
  readonly local: { sdp: string; readonly contact?: string };
  readonly remote: { sdp: string };
  /** Resolves when the flow has finished (message stored or discarded). */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private started = false;
  private ended = false;

  constructor(
    private readonly media: IvrMedia,
    callId: string,
    private readonly flow: () => Promise<void>,
    private readonly log: Logged,
  ) {
    super();
    this.sip = { callId };
    this.local = { sdp: media.endpoint.localSdp };
    this.remote = { sdp: media.endpoint.localSdp };
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    // A media timeout (no RTP from the caller) ends the leg like a hang-up from our side.
    void media.endpoint.closed.then(() => this.end(), () => this.end());
  }

  get endpoint(): MediaEndpoint {
    return this.media.endpoint;
  }

  /** The caller has been answered with our SDP: run the flow. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.ended) return this.resolveFinished();
    this.flow()
      .catch((err: unknown) => this.log.error({ err: String(err), callId: this.sip.callId }, 'voicemail flow failed'))
      .finally(() => {
        this.end();
        this.resolveFinished();
      });
  }

  /** The shell ends the leg. Idempotent; resolves once the media is released. */
  async destroy(_opts?: { headers?: LegHeaders }): Promise<void> {
    this.media.hangUp();
    this.ended = true;
    if (!this.started) this.resolveFinished();
    await this.media.endpoint.destroy();
  }

  /** A new offer (or the answer to our offer, for a late-offer caller): returns our answer. */
  async modify(sdp: string): Promise<string> {
    const answer = await this.media.endpoint.modify(sdp);
    this.local.sdp = answer;
    this.remote.sdp = answer;
    return answer;
  }

  /**
   * An INFO from the caller: its answer (info-answer.ts); a key it carries goes to the
   * endpoint, where the deposit and the menus hear it. 481 once the leg has ended.
   */
  info(contentType: string | undefined, body: string | undefined): InfoAnswer {
    if (this.ended) return { status: 481, reason: 'Call/Transaction Does Not Exist' };
    const answer = answerInfo(contentType, body);
    if (answer.digit !== undefined) {
      this.media.endpoint.receiveDtmf(answer.digit).catch((err: unknown) => {
        this.log.warn({ err: String(err), callId: this.sip.callId }, 'voicemail leg: INFO digit not passed to the media');
      });
    }
    return answer;
  }

  request(opts: LegRequest): Promise<LegResponse>;
  request(opts: LegRequest, callback: (err: unknown, res?: LegResponse) => void): this;
  request(opts: LegRequest, callback?: (err: unknown, res?: LegResponse) => void): Promise<LegResponse> | this {
    const p = this.answer(opts);
    if (!callback) return p;
    p.then((res) => callback(null, res), (err: unknown) => callback(err));
    return this;
  }

  private async answer(opts: LegRequest): Promise<LegResponse> {
    const method = opts.method.toUpperCase();
    if (this.ended) return response(481, 'Call/Transaction Does Not Exist');
    if ((method === 'INVITE' || method === 'UPDATE') && opts.body) {
      try {
        return response(200, 'OK', await this.modify(opts.body));
      } catch (err) {
        this.log.warn({ err: String(err), callId: this.sip.callId }, 'voicemail leg: offer refused');
        return response(488, 'Not Acceptable Here');
      }
    }
    if (method === 'INVITE') return response(200, 'OK', this.local.sdp);
    if (method === 'INFO') {
      const a = this.info(headerOf(opts.headers, 'Content-Type'), opts.body);
      return response(a.status, a.reason);
    }
    if (method === 'BYE') {
      await this.destroy();
      return response(200, 'OK');
    }
    return response(200, 'OK');
  }

  /** The flow ended or the endpoint went away on its own: tell the shell, once. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.media.hangUp();
    void this.media.endpoint.destroy().catch(() => undefined);
    if (!this.started) this.resolveFinished();
    this.emit('destroy');
  }
}

/** Header names are case-insensitive (RFC 3261 §7.3.1); the relay writes them as it likes. */
function headerOf(headers: LegHeaders | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers ?? {}).find(([n]) => n.toLowerCase() === wanted)?.[1];
}

function response(status: number, reason: string, sdp?: string): LegResponse {
  return {
    status, reason, ...(sdp !== undefined ? { body: sdp } : {}),
    get: (name) => (sdp !== undefined && name.toLowerCase() === 'content-type' ? 'application/sdp' : undefined),
  };
}
