/**
 * Where an endpoint's DTMF comes from: RFC 4733 telephone-events when negotiated, else
 * in-band tones found by the Goertzel detector in the decoded audio. Either way the
 * endpoint hears "a digit started" (barge-in, and recordings hold back the audio under
 * it) and "digit d ended after n ms" (reported once).
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import { GoertzelDtmfDetector } from '../dsp/index.js';
import { TelephoneEventReceiver, type RtpPacket } from '../rtp/index.js';

export interface DtmfInputEvents {
  onDigitStart(digit: string): void;
  onDigit(digit: string, durationMs: number): void;
}

/** RFC 4733 §2.5.2.1 leaves the end timeout to the receiver: about 3 packets of 20 ms is too eager on lossy links. */
const EVENT_END_TIMEOUT_MS = 500;

export class DtmfInput {
  private readonly receiver = new TelephoneEventReceiver({ endTimeoutMs: EVENT_END_TIMEOUT_MS });
  private readonly inBand = new GoertzelDtmfDetector();
  private inBandEnabled = true;
  private started: string | undefined;
  private startedTimestamp: number | undefined;
  private pollTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly events: DtmfInputEvents,
  ) {}

  /** In-band detection runs only when telephone-event was not negotiated. */
  setTelephoneEvent(negotiated: boolean): void {
    this.inBandEnabled = !negotiated;
  }

  /** Whether onAudio() has any use for decoded audio (in-band detection is on). */
  get wantsAudio(): boolean {
    return this.inBandEnabled;
  }

  /** True while a digit is held down (from either source). */
  get inProgress(): boolean {
    return this.started !== undefined;
  }

  onEventPacket(packet: RtpPacket): void {
    const now = this.clock.now();
    const reports = this.receiver.receive(packet, now);
    for (const r of reports) this.finish(r.digit, r.durationMs);
    const active = this.receiver.active;
    if (active && active.timestamp !== this.startedTimestamp) {
      this.started = active.digit;
      this.startedTimestamp = active.timestamp;
      this.events.onDigitStart(active.digit);
    }
    this.armPoll(active !== undefined);
  }

  onAudio(pcm: Int16Array): void {
    if (!this.inBandEnabled) return;
    for (const d of this.inBand.push(pcm)) this.finish(d.digit, d.durationMs);
    const current = this.inBand.current;
    if (current !== undefined && this.started === undefined) {
      this.started = current;
      this.events.onDigitStart(current);
    }
  }

  close(): void {
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** One digit at a time from either source, so an end always closes the digit in progress. */
  private finish(digit: string, durationMs: number): void {
    this.started = undefined;
    this.events.onDigit(digit, durationMs);
  }

  /** Ends a digit whose end packets were all lost (TelephoneEventReceiver.poll). */
  private armPoll(active: boolean): void {
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!active) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      for (const r of this.receiver.poll(this.clock.now())) this.finish(r.digit, r.durationMs);
      this.armPoll(this.receiver.active !== undefined);
    }, EVENT_END_TIMEOUT_MS);
  }
}
