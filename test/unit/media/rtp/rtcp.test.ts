import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  NTP_UNIX_OFFSET_SECONDS,
  buildReportCompound,
  cnameOf,
  compactNtp,
  isRtcp,
  ntpFromUnixMs,
  parseRtcp,
  serializeRtcp,
  toCompactNtpDuration,
  type ReportBlock,
  type RtcpPacket,
  type SenderReport,
} from '../../../../src/media/rtp/index.js';

const block: ReportBlock = {
  ssrc: 0x01020304,
  fractionLost: 25,
  cumulativeLost: -3,
  highestSequence: 0x0001fffe,
  jitter: 42,
  lastSenderReport: 0xaabbccdd,
  delaySinceLastSenderReport: 65536,
};

const sr: SenderReport = {
  type: 'SenderReport',
  ssrc: 0xcafebabe,
  ntpSeconds: 3_900_000_000,
  ntpFraction: 0x80000000,
  rtpTimestamp: 160_000,
  packetCount: 1000,
  octetCount: 160_000,
  reports: [block],
};

function expectPackets(buf: Buffer, options?: { allowReducedSize?: boolean }): readonly RtcpPacket[] {
  const result = parseRtcp(buf, options);
  if (!result.ok) assert.fail(result.reason);
  return result.packets;
}

const u32 = fc.nat({ max: 0xffffffff });
const reportBlock: fc.Arbitrary<ReportBlock> = fc
  .record({
    ssrc: u32,
    fractionLost: fc.integer({ min: 0, max: 255 }),
    cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
    highestSequence: u32,
    jitter: u32,
    lastSenderReport: u32,
    delaySinceLastSenderReport: u32,
  })
  .map((b) => ({ ...b }));
const text = fc.string({ maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255 && !s.includes('\u0000'));
const rtcpPacket: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(reportBlock, { maxLength: 3 }) }).map((p) => ({ type: 'SenderReport' as const, ...p })),
  fc.record({ ssrc: u32, reports: fc.array(reportBlock, { maxLength: 3 }) }).map((p) => ({ type: 'ReceiverReport' as const, ...p })),
  fc
    .array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), value: text }).map((i) => ({ ...i })), { maxLength: 3 }) }), { maxLength: 3 })
    .map((chunks) => ({ type: 'SourceDescription' as const, chunks: chunks.map((c) => ({ ...c })) })),
  fc.record({ ssrcs: fc.array(u32, { maxLength: 4 }), reason: fc.option(text, { nil: undefined }) }).map(({ ssrcs, reason }) => ({ type: 'Bye' as const, ssrcs, ...(reason !== undefined ? { reason } : {}) })),
);

describe('RTCP (RFC 3550 §6)', () => {
  it('builds the usual compound: SR + SDES CNAME, and parses it back', () => {
    const buf = buildReportCompound({ report: sr, cname: 'linegate@127.0.0.1' });
    assert.equal(isRtcp(buf), true);
    assert.equal(buf.length % 4, 0);
    // SR: header 4 + sender info 24 + one block 24 = 52 octets, length field 12.
    assert.equal(buf[0], 0x81);
    assert.equal(buf[1], 200);
    assert.equal(buf.readUInt16BE(2), 12);
    const packets = expectPackets(buf);
    assert.deepEqual(packets[0], sr);
    const sdes = packets[1];
    assert.equal(sdes?.type, 'SourceDescription');
    if (sdes?.type === 'SourceDescription') assert.equal(cnameOf(sdes, sr.ssrc), 'linegate@127.0.0.1');
  });

  it('appends a BYE with a reason when the session ends (§6.6)', () => {
    const rr = { type: 'ReceiverReport' as const, ssrc: 7, reports: [] };
    const packets = expectPackets(buildReportCompound({ report: rr, cname: 'x', bye: { reason: 'hangup' } }));
    assert.deepEqual(packets.map((p) => p.type), ['ReceiverReport', 'SourceDescription', 'Bye']);
    assert.deepEqual(packets[2], { type: 'Bye', ssrcs: [7], reason: 'hangup' });
    assert.deepEqual(expectPackets(buildReportCompound({ report: rr, cname: 'x', bye: true }))[2], { type: 'Bye', ssrcs: [7] });
  });

  it('keeps packet types it does not know (APP, feedback) instead of failing', () => {
    const app = Buffer.from('8' + '1cc0002' + '00000007' + '6e616d65', 'hex'); // APP, subtype 1, name "name"
    const packets = expectPackets(Buffer.concat([serializeRtcp([{ type: 'ReceiverReport', ssrc: 7, reports: [] }]), app]));
    assert.deepEqual(packets[1], { type: 'Unknown', packetType: 204, count: 1, body: Buffer.from('000000076e616d65', 'hex') });
    assert.deepEqual(serializeRtcp(packets), Buffer.concat([serializeRtcp([{ type: 'ReceiverReport', ssrc: 7, reports: [] }]), app]));
  });

  it('requires a compound to start with SR or RR unless reduced-size RTCP is allowed (RFC 5506)', () => {
    const byeOnly = serializeRtcp([{ type: 'Bye', ssrcs: [1] }]);
    const result = parseRtcp(byeOnly);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /SR or RR/);
    assert.deepEqual(expectPackets(byeOnly, { allowReducedSize: true }), [{ type: 'Bye', ssrcs: [1] }]);
  });

  it('accepts padding on the last packet only (A.2)', () => {
    const rr = serializeRtcp([{ type: 'ReceiverReport', ssrc: 9, reports: [] }]);
    const padded = Buffer.concat([rr, Buffer.from([0, 0, 0, 4])]);
    padded[0] = (padded[0] as number) | 0x20;
    padded.writeUInt16BE(2, 2);
    assert.deepEqual(expectPackets(padded), [{ type: 'ReceiverReport', ssrc: 9, reports: [] }]);
    const paddedFirst = Buffer.concat([padded, serializeRtcp([{ type: 'Bye', ssrcs: [9] }])]);
    assert.equal(parseRtcp(paddedFirst).ok, false);
  });

  it('rejects malformed compounds with a reason', () => {
    const good = buildReportCompound({ report: sr, cname: 'c' });
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty/],
      [good.subarray(0, good.length - 4), /runs past/],
      [Buffer.concat([good, Buffer.from([0x81])]), /trailing/],
      [Buffer.from('41c9000100000001', 'hex'), /version 1/],
      [Buffer.from('81c8000100000001', 'hex'), /sender info/],
      [Buffer.from('82c9000100000001', 'hex'), /report blocks/],
      [Buffer.concat([Buffer.from('80c9000100000001', 'hex'), Buffer.from('81ca000100000001', 'hex')]), /null item|terminat/],
      [Buffer.concat([Buffer.from('80c9000100000001', 'hex'), Buffer.from('82cb000100000001', 'hex')]), /BYE claims/],
    ];
    for (const [buf, reason] of cases) {
      const result = parseRtcp(buf);
      assert.equal(result.ok, false, reason.source);
      if (!result.ok) assert.match(result.reason, reason);
    }
  });

  it('parse ∘ serialize is the identity on compounds that start with a report (property)', () => {
    const report = rtcpPacket.filter((p) => p.type === 'SenderReport' || p.type === 'ReceiverReport');
    const compound = fc.tuple(report, fc.array(rtcpPacket, { maxLength: 4 }));
    fc.assert(
      fc.property(compound, ([head, rest]) => {
        const packets = [head, ...rest];
        assert.deepEqual(expectPackets(serializeRtcp(packets)), packets);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random or mutated bytes (property)', () => {
    const valid = buildReportCompound({ report: sr, cname: 'linegate', bye: { reason: 'bye' } });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        assert.equal(typeof parseRtcp(Buffer.from(bytes)).ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(valid.length), (edits, cut) => {
        const mutated = Buffer.from(valid);
        for (const [at, value] of edits) mutated[at] = value;
        assert.equal(typeof parseRtcp(mutated.subarray(0, cut), { allowReducedSize: true }).ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('converts wall-clock time to NTP, compact NTP (LSR) and DLSR units', () => {
    const t = ntpFromUnixMs(1_700_000_000_500);
    assert.equal(t.ntpSeconds, 1_700_000_000 + NTP_UNIX_OFFSET_SECONDS);
    assert.equal(t.ntpFraction, 0x80000000);
    // NTP era 1 starts in February 2036: the seconds field wraps (RFC 3550 §4 uses it modulo 2^32).
    assert.equal(ntpFromUnixMs((2 ** 32 - NTP_UNIX_OFFSET_SECONDS + 10) * 1000).ntpSeconds, 10);
    assert.equal(compactNtp({ ntpSeconds: 0x12345678, ntpFraction: 0x9abcdef0 }), 0x56789abc);
    assert.equal(toCompactNtpDuration(1500), 98304);
  });
});
