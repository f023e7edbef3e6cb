/**
 * sendDtmf(): each digit as an RFC 4733 event (§2.5.1): one timestamp for the whole
 * event, a packet per ptime with the duration so far, three end packets, then a pause
 * before the next digit. Packets leave on a Pacer's absolute deadlines like audio does.
 */
import type { Clock } from '../../shared/index.js';
import { telephoneEventPackets } from '../rtp/index.js';
import { Pacer } from './pacer.js';
import type { RtpSender } from './rtp-sender.js';

/** Gap between digits; ITU-T Q.24 asks receivers to accept 40 ms, phones commonly use ≥ 50. */
export const INTER_DIGIT_GAP_MS = 60;

export function sendDigit(
  clock: Clock,
  sender: RtpSender,
  payloadType: number,
  digit: string,
  durationMs: number,
  ptimeMs: number,
  cancelled: () => boolean,
): Promise<void> {
  const packets = telephoneEventPackets(digit, durationMs, ptimeMs);
  const timestamp = sender.beginTalkspurt();
  const last = packets[packets.length - 1];
  const ticks = Math.round((last?.offsetMs ?? 0) / ptimeMs) + 1 + Math.ceil(INTER_DIGIT_GAP_MS / ptimeMs);
  return new Promise((resolve) => {
    let next = 0;
    const pacer = new Pacer(clock, ptimeMs, (tick) => {
      if (cancelled() || tick >= ticks) {
        resolve();
        return false;
      }
      for (; next < packets.length && (packets[next]?.offsetMs ?? 0) <= tick * ptimeMs; next++) {
        const p = packets[next]!;
        // The event occupies the media clock up to its final duration (§2.5.1.3).
        const samples = p.end ? p.payload.readUInt16BE(2) : 0;
        sender.send({ payloadType, marker: p.marker, timestamp, payload: p.payload }, samples);
      }
      return true;
    });
    pacer.start();
  });
}
