/**
 * RTP fixed header, CSRC list and header extension (RFC 3550 §5.1, §5.3.1). Parsing is the
 * "RTP header validity check" of RFC 3550 Appendix A.1 minus the per-session parts
 * (expected payload type, sequence continuity), which belong to the receiver: version 2,
 * the CSRC list and extension inside the packet, and a padding count that fits.
 */

export interface RtpHeaderExtension {
  /** The 16 "defined by profile" bits (0xBEDE for RFC 8285 one-byte headers). */
  readonly profile: number;
  /** The extension body, a whole number of 32-bit words. */
  readonly data: Buffer;
}

export interface RtpPacket {
  readonly version: 2;
  /** P bit: on serialize, the payload is padded to a multiple of four octets (at least one octet). */
  readonly padding: boolean;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension?: RtpHeaderExtension;
  /** Without padding. A view into the parsed buffer (no copy). */
  readonly payload: Buffer;
}

export type ParseRtpResult = { readonly ok: true; readonly packet: RtpPacket } | { readonly ok: false; readonly reason: string };

export const RTP_HEADER_BYTES = 12;

function fail(reason: string): ParseRtpResult {
  return { ok: false, reason };
}

/** Parses one RTP packet (a UDP datagram). Never throws. */
export function parseRtp(buf: Buffer): ParseRtpResult {
  if (buf.length < RTP_HEADER_BYTES) return fail(`too short for an RTP header (${buf.length} octets)`);
  const first = buf[0] as number;
  const second = buf[1] as number;
  if (first >> 6 !== 2) return fail(`RTP version ${first >> 6}, expected 2`);
  const csrcCount = first & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (offset > buf.length) return fail(`CSRC count ${csrcCount} runs past the end of the packet`);
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(buf.readUInt32BE(RTP_HEADER_BYTES + 4 * i));
  let extension: RtpHeaderExtension | undefined;
  if (first & 0x10) {
    if (offset + 4 > buf.length) return fail('header extension flag set but no extension header');
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + 4 * words;
    if (end > buf.length) return fail(`header extension of ${words} words runs past the end of the packet`);
    extension = { profile: buf.readUInt16BE(offset), data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  const padding = (first & 0x20) !== 0;
  if (padding) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    const count = buf[buf.length - 1] as number;
    if (count === 0 || count > buf.length - offset) return fail(`invalid padding count ${count}`);
    end -= count;
  }
  const packet: RtpPacket = {
    version: 2,
    padding,
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrcs,
    ...(extension ? { extension } : {}),
    payload: buf.subarray(offset, end),
  };
  return { ok: true, packet };
}

/** What serializeRtp needs: version and padding default to 2 and false, csrcs to none. */
export type RtpPacketInit = Omit<RtpPacket, 'version' | 'padding' | 'csrcs'> &
  Partial<Pick<RtpPacket, 'version' | 'padding' | 'csrcs'>>;

/**
 * Builds the datagram. Fields are masked to their widths (sequence 16 bits, timestamp and
 * SSRC 32 bits) so that callers can count with plain numbers; at most 15 CSRCs are allowed.
 */
export function serializeRtp(p: RtpPacketInit): Buffer {
  const csrcs = p.csrcs ?? [];
  if (csrcs.length > 15) throw new RangeError(`at most 15 CSRCs (got ${csrcs.length})`);
  const ext = p.extension;
  if (ext && ext.data.length % 4 !== 0) throw new RangeError('header extension data must be whole 32-bit words');
  const headerBytes = RTP_HEADER_BYTES + 4 * csrcs.length + (ext ? 4 + ext.data.length : 0);
  const padBytes = p.padding ? 4 - ((headerBytes + p.payload.length) % 4) : 0; // 1..4
  const out = Buffer.alloc(headerBytes + p.payload.length + padBytes);
  out[0] = 0x80 | (p.padding ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  let offset = RTP_HEADER_BYTES;
  for (const csrc of csrcs) {
    out.writeUInt32BE(csrc >>> 0, offset);
    offset += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, offset);
    out.writeUInt16BE(ext.data.length / 4, offset + 2);
    ext.data.copy(out, offset + 4);
    offset += 4 + ext.data.length;
  }
  p.payload.copy(out, offset);
  if (padBytes > 0) out[out.length - 1] = padBytes;
  return out;
}

/**
 * RFC 5761 §4: with RTP and RTCP multiplexed on one port, the second octet tells them
 * apart — RTCP packet types 192–223 (SR 200, RR 201, SDES 202, BYE 203, APP 204, feedback
 * 205–207) would be RTP payload types 64–95 with the marker bit set, a range RTP must avoid.
 */
export function isRtcp(buf: Buffer): boolean {
  if (buf.length < 2) return false;
  const second = buf[1] as number;
  return (buf[0] as number) >> 6 === 2 && second >= 192 && second <= 223;
}
