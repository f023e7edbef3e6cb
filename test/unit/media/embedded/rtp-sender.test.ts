import assert from 'node:assert/strict';
import { randomRtpIds, RtpSender, timestampDiff } from '../../../../src/media/embedded/rtp-sender.js';
import { parseRtp, type RtpPacket } from '../../../../src/media/rtp/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

describe('embedded RtpSender (RFC 3550 §5.1)', () => {
  it('draws random SSRC, sequence and timestamp', () => {
    const a = randomRtpIds();
    const b = randomRtpIds();
    assert.notDeepEqual(a, b);
    assert.ok(a.sequence >= 0 && a.sequence <= 0xffff);
  });

  it('runs an 8 kHz media clock and never starts a talkspurt inside the previous packet', () => {
    const clock = new FakeClock(500);
    const out: RtpPacket[] = [];
    const s = new RtpSender(clock, (d) => {
      const r = parseRtp(d);
      assert.ok(r.ok);
      out.push(r.packet);
    }, 8000, { ssrc: 1, sequence: 0xffff, timestamp: 0xffffff00 });
    assert.equal(s.timestampNow(), 0xffffff00);
    clock.advance(100);
    assert.equal(s.timestampNow(), (0xffffff00 + 800) >>> 0, 'wraps around 2^32');
    const t1 = s.beginTalkspurt();
    s.send({ payloadType: 0, marker: true, timestamp: t1, payload: new Uint8Array(160) });
    s.send({ payloadType: 0, marker: false, timestamp: t1 + 160, payload: new Uint8Array(160) });
    // Straight away, the media clock is still inside the second packet: the next spurt waits for its end.
    const t2 = s.beginTalkspurt();
    assert.equal(timestampDiff(t2, t1), 320);
    assert.deepEqual(out.map((p) => p.sequence), [0xffff, 0]);
    assert.equal(s.packetsSent, 2);
    assert.equal(s.octetsSent, 320);
    assert.equal(s.talkspurt, 2);
  });
});
