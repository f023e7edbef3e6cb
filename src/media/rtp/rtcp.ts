/**
 * RTCP (RFC 3550 §6): sender and receiver reports, SDES CNAME, BYE, packed as compound
 * packets. A compound packet starts with an SR or RR (§6.1) — that is checked on parse
 * unless the caller allows RFC 5506 reduced-size RTCP. Packet types we do not use (APP,
 * RTCP feedback, XR) are kept as 'Unknown' rather than rejected, since peers send them.
 */

/** RTCP packet types (RFC 3550 §12.1). */
export const RTCP_PACKET_TYPES = Object.freeze({ SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204 } as const);

/** SDES item types (RFC 3550 §6.5); CNAME is the one every compound packet carries. */
export const SDES_ITEM_TYPES = Object.freeze({ END: 0, CNAME: 1, NAME: 2, EMAIL: 3, PHONE: 4, LOC: 5, TOOL: 6, NOTE: 7, PRIV: 8 } as const);

/** One reception report block (RFC 3550 §6.4.1). */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the last report, in 1/256 units (0..255). */
  readonly fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | sequence). */
  readonly highestSequence: number;
  /** Interarrival jitter, in timestamp units (RFC 3550 §6.4.1, A.8). */
  readonly jitter: number;
  /** LSR: middle 32 bits of the NTP timestamp of the last SR received, 0 if none. */
  readonly lastSenderReport: number;
  /** DLSR: delay since that SR, in 1/65536 seconds. */
  readonly delaySinceLastSenderReport: number;
}

export interface SenderReport {
  readonly type: 'SenderReport';
  readonly ssrc: number;
  /** NTP timestamp (RFC 3550 §4): seconds since 1900 and the binary fraction, both 32-bit. */
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
}

export interface ReceiverReport {
  readonly type: 'ReceiverReport';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
}

export interface SdesItem {
  readonly type: number;
  readonly value: string;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

export interface SourceDescription {
  readonly type: 'SourceDescription';
  readonly chunks: readonly SdesChunk[];
}

export interface Bye {
  readonly type: 'Bye';
  readonly ssrcs: readonly number[];
  readonly reason?: string;
}

export interface UnknownRtcp {
  readonly type: 'Unknown';
  readonly packetType: number;
  /** The five bits after V and P (a count or a format, depending on the type). */
  readonly count: number;
  /** Everything after the 4-octet common header, padding removed. */
  readonly body: Buffer;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Bye | UnknownRtcp;

export type ParseRtcpResult =
  | { readonly ok: true; readonly packets: readonly RtcpPacket[] }
  | { readonly ok: false; readonly reason: string };
