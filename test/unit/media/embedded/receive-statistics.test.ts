import assert from 'node:assert/strict';
import { ReceiveStatistics } from '../../../../src/media/embedded/receive-statistics.js';

describe('embedded ReceiveStatistics (RFC 3550 A.1, A.3, A.8)', () => {
  it('counts packets, losses across a sequence wrap, and zero jitter for a steady stream', () => {
    const rs = new ReceiveStatistics();
    let seq = 65530;
    for (let i = 0; i < 20; i++) {
      if (i !== 7 && i !== 8) rs.onPacket(0x1234, seq & 0xffff, 1000 + i * 160, 160, 5000 + i * 20);
      seq++;
    }
    const s = rs.stats;
    assert.equal(s.packets, 18);
    assert.equal(s.expected, 20);
    assert.equal(s.lost, 2);
    assert.equal(s.jitterMs, 0);
    const r = rs.report()!;
    assert.equal(r.cumulativeLost, 2);
    assert.equal(r.extendedHighestSequence, 65536 + ((65530 + 19) & 0xffff));
    assert.equal(r.fractionLost, Math.floor((2 * 256) / 20));
    assert.equal(rs.report()!.fractionLost, 0, 'the fraction covers only the interval since the previous report');
  });

  it('measures interarrival jitter when packets arrive unevenly', () => {
    const rs = new ReceiveStatistics();
    for (let i = 0; i < 200; i++) rs.onPacket(1, i, i * 160, 160, i * 20 + (i % 2 === 0 ? 0 : 8));
    // |D| is 8 ms on every packet, so J converges to 8 ms.
    assert.ok(Math.abs(rs.stats.jitterMs - 8) < 0.5, `jitter ${rs.stats.jitterMs}`);
  });

  it('starts over for a new SSRC, and only accepts a huge sequence jump once confirmed', () => {
    const rs = new ReceiveStatistics();
    for (let i = 0; i < 10; i++) rs.onPacket(1, 100 + i, i * 160, 160, i * 20);
    rs.onPacket(2, 5000, 0, 160, 300);
    assert.equal(rs.stats.ssrc, 2);
    assert.equal(rs.stats.packets, 1);
    rs.onPacket(2, 40000, 160, 160, 320); // a jump: held back
    assert.equal(rs.stats.packets, 1);
    rs.onPacket(2, 40001, 320, 160, 340); // confirmed: a restart
    assert.equal(rs.stats.packets, 1);
    assert.equal(rs.stats.expected, 1);
  });
});
