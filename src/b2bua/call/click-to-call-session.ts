/**
 * One click-to-call on srf: RFC 3725 §4.1 flow I (third-party call control).
 *
 *   1. INVITE without SDP to every device of the user (From shows the destination); srf's
 *      `noAck` hands back the first 200's offer instead of ACKing it. The other devices get
 *      CANCEL with Reason "Call completed elsewhere" (RFC 3326).
 *   2. INVITE to the destination with that offer.
 *   3. The destination's 200 carries the answer: it goes to the device in the ACK (RFC 3261
 *      §13.2.2.4 allows the answer in the ACK when the offer was in the 200).
 *
 * Flow I keeps the device's 200 un-ACKed while the destination rings, and the device gives
 * up after 64*T1 = 32 s (RFC 3261 §13.3.1.4): the destination's ring time is capped below
 * that (DESTINATION_RING_CAP_MS). Flow III would avoid it but needs a re-INVITE of the
 * device after the destination answers, which devices answering with a black-hole first
 * often handle badly; flow I is what srf's createUAC({noAck}) supports directly.
 */
import type { Logger } from 'pino';
import type { CallEvent as CoreEvent, Disposition, EndReason, HungUpBy, Party } from '../../call/index.js';
import { REASON_COMPLETED_ELSEWHERE } from '../../call/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { BridgeRelay } from './bridge-relay.js';
import type { ReachableDevice } from './call-registrar.js';
import type { CallEventWriter } from './event-writer.js';
import type { LegRequest } from './leg-request.js';
import type { OfferlessAnswer, ShellDialog, ShellRequest, ShellSrf } from './shell-srf.js';
import { isOfferlessAnswer, statusOf } from './shell-srf.js';

/** Below the device's 32 s wait for our ACK (RFC 3261 §13.3.1.4), with margin. */
export const DESTINATION_RING_CAP_MS = 28_000;

export interface ClickToCallPlan {
  callId: string;
  userId: string;
  /** The user's business number: the call's `from` in events. */
  from: string;
  /** As the user asked for it; shown on the devices and the call's `to`. */
  destination: string;
  domain: string;
  devices: readonly ReachableDevice[];
  /** The destination's INVITEs (one for a number, one per device for another user); their SDP is filled in here. */
  destinationLegs: readonly LegRequest[];
  maxDurationMs: number | null;
  deviceRingMs: number;
  destinationRingMs: number;
}

export interface ClickToCallDeps {
  srf: ShellSrf;
  clock: Clock;
  epochNow: () => number;
  random: () => number;
  log: Logger;
  events: CallEventWriter;
  onSettled: (session: ClickToCallSession) => void;
}

/** `connecting`: the destination answered; the device's ACK with that answer is on its way. */
type Phase = 'devices' | 'destination' | 'connecting' | 'bridged' | 'ended';

/** An INVITE we sent: CANCEL waits for srf's cbRequest when asked for earlier. */
interface Outgoing {
  req?: ShellRequest;
  cancel?: string;
  /** Answered: never CANCELled (RFC 3261 §9.1: a CANCEL after the 2xx has no effect). */
  answered?: boolean;
}

const BUSY = new Set([486, 600, 603]);

export class ClickToCallSession {
  private phase: Phase = 'devices';
  private outstanding = 0;
  private deviceLegs: Outgoing[] = [];
  private destLegs: Outgoing[] = [];
  private answer: OfferlessAnswer | undefined;
  private a: ShellDialog | undefined;
  private b: ShellDialog | undefined;
  private relay: BridgeRelay | undefined;
  private timer: TimerHandle | undefined;
  private answeredAt: number | undefined;
  private answeredBy: Party | undefined;
  private ringing = false;
  private lastStatus = 480;
  private settled = false;

  constructor(
    private readonly deps: ClickToCallDeps,
    readonly plan: ClickToCallPlan,
  ) {}

  get callId(): string {
    return this.plan.callId;
  }

  start(): void {
    this.emit({ type: 'call.started' });
    this.arm(this.plan.deviceRingMs, () => this.giveUp(this.deviceLegs));
    for (const d of this.plan.devices) this.ringDevice(d);
  }

  /** Forced drain / shutdown: ends the call whatever its phase. */
  /** The drain timed out (docs/call-events.md: reason draining). */
  forceEnd(): void {
    this.hangUp('system', undefined, 'draining');
  }

  private ringDevice(d: ReachableDevice): void {
    const out: Outgoing = {};
    this.deviceLegs.push(out);
    const headers = { ...(d.uacOptions.headers ?? {}), From: `"${this.plan.destination}" <sip:${this.plan.destination}@${this.plan.domain}>`, To: `<${d.uri}>` };
    const opts = { headers, noAck: true, ...(d.uacOptions.proxy ? { proxy: d.uacOptions.proxy } : {}) };
    const party: Party = { kind: 'device', deviceId: d.instanceId ?? d.uri };
    this.send(d.uri, opts, out, (r) => this.onDeviceAnswer(r), () => this.onRinging(party), () => this.onLegDone(this.deviceLegs, out));
  }

  private onRinging(party: Party): void {
    if (this.ringing || this.phase !== 'devices') return;
    this.ringing = true;
    this.emit({ type: 'call.ringing', targets: [party] });
  }

  private onDeviceAnswer(r: ShellDialog | OfferlessAnswer): void {
    if (!isOfferlessAnswer(r)) return void r.destroy().catch(() => undefined);
    if (this.phase !== 'devices') return void r.destroy().catch(() => undefined);
    this.phase = 'destination';
    this.answer = r;
    this.cancelAll(this.deviceLegs, REASON_COMPLETED_ELSEWHERE);
    this.arm(Math.min(this.plan.destinationRingMs, DESTINATION_RING_CAP_MS), () => this.giveUp(this.destLegs));
    for (const leg of this.plan.destinationLegs) {
      const out: Outgoing = {};
      this.destLegs.push(out);
      this.send(leg.uri, { ...leg.opts, localSdp: r.sdp }, out, (d) => void this.onDestinationAnswer(d, leg.uri), () => undefined,
        () => this.onLegDone(this.destLegs, out));
    }
  }

  /**
   * The destination's answer goes to the device in the ACK (flow I step 3). When that fails
   * (srf refuses to make the device's dialog, e.g. its 200 had no Contact), nothing connects
   * the two: the destination gets BYE and the call ends by the system with `internal-error`.
   */
  private async onDestinationAnswer(r: ShellDialog | OfferlessAnswer, uri: string): Promise<void> {
    if (isOfferlessAnswer(r) || this.phase !== 'destination' || !this.answer) return void r.destroy().catch(() => undefined);
    this.phase = 'connecting';
    this.b = r;
    this.cancelAll(this.destLegs, REASON_COMPLETED_ELSEWHERE);
    this.disarm();
    let a: ShellDialog;
    try {
      a = await this.answer.ack(r.remote.sdp);
    } catch (err) {
      this.deps.log.warn({ err: String(err), callId: this.callId }, 'click-to-call: the device leg could not be confirmed');
      if (this.phase !== 'connecting') return; // already ended, and the destination hung up then
      void r.destroy().catch(() => undefined);
      return this.end('failed', 'system', 500, 'internal-error');
    }
    // Ended while the ACK was on its way (a forced drain): the device's dialog came too late.
    if (this.phase !== 'connecting') return void a.destroy().catch(() => undefined);
    this.phase = 'bridged';
    this.a = a;
    this.onBridged(a, r, uri);
  }

  private onBridged(a: ShellDialog, b: ShellDialog, uri: string): void {
    this.answeredAt = this.deps.epochNow();
    this.answeredBy = { kind: 'target', target: this.plan.destinationLegs.length > 1 ? uri : this.plan.destination };
    this.emit({ type: 'call.answered', answeredBy: this.answeredBy });
    this.relay = new BridgeRelay(a, b, 'destination', {
      clock: this.deps.clock, random: this.deps.random, log: this.deps.log,
      onDialogLost: (side) => this.hangUp(side === 'A' ? 'caller' : 'callee'),
    });
    a.on('destroy', () => this.hangUp('caller', a));
    b.on('destroy', () => this.hangUp('callee', b));
    if (this.plan.maxDurationMs !== null) this.arm(this.plan.maxDurationMs, () => this.hangUp('system', undefined, 'max-duration'));
  }

  /**
   * Ends the call from `by`'s side; `gone` is a dialog that has already ended (no BYE to it).
   * `why` is the stored reason when the system ends it (a hang-up by a party has none).
   */
  private hangUp(by: HungUpBy, gone?: ShellDialog, why?: EndReason): void {
    if (this.phase === 'ended') return;
    this.relay?.stop();
    for (const d of [this.a, this.b]) if (d && d !== gone) void d.destroy().catch(() => undefined);
    if (this.phase === 'bridged') return this.end('answered', by, undefined, why);
    this.cancelAll(this.deviceLegs);
    this.cancelAll(this.destLegs);
    // While connecting, the device's ACK is already on its way: its dialog is hung up once it resolves.
    if (this.phase !== 'connecting') void this.answer?.destroy().catch(() => undefined);
    // Before the destination answered, the user's own device hanging up is the caller giving up.
    this.end('failed', by, 503, why ?? (by === 'caller' ? 'caller-cancelled' : undefined));
  }

  /** A ring timer ran out: CANCEL what still rings; the 487s then end the phase (onLegDone). */
  private giveUp(legs: Outgoing[]): void {
    this.timer = undefined;
    this.lastStatus = 408;
    this.cancelAll(legs);
  }

  private onLegDone(legs: Outgoing[], out: Outgoing): void {
    legs.splice(legs.indexOf(out), 1);
    const phaseLegs = this.phase === 'devices' ? this.deviceLegs : this.phase === 'destination' ? this.destLegs : undefined;
    if (phaseLegs !== legs || legs.length > 0) return this.maybeSettle();
    // Every INVITE of the phase failed: nobody to connect.
    if (this.phase === 'destination') void this.answer?.destroy().catch(() => undefined);
    const status = this.lastStatus;
    const disposition: Disposition = BUSY.has(status) ? 'busy' : status === 408 || status === 487 ? 'cancelled' : 'failed';
    this.end(disposition, 'system', status, endReasonOf(status));
  }

  private send(uri: string, opts: Parameters<ShellSrf['createUAC']>[1], out: Outgoing, answered: (r: ShellDialog | OfferlessAnswer) => void,
    ringing: () => void, done: () => void): void {
    this.outstanding++;
    this.deps.srf.createUAC(uri, opts, {
      cbRequest: (_err, sent) => {
        if (!sent) return;
        out.req = sent;
        if (out.cancel !== undefined) this.cancel(out, out.cancel);
      },
      cbProvisional: (p) => { if (p.status > 100) ringing(); },
    }).then((r) => {
      out.answered = true;
      answered(r);
    }, (err: unknown) => {
      const { status } = statusOf(err);
      if (status !== 487 || this.lastStatus !== 408) this.lastStatus = status;
    }).finally(() => {
      this.outstanding--;
      done();
    });
  }

  private cancelAll(legs: Outgoing[], reason = ''): void {
    for (const out of legs) this.cancel(out, reason);
  }

  private cancel(out: Outgoing, reason: string): void {
    if (out.answered) return;
    if (!out.req) {
      out.cancel = reason;
      return;
    }
    out.req.cancel(reason ? { headers: { Reason: reason } } : {}, () => undefined);
  }

  private end(disposition: Disposition, hungUpBy: HungUpBy, sipStatus?: number, endReason?: EndReason): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.disarm();
    const now = this.deps.epochNow();
    const durationS = this.answeredAt === undefined ? 0 : Math.ceil((now - this.answeredAt) / 1000);
    this.emit({
      type: 'call.ended', disposition, durationS, hungUpBy,
      ...(this.answeredBy ? { answeredBy: this.answeredBy } : {}),
      ...(disposition !== 'answered' && sipStatus !== undefined ? { sipStatus } : {}),
      ...(endReason !== undefined ? { endReason } : {}),
    });
    this.maybeSettle();
  }

  private maybeSettle(): void {
    if (this.settled || this.phase !== 'ended' || this.outstanding > 0) return;
    this.settled = true;
    this.deps.onSettled(this);
  }

  private arm(ms: number, fire: () => void): void {
    this.disarm();
    this.timer = this.deps.clock.setTimeout(fire, ms);
  }

  private disarm(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(e: EventFields): void {
    const base = { callId: this.plan.callId, userId: this.plan.userId, direction: 'outbound' as const, from: this.plan.from, to: this.plan.destination, at: this.deps.epochNow() };
    this.deps.events.write({ ...base, ...e } as CoreEvent);
  }
}

type Distribute<T> = T extends CoreEvent ? Omit<T, 'callId' | 'userId' | 'direction' | 'from' | 'to' | 'at'> : never;
type EventFields = Distribute<CoreEvent>;

/** Why a phase in which every INVITE failed ended, from the last final (docs/call-events.md). */
function endReasonOf(status: number): EndReason {
  if (status === 603) return 'declined';
  if (BUSY.has(status)) return 'busy';
  if (status === 408 || status === 487) return 'no-answer'; // our ring timer ran out and CANCELled
  return 'unreachable';
}
