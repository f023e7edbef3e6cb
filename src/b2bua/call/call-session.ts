/**
 * One call on srf: holds the core's CallState, feeds it every srf event as an input and
 * carries out the commands it returns. Inputs arriving after the call has settled are
 * dropped. Nothing here throws out of an srf callback: failures become inputs (a leg that
 * cannot be sent fails with 503/408) or log lines.
 */
import type { Logger } from 'pino';
import type { CallCommand, CallInput, CallState, StartInput, StartLegCommand } from '../../call/index.js';
import { CallMachine } from '../../call/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { BridgeRelay } from './bridge-relay.js';
import type { CallerCancel } from './caller-cancel.js';
import type { EmergencyNotifier } from './emergency-notifier.js';
import type { CallEventWriter } from './event-writer.js';
import type { LegContext } from './leg-request.js';
import { legRequest } from './leg-request.js';
import type { ShellDialog, ShellRequest, ShellResponse, ShellSrf } from './shell-srf.js';
import { isOfferlessAnswer, statusOf } from './shell-srf.js';
import { dtmfDigit } from './dtmf.js';

export interface SessionDeps {
  srf: ShellSrf;
  clock: Clock;
  /** Wall clock, epoch ms: the `at` of every input (events carry it). */
  epochNow: () => number;
  random: () => number;
  log: Logger;
  events: CallEventWriter;
  notifier: EmergencyNotifier;
  /** Called once, when the call has settled (counters are released there). */
  onSettled: (session: CallSession) => void;
}

interface LegRuntime {
  req?: ShellRequest;
  dialog?: ShellDialog;
  /** CANCEL asked for before the INVITE went out: sent as soon as it has. */
  pendingCancel?: { reason?: string };
  cancelled: boolean;
}

export class CallSession {
  state: CallState;
  legContext: LegContext | undefined;
  private readonly legs = new Map<string, LegRuntime>();
  private readonly timers = new Map<string, TimerHandle>();
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
        this.deps.log.error({ err: String(err), command: c.type }, 'command failed');
      }
    }
    if (!this.settled && CallMachine.isSettled(this.state)) {
      this.settled = true;
      for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
      this.timers.clear();
      this.deps.onSettled(this);
    }
  }

  private execute(c: CallCommand): void {
    switch (c.type) {
      case 'StartLeg':
        return this.startLeg(c);
      case 'CancelLeg':
        return this.cancelLeg(c.legId, c.reason);
      case 'ByeLeg':
        return void this.legs.get(c.legId)?.dialog?.destroy().catch(() => undefined);
      case 'ByeCaller':
        this.relay?.stop();
        return void this.caller?.destroy().catch(() => undefined);
      case 'BridgeLegs':
        return this.bridge(c.legId);
      case 'Respond':
        if (this.callerGone || this.res.finalResponseSent) return;
        return this.res.send(c.status, c.reason, { headers: Object.fromEntries(c.headers.map((h) => [h.name, h.value])) });
      case 'PromptConfirm':
        // No media yet: nothing is played. A digit sent as SIP INFO (application/dtmf-relay)
        // on the answered leg still confirms; RFC 4733 in RTP cannot be heard (see README of this folder).
        return this.deps.log.info({ legId: c.legId }, 'press-1 prompt not played (no media): waiting for INFO DTMF');
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

  private onLegAnswered(legId: string, leg: LegRuntime, dialog: ShellDialog): void {
    leg.dialog = dialog;
    dialog.on('destroy', () => this.feed({ type: 'CalleeHungUp', legId, at: 0 }));
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

  private bridge(legId: string): void {
    const b = this.legs.get(legId)?.dialog;
    if (!b) return;
    const answer = b.remote.sdp;
    this.deps.srf.createUAS(this.req, this.res, { localSdp: answer }).then(
      (a) => {
        this.caller = a;
        this.relay = new BridgeRelay(a, b, legId, {
          clock: this.deps.clock, random: this.deps.random, log: this.deps.log,
          onDialogLost: (side) => this.feed(side === 'A' ? { type: 'CallerHungUp', at: 0 } : { type: 'CalleeHungUp', legId, at: 0 }),
        });
        a.on('destroy', () => {
          this.relay?.stop();
          this.feed({ type: 'CallerHungUp', at: 0 });
        });
        // Late offer (RFC 3261 §13.2.1): B was ACKed by srf; give it A's answer now.
        if (!this.req.body && a.remote.sdp) void b.modify(a.remote.sdp).catch(() => undefined);
      },
      () => this.feed({ type: 'CallerHungUp', at: 0 }),
    );
  }
}
