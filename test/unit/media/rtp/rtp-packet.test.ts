import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isRtcp, parseRtp, serializeRtp, type RtpPacket } from '../../../../src/media/rtp/index.js';

function expectPacket(buf: Buffer): RtpPacket {
  const result = parseRtp(buf);
  if (!result.ok) assert.fail(result.reason);
  return result.packet;
}

function expectFailure(buf: Buffer, reason: RegExp): void {
  const result = parseRtp(buf);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, reason);
}

const rtpPacket: fc.Arbitrary<RtpPacket> = fc.record(
  {
    version: fc.constant(2 as const),
    padding: fc.boolean(),
    marker: fc.boolean(),
    payloadType: fc.integer({ min: 0, max: 127 }),
    sequence: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.nat({ max: 0xffffffff }),
    ssrc: fc.nat({ max: 0xffffffff }),
    csrcs: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 15 }),
    extension: fc.record({
      profile: fc.integer({ min: 0, max: 0xffff }),
      data: fc.integer({ min: 0, max: 5 }).chain((words) => fc.uint8Array({ minLength: 4 * words, maxLength: 4 * words }).map((a) => Buffer.from(a))),
    }),
    payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  },
  { requiredKeys: ['version', 'padding', 'marker', 'payloadType', 'sequence', 'timestamp', 'ssrc', 'csrcs', 'payload'] },
).map(({ extension, ...rest }) => ({ ...rest, ...(extension ? { extension: { ...extension } } : {}) })); // plain objects, as parseRtp builds

describe('RTP packets (RFC 3550 §5.1)', () => {
  it('parses a PCMU packet byte by byte', () => {
    const buf = Buffer.from('80e0 04d2 0001e240 deadbeef 7f7e7d'.replace(/ /g, ''), 'hex');
    const p = expectPacket(buf);
    assert.equal(p.version, 2);
    assert.equal(p.padding, false);
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 96);
    assert.equal(p.sequence, 1234);
    assert.equal(p.timestamp, 123456);
    assert.equal(p.ssrc, 0xdeadbeef);
    assert.deepEqual(p.csrcs, []);
    assert.equal(p.extension, undefined);
    assert.deepEqual([...p.payload], [0x7f, 0x7e, 0x7d]);
  });

  it('parses CSRCs, a header extension and padding', () => {
    const buf = Buffer.from(
      ['b2', '08', '0001', '00000002', '00000003', '00000011', '00000022', 'bede', '0001', 'aabbccdd', '0102', '0000', '03'].join(''),
      'hex',
    );
    const p = expectPacket(buf);
    assert.equal(p.padding, true);
    assert.deepEqual(p.csrcs, [0x11, 0x22]);
    assert.equal(p.extension?.profile, 0xbede);
    assert.deepEqual([...(p.extension?.data ?? [])], [0xaa, 0xbb, 0xcc, 0xdd]);
    assert.deepEqual([...p.payload], [1, 2]);
  });

  it('serializes: masks counters to their widths and pads to 32 bits', () => {
    const buf = serializeRtp({ marker: false, payloadType: 8, sequence: 0x10001, timestamp: 2 ** 32 + 5, ssrc: -1, payload: Buffer.from([1, 2, 3]), padding: true });
    assert.equal(buf.length, 16);
    assert.equal(buf[0], 0xa0);
    assert.equal(buf.readUInt16BE(2), 1);
    assert.equal(buf.readUInt32BE(4), 5);
    assert.equal(buf.readUInt32BE(8), 0xffffffff);
    assert.equal(buf[15], 1);
    assert.deepEqual([...expectPacket(buf).payload], [1, 2, 3]);
  });

  it('rejects packets that fail the RFC 3550 A.1 header checks', () => {
    expectFailure(Buffer.alloc(11, 0x80), /too short/);
    expectFailure(Buffer.from('400000000000000000000000', 'hex'), /version 1/);
    expectFailure(Buffer.from('8f0000000000000000000000', 'hex'), /CSRC count 15/);
    expectFailure(Buffer.from('900000000000000000000000', 'hex'), /extension/);
    expectFailure(Buffer.from('900000000000000000000000bede0002aaaaaaaa', 'hex'), /extension of 2 words/);
    expectFailure(Buffer.from('a0000000000000000000000000', 'hex'), /padding count 0/);
    expectFailure(Buffer.from('a00000000000000000000000010205', 'hex'), /padding count 5/);
  });

  it('parse ∘ serialize is the identity on packets (property)', () => {
    fc.assert(
      fc.property(rtpPacket, (p) => {
        assert.deepEqual(expectPacket(serializeRtp(p)), p);
      }),
      { numRuns: 1000 },
    );
  });

  it('serialize ∘ parse gives back the datagram when there is no padding (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 120 }), (bytes) => {
        const buf = Buffer.from(bytes);
        buf[0] = 0x80 | ((buf[0] as number) & 0x1f); // version 2, no padding
        const parsed = parseRtp(buf);
        if (parsed.ok) assert.deepEqual(serializeRtp(parsed.packet), buf);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const result = parseRtp(Buffer.from(bytes));
        if (result.ok) assert.ok(result.packet.payload.length <= bytes.length - 12);
        assert.equal(typeof isRtcp(Buffer.from(bytes)), 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('tells RTCP from RTP by the second octet (RFC 5761 §4)', () => {
    for (const pt of [200, 201, 202, 203, 204, 205, 206, 207, 192, 223]) assert.equal(isRtcp(Buffer.from([0x80, pt, 0, 1])), true, `${pt}`);
    for (const second of [0, 8, 0x80, 0x88, 96, 0xe0, 191, 224]) assert.equal(isRtcp(Buffer.from([0x80, second, 0, 1])), false, `${second}`);
    assert.equal(isRtcp(Buffer.from([0x40, 200, 0, 1])), false, 'version 1 is not RTCP');
    assert.equal(isRtcp(Buffer.from([0x80])), false);
  });
});
