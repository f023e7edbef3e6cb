/**
 * Turns a stream of RFC 4733 telephone-event packets into one report per digit. An event is
 * identified by its RTP timestamp (all its packets carry the event's start time, §2.5.1.1),
 * which is what makes the receiver robust:
 * - the end packet is sent three times (§2.5.1.4): the first completes the digit, the
 *   other two carry a timestamp that is no longer current and not newer than the newest
 *   event seen, so they are dropped;
 * - the first packets may be lost (§2.5.2): any packet of an unseen timestamp starts the
 *   event, even one that already has the E bit;
 * - all end packets may be lost: the digit is completed when a newer event starts, or by
 *   poll() once nothing has been heard of it for `endTimeoutMs` (RFC 4733 leaves that
 *   timeout to the receiver);
 * - reordering: packets of an event older than the newest one seen are stale and ignored
 *   (a late packet of the previous digit, or one of a digit already ended).
 * Timestamps are compared in 32-bit serial arithmetic, so wrap-around is harmless; one far
 * behind the newest event (a sender that reset its clock without changing SSRC) is new.
 */
import type { RtpPacket } from './rtp-packet.js';
import { dtmfDigitOf, parseTelephoneEvent } from './telephone-event.js';

export interface DtmfReport {
  readonly digit: string;
  readonly event: number;
  /** Duration as reported by the sender, in milliseconds. */
  readonly durationMs: number;
  /** The same, in RTP timestamp units. */
  readonly duration: number;
  /** The event's RTP timestamp (its start). */
  readonly timestamp: number;
  readonly ssrc: number;
  /** False when no end packet arrived (inferred from a newer event or the timeout). */
  readonly endReceived: boolean;
}

export interface TelephoneEventReceiverOptions {
  /** Only packets of this payload type are considered (default: all packets fed). */
  readonly payloadType?: number;
  /** RTP clock rate of telephone-event (default 8000). */
  readonly clockRate?: number;
  /** Silence after which an event without an end packet is ended by poll() (default 500 ms). */
  readonly endTimeoutMs?: number;
}

interface ActiveEvent {
  readonly ssrc: number;
  readonly timestamp: number;
  readonly event: number;
  duration: number;
  lastHeardMs: number;
}

/** How far behind the newest event a timestamp may be and still count as a stale packet of a past event. */
const STALE_WINDOW_SECONDS = 10;

export class TelephoneEventReceiver {
  private readonly clockRate: number;
  private readonly endTimeoutMs: number;
  private current: ActiveEvent | undefined;
  private ssrc: number | undefined;
  private newest: number | undefined;
  private lastNowMs = 0;

  constructor(private readonly options: TelephoneEventReceiverOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.endTimeoutMs = options.endTimeoutMs ?? 500;
  }

  /** The DTMF digit being received now, if any (for barge-in: react before it ends). */
  get active(): { readonly digit: string; readonly timestamp: number } | undefined {
    const digit = this.current && dtmfDigitOf(this.current.event);
    return this.current && digit !== undefined ? { digit, timestamp: this.current.timestamp } : undefined;
  }

  /** Feeds one RTP packet; returns the digits it completed (usually none, at most two). Never throws. */
  receive(packet: RtpPacket, nowMs: number = this.lastNowMs): DtmfReport[] {
    this.lastNowMs = nowMs;
    if (this.options.payloadType !== undefined && packet.payloadType !== this.options.payloadType) return [];
    const parsed = parseTelephoneEvent(packet.payload);
    if (!parsed.ok) return [];
    const { event, end, duration } = parsed.event;
    const reports: DtmfReport[] = [];
    if (this.ssrc !== undefined && packet.ssrc !== this.ssrc) this.restart(reports);
    this.ssrc = packet.ssrc;
    const ts = packet.timestamp;
    const current = this.current;
    if (current && current.timestamp === ts) {
      current.duration = Math.max(current.duration, duration);
      current.lastHeardMs = nowMs;
      if (end) this.finish(reports, true);
      return reports;
    }
    if (this.newest !== undefined && this.isStale(ts, this.newest)) return reports;
    if (current) this.finish(reports, false);
    this.current = { ssrc: packet.ssrc, timestamp: ts, event, duration, lastHeardMs: nowMs };
    this.newest = ts;
    if (end) this.finish(reports, true);
    return reports;
  }

  /** Ends an event whose end packets were all lost, once it has been silent for endTimeoutMs. */
  poll(nowMs: number): DtmfReport[] {
    this.lastNowMs = nowMs;
    const reports: DtmfReport[] = [];
    if (this.current && nowMs - this.current.lastHeardMs >= this.endTimeoutMs) this.finish(reports, false);
    return reports;
  }

  /** Forgets everything (new stream): an event in progress is dropped without a report. */
  reset(): void {
    this.current = undefined;
    this.ssrc = undefined;
    this.newest = undefined;
  }

  /**
   * A packet of an event at or shortly before the newest one seen (reordering never spans
   * seconds). A timestamp far behind is a sender that restarted its clock: a new event.
   */
  private isStale(ts: number, newest: number): boolean {
    const behind = (newest - ts) >>> 0;
    return behind < STALE_WINDOW_SECONDS * this.clockRate;
  }

  /** A new SSRC is a new timestamp space (RFC 3550 §8): end what was running, forget the rest. */
  private restart(reports: DtmfReport[]): void {
    if (this.current) this.finish(reports, false);
    this.newest = undefined;
  }

  private finish(reports: DtmfReport[], endReceived: boolean): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    const digit = dtmfDigitOf(current.event);
    if (digit === undefined) return; // non-DTMF events (flash, tones) are tracked but not reported
    reports.push({
      digit,
      event: current.event,
      duration: current.duration,
      durationMs: (current.duration * 1000) / this.clockRate,
      timestamp: current.timestamp,
      ssrc: current.ssrc,
      endReceived,
    });
  }
}
