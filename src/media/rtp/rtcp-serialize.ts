/** RTCP packet building (RFC 3550 §6.4–§6.6) and the usual compound: report + SDES CNAME [+ BYE]. */
import { RTCP_PACKET_TYPES, SDES_ITEM_TYPES, type Bye, type ReceiverReport, type ReportBlock, type RtcpPacket, type SenderReport, type SourceDescription } from './rtcp.js';

/** The common header (§6.4.1): V=2, count, type, length in 32-bit words minus one. */
function withHeader(count: number, packetType: number, body: Buffer): Buffer {
  if (body.length % 4 !== 0) throw new RangeError('RTCP packet body must be whole 32-bit words');
  if (count > 31) throw new RangeError(`RTCP count ${count} does not fit in five bits`);
  const header = Buffer.alloc(4);
  header[0] = 0x80 | count;
  header[1] = packetType;
  header.writeUInt16BE(body.length / 4, 2);
  return Buffer.concat([header, body]);
}

function reportBlocks(blocks: readonly ReportBlock[]): Buffer {
  const out = Buffer.alloc(24 * blocks.length);
  blocks.forEach((b, i) => {
    const at = 24 * i;
    out.writeUInt32BE(b.ssrc >>> 0, at);
    out[at + 4] = b.fractionLost & 0xff;
    // Clamp to the signed 24-bit range rather than wrap (§6.4.1 says the same of the counter itself).
    out.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost)), at + 5, 3);
    out.writeUInt32BE(b.highestSequence >>> 0, at + 8);
    out.writeUInt32BE(b.jitter >>> 0, at + 12);
    out.writeUInt32BE(b.lastSenderReport >>> 0, at + 16);
    out.writeUInt32BE(b.delaySinceLastSenderReport >>> 0, at + 20);
  });
  return out;
}

function senderReport(p: SenderReport): Buffer {
  const info = Buffer.alloc(24);
  info.writeUInt32BE(p.ssrc >>> 0, 0);
  info.writeUInt32BE(p.ntpSeconds >>> 0, 4);
  info.writeUInt32BE(p.ntpFraction >>> 0, 8);
  info.writeUInt32BE(p.rtpTimestamp >>> 0, 12);
  info.writeUInt32BE(p.packetCount >>> 0, 16);
  info.writeUInt32BE(p.octetCount >>> 0, 20);
  return withHeader(p.reports.length, RTCP_PACKET_TYPES.SR, Buffer.concat([info, reportBlocks(p.reports)]));
}

function receiverReport(p: ReceiverReport): Buffer {
  const ssrc = Buffer.alloc(4);
  ssrc.writeUInt32BE(p.ssrc >>> 0);
  return withHeader(p.reports.length, RTCP_PACKET_TYPES.RR, Buffer.concat([ssrc, reportBlocks(p.reports)]));
}

/** Items are truncated to 255 octets of UTF-8 (the length field is one octet). */
function sdesItemBytes(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return bytes.length > 255 ? bytes.subarray(0, 255) : bytes;
}

function sourceDescription(p: SourceDescription): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of p.chunks) {
    const ssrc = Buffer.alloc(4);
    ssrc.writeUInt32BE(chunk.ssrc >>> 0);
    const pieces: Buffer[] = [ssrc];
    let length = 0;
    for (const item of chunk.items) {
      const value = sdesItemBytes(item.value);
      pieces.push(Buffer.from([item.type & 0xff, value.length]), value);
      length += 2 + value.length;
    }
    // At least one null octet ends the item list, then pad to 32 bits (§6.5).
    pieces.push(Buffer.alloc(4 - (length % 4)));
    parts.push(Buffer.concat(pieces));
  }
  return withHeader(p.chunks.length, RTCP_PACKET_TYPES.SDES, Buffer.concat(parts));
}

function bye(p: Bye): Buffer {
  const ssrcs = Buffer.alloc(4 * p.ssrcs.length);
  p.ssrcs.forEach((s, i) => ssrcs.writeUInt32BE(s >>> 0, 4 * i));
  if (p.reason === undefined) return withHeader(p.ssrcs.length, RTCP_PACKET_TYPES.BYE, ssrcs);
  const reason = sdesItemBytes(p.reason);
  const padded = Buffer.alloc(Math.ceil((1 + reason.length) / 4) * 4);
  padded[0] = reason.length;
  reason.copy(padded, 1);
  return withHeader(p.ssrcs.length, RTCP_PACKET_TYPES.BYE, Buffer.concat([ssrcs, padded]));
}

function serializeOne(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'SenderReport':
      return senderReport(p);
    case 'ReceiverReport':
      return receiverReport(p);
    case 'SourceDescription':
      return sourceDescription(p);
    case 'Bye':
      return bye(p);
    case 'Unknown':
      return withHeader(p.count, p.packetType, p.body);
  }
}

/** Concatenates the packets into one compound datagram, in the order given. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  return Buffer.concat(packets.map(serializeOne));
}

export interface ReportCompoundInit {
  /** An SR when we sent RTP since the last report, else an RR (RFC 3550 §6.4). */
  readonly report: SenderReport | ReceiverReport;
  /** Our canonical name (§6.5.1), e.g. "linegate@10.0.0.1"; sent in every compound packet. */
  readonly cname: string;
  /** Append a BYE for the report's SSRC (§6.6), when the session ends. */
  readonly bye?: boolean | { readonly reason: string };
}

/** The compound every RTCP interval sends: SR/RR, SDES with CNAME, and optionally BYE (§6.1). */
export function buildReportCompound(init: ReportCompoundInit): Buffer {
  const { report, cname } = init;
  const packets: RtcpPacket[] = [
    report,
    { type: 'SourceDescription', chunks: [{ ssrc: report.ssrc, items: [{ type: SDES_ITEM_TYPES.CNAME, value: cname }] }] },
  ];
  if (init.bye) {
    const reason = typeof init.bye === 'object' ? init.bye.reason : undefined;
    packets.push({ type: 'Bye', ssrcs: [report.ssrc], ...(reason !== undefined ? { reason } : {}) });
  }
  return serializeRtcp(packets);
}

/** The CNAME of an SDES packet's chunk for `ssrc`, if any. */
export function cnameOf(packet: SourceDescription, ssrc: number): string | undefined {
  return packet.chunks.find((c) => c.ssrc === ssrc)?.items.find((i) => i.type === SDES_ITEM_TYPES.CNAME)?.value;
}
