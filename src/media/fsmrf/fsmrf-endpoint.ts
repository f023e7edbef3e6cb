/**
 * One FreeSWITCH channel as a MediaEndpoint. Each method is one or two FreeSWITCH
 * operations on the channel's outbound ESL connection (see docs/media-freeswitch.md for
 * the table): dialplan applications through fsmrf's Endpoint#execute (`sendmsg` with
 * `call-command: execute`, completed by CHANNEL_EXECUTE_COMPLETE) and API commands
 * through Endpoint#api. Waiting never outlives the endpoint: every wait races `closed`,
 * because FreeSWITCH drops the outbound socket on hang-up and a pending
 * CHANNEL_EXECUTE_COMPLETE may never come.
 */
import type Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../shared/index.js';
import type {
  CallRecording, CollectOptions, DtmfListener, MediaEndpoint, PlayResult, RecordOptions, RecordResult,
} from '../media-port.js';
import { DigitCollector } from './digit-collector.js';
import { FsmrfCallRecording } from './fsmrf-call-recording.js';
import { FSMRF_ERROR_CODES, commandError, mediaError, modifyError } from './fsmrf-errors.js';
import type { FsmrfLogger } from './fsmrf-logger.js';
import { TIMED_OUT, raceTimeout } from './race-timeout.js';
import {
  BARGE_IN_TERMINATORS, checkArgument, dtmfDurationMs, hasTelephoneEvent, isOkReply, planRecord, playbackOutcome,
  recordResult, recvDtmfArgs, sendDtmfArgs, terminatorsValue,
} from './freeswitch-commands.js';

export interface FsmrfEndpointOptions {
  /** Which FreeSWITCH the channel lives on: uuid_bridge only joins channels of one server. */
  readonly serverKey: string;
  readonly clock: Clock;
  readonly logger: FsmrfLogger;
  readonly silenceThreshold: number;
  /** How long destroy() waits for FreeSWITCH's BYE before sending one itself. */
  readonly destroyTimeoutMs: number;
  readonly onClosed: (endpoint: FsmrfEndpoint) => void;
}

/** What a wait resolves with when the endpoint went away first. */
const CLOSED = Symbol('closed');
/** receiveDtmf()'s default duration, as the embedded endpoint's. */
const RECEIVED_DIGIT_MS = 100;
type Closed = typeof CLOSED;

interface Operation {
  stopped: boolean;
}

export class FsmrfEndpoint implements MediaEndpoint {
  readonly id: string;
  readonly closed: Promise<void>;
  private sdp: string;
  private readonly digits: DigitCollector;
  private readonly dtmfListeners = new Set<DtmfListener>();
  private playing: Operation | undefined;
  private recording: Operation | undefined;
  private peer: FsmrfEndpoint | undefined;
  private callRecording: FsmrfCallRecording | undefined;
  private gone: number | undefined;
  private markClosed: () => void = () => undefined;
  private destroying: Promise<void> | undefined;

  constructor(private readonly ep: Mrf.Endpoint, private readonly o: FsmrfEndpointOptions) {
    this.id = ep.uuid;
    // The 200 OK FreeSWITCH sent is what went on the wire: our answer, or our offer (3pcc).
    this.sdp = ep.dialog.remote.sdp || ep.local.sdp || '';
    this.digits = new DigitCollector(o.clock);
    this.closed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    ep.on('dtmf', (e) => this.dispatchDtmf(e.dtmf, e.duration));
    ep.on('destroy', () => this.onGone('CHANNEL_CALLSTATE HANGUP or ESL connection lost'));
    // fsmrf ignores a BYE from FreeSWITCH (its handler is commented out); we do not.
    ep.dialog.on('destroy', () => this.onGone('BYE from FreeSWITCH'));
  }

  get localSdp(): string {
    return this.sdp;
  }

  get serverKey(): string {
    return this.o.serverKey;
  }

  async modify(remoteSdp: string): Promise<string> {
    this.ensureOpen('modify');
    let answer: string | Closed;
    try {
      answer = await this.untilClosed(this.ep.modify(remoteSdp));
    } catch (err) {
      throw modifyError(err);
    }
    if (answer === CLOSED) throw this.closedError('modify');
    this.sdp = answer || this.ep.local.sdp || this.sdp;
    return this.sdp;
  }

  async play(files: string | readonly string[], options: { readonly bargeIn?: boolean } = {}): Promise<PlayResult> {
    this.ensureOpen('play');
    const list = typeof files === 'string' ? [files] : [...files];
    for (const file of list) checkArgument(file, 'file', { spaces: true });
    const op: Operation = { stopped: false };
    this.playing = op;
    let playedMs = 0;
    try {
      this.digits.clearTypeAhead();
      const terminators = options.bargeIn ? BARGE_IN_TERMINATORS : 'none';
      if ((await this.execute('set', `playback_terminators=${terminators}`)) === CLOSED) return { playedMs, interrupted: true };
      // One playback per file (not fsmrf's '!'-delimited list): each completion carries that
      // file's playback_ms and terminator, and FreeSWITCH adds no 250 ms pause in between.
      for (const file of list) {
        if (op.stopped) return { playedMs, interrupted: true };
        const evt = await this.execute('playback', file);
        if (evt === CLOSED) return { playedMs, interrupted: true };
        const outcome = playbackOutcome(file, (name) => evt.getHeader(name));
        playedMs += outcome.playedMs;
        if (outcome.terminator !== undefined || op.stopped) return { playedMs, interrupted: true };
      }
      return { playedMs, interrupted: false };
    } finally {
      if (this.playing === op) this.playing = undefined;
    }
  }

  stopPlay(): void {
    if (!this.playing || this.playing.stopped) return;
    this.playing.stopped = true;
    this.breakMedia('stopPlay');
  }

  async record(path: string, options: RecordOptions = {}): Promise<RecordResult> {
    this.ensureOpen('record');
    if (this.recording) throw mediaError(FSMRF_ERROR_CODES.BUSY, 'record() is already in progress on this endpoint');
    const plan = planRecord(path, options, this.o.silenceThreshold);
    const op: Operation = { stopped: false };
    this.recording = op;
    const startedAt = this.o.clock.now();
    try {
      const set = await this.execute('set', `playback_terminators=${terminatorsValue(plan.terminators)}`);
      if (op.stopped && set !== CLOSED) return { path, durationMs: 0, reason: 'stopped' }; // stopRecord() came first
      const evt = set === CLOSED ? CLOSED : await this.execute('record', plan.arg);
      if (evt === CLOSED) {
        // FreeSWITCH closed the socket with the call; the file holds what came until then.
        const durationMs = Math.max(0, Math.round((this.gone ?? this.o.clock.now()) - startedAt));
        return { path, durationMs, reason: op.stopped ? 'stopped' : 'hangup' };
      }
      const context = { stopped: op.stopped, hungUp: this.gone !== undefined, silenceSecs: plan.silenceSecs };
      return recordResult(path, (name) => evt.getHeader(name), context);
    } finally {
      if (this.recording === op) this.recording = undefined;
    }
  }

  stopRecord(): void {
    if (!this.recording || this.recording.stopped) return;
    this.recording.stopped = true;
    this.breakMedia('stopRecord');
  }

  collectDigits(options: CollectOptions): Promise<string> {
    this.ensureOpen('collectDigits');
    return this.digits.collect(options);
  }

  onDtmf(listener: DtmfListener): () => void {
    this.dtmfListeners.add(listener);
    return () => void this.dtmfListeners.delete(listener);
  }

  /** `uuid_recv_dtmf`: the digit comes back as the channel's DTMF event, like one from RTP. */
  async receiveDtmf(digit: string, options: { readonly durationMs?: number } = {}): Promise<void> {
    const args = recvDtmfArgs(this.id, digit, options.durationMs ?? RECEIVED_DIGIT_MS);
    if (this.gone !== undefined || this.destroying) return;
    await this.api('uuid_recv_dtmf', args).catch((err: unknown) => {
      if (this.gone === undefined) throw err; // the channel hung up meanwhile: nothing to hear it
    });
  }

  async sendDtmf(digits: string, options: { readonly durationMs?: number } = {}): Promise<void> {
    this.ensureOpen('sendDtmf');
    if (!hasTelephoneEvent(this.sdp)) {
      throw mediaError(FSMRF_ERROR_CODES.NO_TELEPHONE_EVENT, 'telephone-event was not negotiated on this endpoint');
    }
    await this.api('uuid_send_dtmf', sendDtmfArgs(this.id, digits, options.durationMs));
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    if (!(other instanceof FsmrfEndpoint)) {
      throw mediaError(FSMRF_ERROR_CODES.BAD_BRIDGE, 'bridge() needs another FreeSWITCH endpoint');
    }
    if (other === this) throw mediaError(FSMRF_ERROR_CODES.BAD_BRIDGE, 'an endpoint cannot be bridged to itself');
    if (other.serverKey !== this.serverKey) {
      throw mediaError(FSMRF_ERROR_CODES.BAD_BRIDGE, `uuid_bridge cannot join ${this.serverKey} and ${other.serverKey}`);
    }
    this.ensureOpen('bridge');
    other.ensureOpen('bridge');
    if ((await this.guarded('uuid_bridge', this.ep.bridge(other.ep))) === CLOSED) throw this.closedError('bridge');
    // uuid_bridge takes each channel out of any bridge it was in.
    for (const side of [this, other]) {
      if (side.peer && side.peer.peer === side) side.peer.peer = undefined;
    }
    this.peer = other;
    other.peer = this;
  }

  async unbridge(): Promise<void> {
    const peer = this.peer;
    if (!peer) return;
    this.ensureOpen('unbridge');
    if ((await this.guarded('uuid_transfer', this.ep.unbridge())) === CLOSED) throw this.closedError('unbridge');
    this.peer = undefined;
    if (peer.peer === this) peer.peer = undefined;
  }

  async recordCall(path: string): Promise<CallRecording> {
    checkArgument(path, 'recording path', { spaces: false });
    this.ensureOpen('recordCall');
    if (!this.peer) throw mediaError(FSMRF_ERROR_CODES.NOT_BRIDGED, 'recordCall() needs a bridged endpoint');
    if (this.callRecording && !this.callRecording.stopped) throw mediaError(FSMRF_ERROR_CODES.BUSY, 'this call is already being recorded');
    const channel = { uuid: this.id, api: (c: string, a: string) => this.api(c, a), closedAt: () => this.gone };
    this.callRecording = await FsmrfCallRecording.start(channel, path, this.o.clock);
    return this.callRecording;
  }

  destroy(): Promise<void> {
    this.destroying ??= this.hangUp();
    return this.destroying;
  }

  private async hangUp(): Promise<void> {
    if (this.gone === undefined) {
      // fsmrf: `execute hangup`, then wait for FreeSWITCH's BYE. Bounded: a FreeSWITCH that
      // never sends it gets our BYE instead, so the SIP dialog cannot leak.
      const done = this.ep.destroy().catch((err: unknown) => {
        this.o.logger.warn({ err, uuid: this.id }, 'hangup on FreeSWITCH failed');
      });
      if ((await raceTimeout(done, this.o.destroyTimeoutMs, this.o.clock)) === TIMED_OUT) {
        this.o.logger.warn({ uuid: this.id }, 'FreeSWITCH did not hang up in time; sending BYE');
        try {
          this.ep.dialog.destroy(undefined, (err: unknown) => {
            if (err) this.o.logger.warn({ err, uuid: this.id }, 'BYE to FreeSWITCH failed');
          });
        } catch (err) {
          this.o.logger.warn({ err, uuid: this.id }, 'BYE to FreeSWITCH failed');
        }
      }
    }
    this.onGone('destroy()');
  }

  private onGone(why: string): void {
    if (this.gone !== undefined) return;
    this.gone = this.o.clock.now();
    this.o.logger.debug({ uuid: this.id, why }, 'FreeSWITCH endpoint closed');
    this.digits.finish();
    if (this.peer?.peer === this) this.peer.peer = undefined;
    this.peer = undefined;
    this.markClosed();
    this.o.onClosed(this);
  }

  private dispatchDtmf(digit: string, duration: string | undefined): void {
    if (!digit) return;
    this.digits.push(digit);
    const event = { digit, durationMs: dtmfDurationMs(duration) };
    for (const listener of [...this.dtmfListeners]) {
      try {
        listener(event);
      } catch (err) {
        this.o.logger.warn({ err, uuid: this.id }, 'a DTMF listener threw');
      }
    }
  }

  /** `uuid_break <uuid>`: ends the playback or record running on the channel. */
  private breakMedia(why: string): void {
    this.api('uuid_break', this.id).catch((err: unknown) => this.o.logger.warn({ err, uuid: this.id, why }, 'uuid_break failed'));
  }

  private async execute(app: string, arg: string): Promise<Mrf.EslEvent | Closed> {
    return this.guarded(`${app} ${arg}`, this.ep.execute(app, arg));
  }

  private async api(command: string, args: string): Promise<void> {
    const evt = await this.guarded(command, this.ep.api(command, args));
    if (evt === CLOSED) throw this.closedError(command);
    const body = evt.getBody();
    if (!isOkReply(body)) throw mediaError(FSMRF_ERROR_CODES.COMMAND_FAILED, `${command} answered ${body.trim() || '(nothing)'}`);
  }

  private async guarded<T>(what: string, p: Promise<T>): Promise<T | Closed> {
    try {
      return await this.untilClosed(p);
    } catch (err) {
      throw commandError(what, err);
    }
  }

  private untilClosed<T>(p: Promise<T>): Promise<T | Closed> {
    return Promise.race([p, this.closed.then((): Closed => CLOSED)]);
  }

  private ensureOpen(what: string): void {
    if (this.gone !== undefined || this.destroying) throw this.closedError(what);
  }

  private closedError(what: string): Error {
    return mediaError(FSMRF_ERROR_CODES.ENDPOINT_GONE, `${what}: the FreeSWITCH endpoint ${this.id} is closed`);
  }
}
