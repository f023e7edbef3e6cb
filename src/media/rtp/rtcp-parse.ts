/** RTCP compound packet parsing: the validity checks of RFC 3550 Appendix A.2, never throwing. */
import { RTCP_PACKET_TYPES, type Bye, type ParseRtcpResult, type ReportBlock, type RtcpPacket, type SdesChunk, type SdesItem } from './rtcp.js';

const REPORT_BLOCK_BYTES = 24;

export interface ParseRtcpOptions {
  /** Accept packets that do not start with SR/RR (RFC 5506 reduced-size RTCP). Default false. */
  readonly allowReducedSize?: boolean;
}

type One = { ok: true; packet: RtcpPacket } | { ok: false; reason: string };

/** Parses a compound RTCP packet (one UDP datagram). */
export function parseRtcp(buf: Buffer, options: ParseRtcpOptions = {}): ParseRtcpResult {
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < 4) return { ok: false, reason: `trailing ${buf.length - offset} octets after the last RTCP packet` };
    const first = buf[offset] as number;
    if (first >> 6 !== 2) return { ok: false, reason: `RTCP version ${first >> 6}, expected 2` };
    const length = 4 * ((buf.readUInt16BE(offset + 2) as number) + 1);
    const end = offset + length;
    if (end > buf.length) return { ok: false, reason: `RTCP packet of ${length} octets runs past the end of the datagram` };
    const padded = (first & 0x20) !== 0;
    // A.2: only the last packet of a compound may be padded.
    if (padded && end !== buf.length) return { ok: false, reason: 'padding bit set on a packet that is not the last of the compound' };
    const parsed = parseOne(buf.subarray(offset, end), padded);
    if (!parsed.ok) return parsed;
    packets.push(parsed.packet);
    offset = end;
  }
  if (packets.length === 0) return { ok: false, reason: 'empty RTCP datagram' };
  const head = packets[0] as RtcpPacket;
  if (!options.allowReducedSize && head.type !== 'SenderReport' && head.type !== 'ReceiverReport') {
    return { ok: false, reason: 'compound RTCP packet does not start with SR or RR (RFC 3550 §6.1)' };
  }
  return { ok: true, packets };
}

function parseOne(packet: Buffer, padded: boolean): One {
  const count = (packet[0] as number) & 0x1f;
  const packetType = packet[1] as number;
  let body = packet.subarray(4);
  if (padded) {
    const pad = packet[packet.length - 1] as number;
    if (pad === 0 || pad > body.length) return { ok: false, reason: `invalid RTCP padding count ${pad}` };
    body = body.subarray(0, body.length - pad);
  }
  switch (packetType) {
    case RTCP_PACKET_TYPES.SR:
      return parseSenderReport(body, count);
    case RTCP_PACKET_TYPES.RR:
      return parseReceiverReport(body, count);
    case RTCP_PACKET_TYPES.SDES:
      return parseSdes(body, count);
    case RTCP_PACKET_TYPES.BYE:
      return parseBye(body, count);
    default:
      return { ok: true, packet: { type: 'Unknown', packetType, count, body } };
  }
}

function parseReportBlocks(body: Buffer, offset: number, count: number): ReportBlock[] | undefined {
  // Profile-specific extensions may follow the blocks (§6.4.1); they are ignored.
  if (offset + count * REPORT_BLOCK_BYTES > body.length) return undefined;
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + i * REPORT_BLOCK_BYTES;
    blocks.push({
      ssrc: body.readUInt32BE(at),
      fractionLost: body[at + 4] as number,
      cumulativeLost: body.readIntBE(at + 5, 3),
      highestSequence: body.readUInt32BE(at + 8),
      jitter: body.readUInt32BE(at + 12),
      lastSenderReport: body.readUInt32BE(at + 16),
      delaySinceLastSenderReport: body.readUInt32BE(at + 20),
    });
  }
  return blocks;
}

function parseSenderReport(body: Buffer, count: number): One {
  if (body.length < 24) return { ok: false, reason: 'SR shorter than its sender info' };
  const reports = parseReportBlocks(body, 24, count);
  if (!reports) return { ok: false, reason: `SR claims ${count} report blocks that do not fit` };
  return {
    ok: true,
    packet: {
      type: 'SenderReport',
      ssrc: body.readUInt32BE(0),
      ntpSeconds: body.readUInt32BE(4),
      ntpFraction: body.readUInt32BE(8),
      rtpTimestamp: body.readUInt32BE(12),
      packetCount: body.readUInt32BE(16),
      octetCount: body.readUInt32BE(20),
      reports,
    },
  };
}

function parseReceiverReport(body: Buffer, count: number): One {
  if (body.length < 4) return { ok: false, reason: 'RR without an SSRC' };
  const reports = parseReportBlocks(body, 4, count);
  if (!reports) return { ok: false, reason: `RR claims ${count} report blocks that do not fit` };
  return { ok: true, packet: { type: 'ReceiverReport', ssrc: body.readUInt32BE(0), reports } };
}

/** RFC 3550 §6.5: chunks of SSRC + items, each chunk ended by a null octet and padded to 32 bits. */
function parseSdes(body: Buffer, count: number): One {
  const chunks: SdesChunk[] = [];
  let offset = 0;
  for (let c = 0; c < count; c++) {
    if (offset + 4 > body.length) return { ok: false, reason: `SDES claims ${count} chunks that do not fit` };
    const ssrc = body.readUInt32BE(offset);
    const items: SdesItem[] = [];
    offset += 4;
    while (true) {
      if (offset >= body.length) return { ok: false, reason: 'SDES chunk without its terminating null item' };
      const type = body[offset] as number;
      if (type === 0) break;
      if (offset + 2 > body.length) return { ok: false, reason: 'SDES item header truncated' };
      const length = body[offset + 1] as number;
      if (offset + 2 + length > body.length) return { ok: false, reason: 'SDES item runs past the packet' };
      items.push({ type, value: body.toString('utf8', offset + 2, offset + 2 + length) });
      offset += 2 + length;
    }
    offset = (offset + 4) & ~3; // past the null octet, to the next 32-bit boundary
    chunks.push({ ssrc, items });
  }
  return { ok: true, packet: { type: 'SourceDescription', chunks } };
}

function parseBye(body: Buffer, count: number): One {
  if (4 * count > body.length) return { ok: false, reason: `BYE claims ${count} SSRCs that do not fit` };
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(body.readUInt32BE(4 * i));
  const at = 4 * count;
  if (at >= body.length) return { ok: true, packet: { type: 'Bye', ssrcs } };
  const length = body[at] as number;
  if (at + 1 + length > body.length) return { ok: false, reason: 'BYE reason runs past the packet' };
  const bye: Bye = { type: 'Bye', ssrcs, reason: body.toString('utf8', at + 1, at + 1 + length) };
  return { ok: true, packet: bye };
}
