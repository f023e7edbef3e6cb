/**
 * NTP timestamps for RTCP sender reports (RFC 3550 §4): 32-bit seconds since 1900-01-01 and a
 * 32-bit binary fraction. Wall-clock time comes in as an argument (Unix milliseconds), so this
 * stays pure and callers choose their clock.
 */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

export interface NtpTimestamp {
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
}

export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * 0x1_0000_0000);
  return { ntpSeconds: (seconds + NTP_UNIX_OFFSET_SECONDS) >>> 0, ntpFraction: Math.min(fraction, 0xffffffff) >>> 0 };
}

/** The middle 32 bits of an NTP timestamp: the LSR field of a report block (§6.4.1). */
export function compactNtp(t: NtpTimestamp): number {
  return (((t.ntpSeconds & 0xffff) << 16) | (t.ntpFraction >>> 16)) >>> 0;
}

/** A duration in the 1/65536-second units of DLSR (§6.4.1). */
export function toCompactNtpDuration(ms: number): number {
  return Math.max(0, Math.min(0xffffffff, Math.round((ms / 1000) * 65536))) >>> 0;
}
