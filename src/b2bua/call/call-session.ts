/**
 * One call on srf: holds the core's CallState, feeds it every srf event as an input and
 * carries out the commands it returns. Inputs arriving after the call has settled are
 * dropped. Nothing here throws out of an srf callback: failures become inputs (a leg that
 * cannot be sent fails with 503/408) or log lines.
 */
import type { Logger } from 'pino';
import type { CallCommand, CallInput, CallState, ShellStep, StartInput, StartLegCommand } from '../../call/index.js';
import { CallMachine } from '../../call/index.js';
import type { MediaPort } from '../../media/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { MediaAnchor, RecordingService } from '../recording/index.js';
import { depositReasonOf } from '../voicemail/index.js';
import type { VoicemailService } from '../voicemail/index.js';
import { BridgeRelay } from './bridge-relay.js';
import type { CallerCancel } from './caller-cancel.js';
import type { EmergencyNotifier } from './emergency-notifier.js';
import type { CallEventWriter } from './event-writer.js';
import type { LegContext } from './leg-request.js';
import { legRequest } from './leg-request.js';
import type { ShellDialog, ShellRequest, ShellResponse, ShellSrf } from './shell-srf.js';
import { isOfferlessAnswer, statusOf } from './shell-srf.js';
import { dtmfDigit } from '../info-dtmf.js';
import { PressOneLegs } from './press-one.js';

export interface SessionDeps {
  srf: ShellSrf;
  clock: Clock;
  /** Wall clock, epoch ms: the `at` of every input (events carry it). */
  epochNow: () => number;
  random: () => number;
  /** The call's own logger (a child with its callId). */
  log: Logger;
  events: CallEventWriter;
  notifier: EmergencyNotifier;
  /** Called once, when the call has settled (counters are released there). */
  onSettled: (session: CallSession) => void;
  /** linegate's own voicemail: a voicemail target's leg is made by it instead of an INVITE. */
  voicemail?: VoicemailService;
  /** Told when an anchored call is answered (its recording policy runs there). */
  recordings?: RecordingService;
  /** With `pressOnePrompt`: press-1 legs hear the prompt and may answer in RFC 4733 (press-one.ts). */
  media?: MediaPort;
  /** The press-1 prompt's WAV, promptPath(promptsDir, 'press-one'). */
  pressOnePrompt?: string;
}

interface LegRuntime {
  req?: ShellRequest;
  dialog?: ShellDialog;
  /** CANCEL asked for before the INVITE went out: sent as soon as it has. */
  pendingCancel?: { reason?: string };
  cancelled: boolean;
  /** A leg to linegate's voicemail: not a conversation, so never recorded. */
  voicemail?: boolean;
}

export class CallSession {
  state: CallState;
  legContext: LegContext | undefined;
  /** The call's media goes through this anchor (its recording policy needs it, docs/recording.md). */
  anchor: MediaAnchor | undefined;
  /** The users whose recording policy applies (the owner, and an internal callee). */
  recordingUsers: readonly string[] = [];
  private readonly legs = new Map<string, LegRuntime>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly pressOnes: PressOneLegs;
  private caller: ShellDialog | undefined;
  private relay: BridgeRelay | undefined;
  private settled = false;
  private callerGone = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly req: ShellRequest,
    private readonly res: ShellResponse,
    start: Omit<StartInput, 'type' | 'at'>,
  ) {
    this.pressOnes = new PressOneLegs({ media: deps.media, promptFile: deps.pressOnePrompt, clock: deps.clock, log: deps.log });
    const first = CallMachine.start({ type: 'Start', ...start, at: deps.epochNow() });
    this.state = first.state;
    this.run(first.commands);
  }

  /**
   * Feeds the caller's CANCEL, at once if it was latched before this session existed
   * (caller-cancel.ts). Called once the owner tracks the session: it may settle here.
   */
  watchCancel(cancel: CallerCancel): void {
    cancel.onCancel(() => {
      this.callerGone = true;
      this.feed({ type: 'CallerCancelled', at: 0 });
    });
  }

  get callId(): string {
    return this.state.callId;
  }

  isSettled(): boolean {
    return this.settled;
  }

  feed(input: CallInput): void {
    if (this.settled) return;
    const next = CallMachine.step(this.state, { ...input, at: this.deps.epochNow() } as CallInput);
    this.state = next.state;
    this.run(next.commands);
  }

  private run(commands: readonly CallCommand[]): void {
    for (const c of commands) {
      try {
        this.execute(c);
      } catch (err) {
        this.commandFailed(c, err);
      }
    }
    if (!this.settled && CallMachine.isSettled(this.state)) {
      this.settled = true;
      for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
      this.timers.clear();
      this.pressOnes.endAll();
      this.deps.onSettled(this);
    }
  }

  /**
   * A command that threw is logged. A leg that could not be sent fails (500, as when its
   * request cannot be built) so that the call moves on instead of waiting for it forever.
   */
  private commandFailed(c: CallCommand, err: unknown): void {
    this.deps.log.error({ err: String(err), command: c.type }, 'command failed');
    if (c.type === 'StartLeg') queueMicrotask(() => this.feed({ type: 'LegFailed', legId: c.legId, status: 500, reason: 'Server Internal Error', at: 0 }));
  }

  private execute(c: CallCommand): void {
    switch (c.type) {
      case 'StartLeg':
        return this.startLeg(c);
      case 'CancelLeg':
        return this.cancelLeg(c.legId, c.reason);
      case 'ByeLeg':
        this.pressOnes.end(c.legId);
        return void this.legs.get(c.legId)?.dialog?.destroy().catch(() => undefined);
      case 'ByeCaller':
        this.relay?.stop();
        return void this.caller?.destroy().catch(() => undefined);
      case 'BridgeLegs':
        return this.bridge(c.legId);
      case 'Respond':
        if (this.callerGone || this.res.finalResponseSent) return;
        return this.res.send(c.status, c.reason, { headers: Object.fromEntries(c.headers.map((h) => [h.name, h.value])) });
      case 'PromptConfirm': {
        // The prompt with media (press-one.ts); a digit sent as SIP INFO confirms too (onLegAnswered).
        const dialog = this.legs.get(c.legId)?.dialog;
        const onDigit = (digit: string): void => this.feed({ type: 'DtmfReceived', legId: c.legId, digit, at: 0 });
        return void (dialog && this.pressOnes.start(c.legId, dialog, onDigit));
      }
      case 'StartTimer':
        return this.startTimer(c.timerId, c.ms);
      case 'CancelTimer':
        this.deps.clock.clearTimeout(this.timers.get(c.timerId));
        this.timers.delete(c.timerId);
        return;
      case 'EmitEvent':
        return this.deps.events.write(c.event, this.state.route?.kind === 'emergency' ? this.state.route.address : undefined);
      case 'Notify':
        return void this.deps.notifier.notify(c.notice);
    }
  }

  private startTimer(timerId: string, ms: number): void {
    this.deps.clock.clearTimeout(this.timers.get(timerId));
    this.timers.set(timerId, this.deps.clock.setTimeout(() => {
      this.timers.delete(timerId);
      this.feed({ type: 'TimerFired', timerId, at: 0 });
    }, ms));
  }

  private startLeg(c: StartLegCommand): void {
    const leg: LegRuntime = { cancelled: false };
    this.legs.set(c.legId, leg);
    if (c.target.kind === 'voicemail' && this.deps.voicemail) return this.startVoicemailLeg(c, leg, this.deps.voicemail);
    const built = this.legContext ? legRequest(c, this.legContext) : { ok: false as const, status: 500, reason: 'No leg context' };
    if (!built.ok) {
      queueMicrotask(() => this.feed({ type: 'LegFailed', legId: c.legId, status: built.status, reason: built.reason, at: 0 }));
      return;
    }
    const legId = c.legId;
    this.deps.srf.createUAC(built.leg.uri, built.leg.opts, {
      cbRequest: (_err, sent) => {
        if (!sent) return;
        leg.req = sent;
        if (leg.pendingCancel) this.cancelLeg(legId, leg.pendingCancel.reason);
      },
      cbProvisional: (p) => {
        if (p.status > 100) this.feed({ type: 'LegProgress', legId, status: p.status, at: 0 });
      },
    }).then(
      // Without noAck srf always ACKs and resolves with the dialog; the guard only narrows the type.
      (dialog) => (isOfferlessAnswer(dialog) ? void dialog.destroy() : this.onLegAnswered(legId, leg, dialog)),
      (err: unknown) => {
        const { status, reason } = statusOf(err);
        if (status === 487 && leg.cancelled) this.feed({ type: 'LegCancelled', legId, at: 0 });
        else this.feed({ type: 'LegFailed', legId, status, ...(reason ? { reason } : {}), at: 0 });
      },
    );
  }

  /** docs/voicemail.md hook 2: the leg is the voicemail service's, answered at once; the deposit starts once bridged. */
  private startVoicemailLeg(c: StartLegCommand, leg: LegRuntime, vm: VoicemailService): void {
    if (c.target.kind !== 'voicemail') return;
    leg.voicemail = true;
    // The attempt's route: the first decision's when voicemail was the decision (DND, forward
    // always), the fallback's when a busy / no-answer / unreachable ring plan fell back to it.
    const route = this.state.attempt?.route ?? this.state.route;
    void vm.createLeg(c.target.userId, {
      remoteSdp: this.legContext?.offer, callId: this.callId, callerNumber: c.callerId.number ?? 'anonymous',
      reason: depositReasonOf(route?.kind === 'voicemail' ? route.cause : undefined),
    }).then(
      (dialog) => this.onLegAnswered(c.legId, leg, dialog as unknown as ShellDialog),
      (err: unknown) => {
        this.deps.log.warn({ err: String(err), legId: c.legId }, 'voicemail leg not created');
        this.feed({ type: 'LegFailed', legId: c.legId, status: 480, reason: 'Voicemail unavailable', at: 0 });
      },
    );
  }

  private onLegAnswered(legId: string, leg: LegRuntime, dialog: ShellDialog): void {
    leg.dialog = dialog;
    dialog.on('destroy', () => {
      this.pressOnes.end(legId);
      this.feed({ type: 'CalleeHungUp', legId, at: 0 });
    });
    dialog.on('info', (req: ShellRequest, res: ShellResponse) => {
      if (this.relay?.legId === legId) return this.relay.relayInfo('B', req, res);
      res.send(200);
      const digit = dtmfDigit(req.get('Content-Type'), req.body);
      if (digit !== undefined) this.feed({ type: 'DtmfReceived', legId, digit, at: 0 });
    });
    if (this.settled) {
      void dialog.destroy().catch(() => undefined); // a 2xx after the call was forgotten
      return;
    }
    this.feed({ type: 'LegAnswered', legId, at: 0 });
  }

  private cancelLeg(legId: string, reason: string | undefined): void {
    const leg = this.legs.get(legId);
    if (!leg || leg.cancelled) return;
    if (!leg.req) {
      leg.pendingCancel = reason === undefined ? {} : { reason };
      return;
    }
    leg.cancelled = true;
    leg.req.cancel(reason ? { headers: { Reason: reason } } : {}, () => undefined);
  }

  /**
   * The caller's 200: the callee's SDP, or with an anchor A's answer (docs/recording.md
   * hook 2: the anchor bridges A to B first). A press-1 leg is first moved back from the
   * prompt's endpoint to the offer it answered (press-one.ts), and its new answer is used.
   * A voicemail leg starts once the caller is answered. If the press-1 leg's re-INVITE back
   * fails, its media is still on the prompt's endpoint and the caller cannot be connected:
   * that, the anchor or the 200 failing ends the call (callerNotAnswered). Started in a
   * promise so that a step that throws at once fails like one that rejects.
   */
  private bridge(legId: string): void {
    const leg = this.legs.get(legId);
    const b = leg?.dialog;
    if (!leg || !b) return queueMicrotask(() => this.shellFailed('answer-caller', new Error(`leg ${legId} has no dialog`)));
    const anchor = this.anchor;
    Promise.resolve()
      .then(() => this.pressOnes.calleeSdp(legId, b, this.legContext?.offer))
      .then((sdp) => (anchor ? anchor.answerFromCallee(sdp) : sdp))
      .then((localSdp) => this.deps.srf.createUAS(this.req, this.res, { localSdp }))
      .then((a) => this.connectCaller(a, b, legId, leg), (err: unknown) => this.callerNotAnswered(err));
  }

  /**
   * The caller has its 200: relay between A and B. If that set-up fails the caller is
   * answered all the same, so the call ends as an answered one (ShellFailed 'relay', both BYEd).
   */
  private connectCaller(a: ShellDialog, b: ShellDialog, legId: string, leg: LegRuntime): void {
    this.caller = a;
    try {
      const anchor = this.anchor;
      (b as { start?: () => void }).start?.();
      this.relay = new BridgeRelay(a, b, legId, {
        clock: this.deps.clock, random: this.deps.random, log: this.deps.log,
        onDialogLost: (side) => this.feed(side === 'A' ? { type: 'CallerHungUp', at: 0 } : { type: 'CalleeHungUp', legId, at: 0 }),
        ...(anchor ? { answerOffer: (side, sdp) => (side === 'A' ? anchor.callerOffered(sdp) : anchor.calleeOffered(sdp)) } : {}),
      });
      a.on('destroy', () => {
        this.relay?.stop();
        this.feed({ type: 'CallerHungUp', at: 0 });
      });
      if (anchor && !leg.voicemail) void this.deps.recordings?.callAnswered({ callId: this.callId, userIds: this.recordingUsers, media: anchor });
      // Late offer (RFC 3261 §13.2.1): B was ACKed by srf; give it A's answer now (with an anchor, A takes it).
      if (!this.req.body && a.remote.sdp) void (anchor ? anchor.callerAnswered(a.remote.sdp) : b.modify(a.remote.sdp)).catch(() => undefined);
    } catch (err) {
      this.shellFailed('relay', err);
    }
  }

  /**
   * The caller could not be answered. A caller who CANCELled meanwhile (srf then rejects
   * createUAS with 487, or the 200 cannot be sent) has ended the call already: that stays a
   * caller hang-up. Any other failure is linegate's: ShellFailed, so call.ended says
   * failed / system / internal-error (not "answered, hung up by the caller"), the leg gets BYE
   * and the caller 500.
   */
  private callerNotAnswered(err: unknown): void {
    if (this.callerGone) return this.feed({ type: 'CallerHungUp', at: 0 });
    this.shellFailed('answer-caller', err);
  }

  private shellFailed(step: ShellStep, err: unknown): void {
    // deps.log is the call's own logger: every line names the callId.
    this.deps.log.error({ err: String(err), step }, 'call step failed inside linegate: the call ends');
    this.feed({ type: 'ShellFailed', step, at: 0 });
  }
}
