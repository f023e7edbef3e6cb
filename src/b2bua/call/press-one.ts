/**
 * Press 1 to accept (issue #3, docs/call-features.md): the media side of the core's
 * `PromptConfirm` for one answered leg L, so that a mobile's own voicemail cannot take the call.
 *
 * L answered the caller's offer, but the caller is not answered yet, so L's media has nowhere
 * useful to go. A MediaEndpoint that OFFERS is created and L is re-INVITEd with that offer
 * (RFC 3264 §8: a new offer in the same dialog moves L's media); the prompt plays with
 * barge-in and every RFC 4733 digit is reported (the core decides: only `1` accepts). When
 * the core bridges L, `restore()` re-INVITEs L back with the offer it first answered, so L's
 * media goes to the caller as it would have without the prompt, and the caller is answered
 * with L's new answer. On a timeout, a withdrawn leg or the caller's CANCEL, `close()`.
 *
 * Failures never end the call here: without an endpoint or a successful re-INVITE the
 * leg simply hears nothing, and a digit sent as SIP INFO still confirms (call-session.ts).
 */
import type { Logger } from 'pino';
import type { MediaEndpoint, MediaPort } from '../../media/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { ShellDialog } from './shell-srf.js';

export interface PressOneDeps {
  readonly media: MediaPort;
  /** The prompt's WAV (media server path): promptPath(promptsDir, 'press-one'). */
  readonly promptFile: string;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Silence between two plays of the prompt: the confirmation window (core) ends the repeats. */
export const PROMPT_REPEAT_GAP_MS = 1000;

/** One collectDigits() window; the core's confirm timer, not this, ends the wait. */
const COLLECT_WINDOW_MS = 60_000;

export class PressOne {
  private endpoint: MediaEndpoint | undefined;
  /** L's media was moved to the endpoint (its re-INVITE got a 2xx), so it must be moved back. */
  private moved = false;
  private closed = false;
  private gap: TimerHandle | undefined;
  private wakeGap: (() => void) | undefined;
  private readonly ready: Promise<void>;

  /** Starts at once: endpoint, re-INVITE, prompt and digit collection. */
  constructor(
    private readonly deps: PressOneDeps,
    private readonly dialog: ShellDialog,
    private readonly onDigit: (digit: string) => void,
  ) {
    this.ready = this.setUp();
  }

  /**
   * The core bridged L: stops the prompt, re-INVITEs L with `offer` (the offer L first
   * answered) and resolves with L's answer to it, for the caller's 200. Without a move to
   * undo, or without an offer to restore (late offer: the bridge re-INVITEs L with the
   * caller's SDP itself), L's current SDP. Rejects when the re-INVITE back fails.
   */
  async restore(offer: string | undefined): Promise<string> {
    this.stopPrompting();
    await this.ready;
    try {
      if (!this.moved || offer === undefined) return this.dialog.remote.sdp;
      return await this.dialog.modify(offer);
    } finally {
      this.destroyEndpoint();
    }
  }

  /** The leg is withdrawn (timeout, BYE, CANCEL of the caller): the endpoint goes. Idempotent. */
  close(): void {
    this.stopPrompting();
    this.destroyEndpoint();
  }

  private async setUp(): Promise<void> {
    try {
      const ep = await this.deps.media.createEndpoint();
      this.endpoint = ep;
      if (this.closed) return this.destroyEndpoint();
      const answer = await this.dialog.modify(ep.localSdp);
      this.moved = true;
      if (this.closed) return;
      await ep.modify(answer);
      if (this.closed) return;
      void this.collect(ep);
      void this.prompt(ep);
    } catch (err) {
      // RFC 3261 §14.1: a re-INVITE that fails leaves the session as it was; nothing to undo.
      this.deps.log.warn({ err: String(err), moved: this.moved }, 'press-1 prompt not played: waiting for INFO DTMF');
      if (!this.moved) this.destroyEndpoint();
    }
  }

  /** The prompt, with barge-in, again after a pause until the leg is confirmed or withdrawn. */
  private async prompt(ep: MediaEndpoint): Promise<void> {
    while (!this.closed) {
      try {
        await ep.play(this.deps.promptFile, { bargeIn: true });
      } catch (err) {
        this.deps.log.warn({ err: String(err), prompt: this.deps.promptFile }, 'press-1 prompt cannot be played: run `make prompts`');
        return;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wakeGap = resolve;
        this.gap = this.deps.clock.setTimeout(resolve, PROMPT_REPEAT_GAP_MS);
      });
    }
  }

  /** Every digit goes to the core, one at a time (maxDigits 1); '#' and '*' too (the core ignores them). */
  private async collect(ep: MediaEndpoint): Promise<void> {
    while (!this.closed) {
      let digits: string;
      try {
        digits = await ep.collectDigits({ maxDigits: 1, timeoutMs: COLLECT_WINDOW_MS, terminators: '' });
      } catch {
        return; // the endpoint is gone
      }
      if (this.closed) return;
      for (const digit of digits) this.onDigit(digit);
    }
  }

  private stopPrompting(): void {
    if (this.closed) return;
    this.closed = true;
    this.endpoint?.stopPlay();
    this.deps.clock.clearTimeout(this.gap);
    this.gap = undefined;
    this.wakeGap?.();
  }

  private destroyEndpoint(): void {
    const ep = this.endpoint;
    this.endpoint = undefined;
    if (ep) void ep.destroy().catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'press-1 endpoint not destroyed'));
  }
}

/** What a call's press-1 legs need; without `media` and `promptFile` they are INFO-only. */
export interface PressOneSetup {
  readonly media?: MediaPort | undefined;
  readonly promptFile?: string | undefined;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The press-1 legs of one call (CallSession), by leg id, until bridged or withdrawn. */
export class PressOneLegs {
  private readonly legs = new Map<string, PressOne>();

  constructor(private readonly setup: PressOneSetup) {}

  /** PromptConfirm: false (logged) when there is no media, and only SIP INFO can confirm. */
  start(legId: string, dialog: ShellDialog, onDigit: (digit: string) => void): boolean {
    const { media, promptFile, clock, log } = this.setup;
    if (!media || promptFile === undefined) {
      log.info({ legId }, 'press-1 prompt not played (no media): waiting for INFO DTMF');
      return false;
    }
    this.end(legId);
    this.legs.set(legId, new PressOne({ media, promptFile, clock, log: log.child({ legId }) }, dialog, onDigit));
    return true;
  }

  /** The leg is withdrawn or gone. Idempotent. */
  end(legId: string): void {
    this.legs.get(legId)?.close();
    this.legs.delete(legId);
  }

  endAll(): void {
    for (const legId of [...this.legs.keys()]) this.end(legId);
  }

  /**
   * BridgeLegs: the SDP of the leg for the caller's 200. A press-1 leg is moved back to
   * `offer` first (PressOne.restore); any other leg's is its answer as it stands.
   */
  calleeSdp(legId: string, dialog: ShellDialog, offer: string | undefined): Promise<string> {
    const press = this.legs.get(legId);
    this.legs.delete(legId);
    return press ? press.restore(offer) : Promise.resolve(dialog.remote.sdp);
  }
}
