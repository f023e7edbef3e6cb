/**
 * RFC 4733 telephone-events: the payload (§2.3), the DTMF event codes (§3.2, Table 3) and
 * the packet series a sender emits for one digit (§2.5.1).
 */

/** DTMF digit → event code (RFC 4733 §3.2). */
export const DTMF_EVENTS: Readonly<Record<string, number>> = Object.freeze({
  '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9,
  '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15,
});

const DIGITS = '0123456789*#ABCD';

/** Event code → DTMF digit, or undefined for codes that are not DTMF (16 = flash, …). */
export function dtmfDigitOf(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < 16 ? DIGITS[event] : undefined;
}

/** DTMF digit (case-insensitive for A–D) → event code, or undefined. */
export function dtmfEventOf(digit: string): number | undefined {
  return DTMF_EVENTS[digit.toUpperCase()];
}

export interface TelephoneEvent {
  /** Event code (0–255). */
  readonly event: number;
  /** E bit: this packet reports the end of the event. */
  readonly end: boolean;
  /** Power level as −dBm0, 0–63 (a larger number is quieter). */
  readonly volume: number;
  /** Duration so far, in RTP timestamp units (0–65535). */
  readonly duration: number;
}

export type ParseTelephoneEventResult =
  | { readonly ok: true; readonly event: TelephoneEvent }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads the first event of an RTP payload (§2.3). The R bit is ignored as §2.3 requires;
 * extra octets (a sender packing several events) are ignored too. Never throws.
 */
export function parseTelephoneEvent(payload: Uint8Array): ParseTelephoneEventResult {
  if (payload.length < 4) return { ok: false, reason: `telephone-event payload of ${payload.length} octets (needs 4)` };
  const flags = payload[1] as number;
  return {
    ok: true,
    event: {
      event: payload[0] as number,
      end: (flags & 0x80) !== 0,
      volume: flags & 0x3f,
      duration: (((payload[2] as number) << 8) | (payload[3] as number)) >>> 0,
    },
  };
}

/** The four payload octets (§2.3). Values are masked to their field widths. */
export function buildTelephoneEvent(e: TelephoneEvent): Buffer {
  const out = Buffer.alloc(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out.writeUInt16BE(Math.max(0, Math.min(0xffff, e.duration)), 2);
  return out;
}

export interface TelephoneEventPacket {
  /** When to send it, relative to the first packet. */
  readonly offsetMs: number;
  /** Set on the first packet of the event only (§2.5.1.1). */
  readonly marker: boolean;
  readonly end: boolean;
  readonly payload: Buffer;
}

export interface TelephoneEventPacketsOptions {
  /** Power level (default 10, i.e. −10 dBm0, a typical DTMF level). */
  readonly volume?: number;
  /** RTP clock rate of the telephone-event format (default 8000). */
  readonly clockRate?: number;
}

/**
 * The packets for one digit (§2.5.1): all carry the event's start timestamp (the caller
 * stamps them; they differ only in sequence number), the first has the marker bit, each
 * later one reports the duration so far, one ptime more, and the final duration goes out
 * three times with the E bit, one ptime apart (§2.5.1.4), so that losing one or two end
 * packets still ends the digit at the receiver. Durations are capped at 0xFFFF units
 * (8.19 s at 8 kHz); digits never approach that, so the long-event segmentation of
 * §2.5.1.3 is not implemented.
 */
export function telephoneEventPackets(digit: string, durationMs: number, ptimeMs: number, options: TelephoneEventPacketsOptions = {}): TelephoneEventPacket[] {
  const event = dtmfEventOf(digit);
  if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
  if (!(ptimeMs > 0)) throw new RangeError(`ptime must be positive (got ${ptimeMs})`);
  const clockRate = options.clockRate ?? 8000;
  const volume = options.volume ?? 10;
  const unitsPerPacket = Math.round((ptimeMs * clockRate) / 1000);
  const intervals = Math.max(1, Math.ceil(durationMs / ptimeMs));
  const finalDuration = Math.min(0xffff, intervals * unitsPerPacket);
  const packets: TelephoneEventPacket[] = [];
  for (let k = 1; k < intervals; k++) {
    const duration = Math.min(0xffff, k * unitsPerPacket);
    packets.push({ offsetMs: (k - 1) * ptimeMs, marker: k === 1, end: false, payload: buildTelephoneEvent({ event, end: false, volume, duration }) });
  }
  for (let r = 0; r < 3; r++) {
    const index = intervals - 1 + r;
    packets.push({ offsetMs: index * ptimeMs, marker: index === 0, end: true, payload: buildTelephoneEvent({ event, end: true, volume, duration: finalDuration }) });
  }
  return packets;
}
