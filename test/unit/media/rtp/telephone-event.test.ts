import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DTMF_EVENTS, buildTelephoneEvent, dtmfDigitOf, dtmfEventOf, parseTelephoneEvent, telephoneEventPackets } from '../../../../src/media/rtp/index.js';

describe('RFC 4733 telephone-event payload (§2.3)', () => {
  it('builds and parses the four octets', () => {
    const payload = buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 });
    assert.deepEqual([...payload], [0x05, 0x8a, 0x03, 0x20]);
    assert.deepEqual(parseTelephoneEvent(payload), { ok: true, event: { event: 5, end: true, volume: 10, duration: 800 } });
  });

  it('ignores the reserved bit and extra octets, rejects short payloads', () => {
    const parsed = parseTelephoneEvent(Buffer.from([11, 0x40 | 7, 0, 160, 99, 99]));
    assert.deepEqual(parsed, { ok: true, event: { event: 11, end: false, volume: 7, duration: 160 } });
    const short = parseTelephoneEvent(Buffer.from([1, 2, 3]));
    assert.equal(short.ok, false);
  });

  it('round-trips every field value and never throws on random payloads (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0xffff }), (event, end, volume, duration) => {
        assert.deepEqual(parseTelephoneEvent(buildTelephoneEvent({ event, end, volume, duration })), { ok: true, event: { event, end, volume, duration } });
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => assert.equal(typeof parseTelephoneEvent(bytes).ok, 'boolean')));
  });

  it('maps the 16 DTMF digits to event codes 0–15 and back (§3.2)', () => {
    const digits = '0123456789*#ABCD';
    assert.deepEqual(Object.keys(DTMF_EVENTS).sort(), [...digits].sort());
    [...digits].forEach((d, code) => {
      assert.equal(DTMF_EVENTS[d], code);
      assert.equal(dtmfEventOf(d), code);
      assert.equal(dtmfDigitOf(code), d);
    });
    assert.equal(dtmfEventOf('a'), 12);
    assert.equal(dtmfEventOf('x'), undefined);
    assert.equal(dtmfDigitOf(16), undefined);
  });
});

describe('telephoneEventPackets (§2.5.1)', () => {
  it('sends a 100 ms digit at 20 ms ptime: growing durations, marker first, the end three times', () => {
    const packets = telephoneEventPackets('5', 100, 20);
    const view = packets.map((p) => {
      const parsed = parseTelephoneEvent(p.payload);
      assert.ok(parsed.ok);
      return [p.offsetMs, p.marker, p.end, parsed.event.event, parsed.event.duration, parsed.event.end];
    });
    assert.deepEqual(view, [
      [0, true, false, 5, 160, false],
      [20, false, false, 5, 320, false],
      [40, false, false, 5, 480, false],
      [60, false, false, 5, 640, false],
      [80, false, true, 5, 800, true],
      [100, false, true, 5, 800, true],
      [120, false, true, 5, 800, true],
    ]);
  });

  it('rounds the duration up to whole packets, keeps the marker on a lone end packet, honours the volume', () => {
    const short = telephoneEventPackets('#', 10, 20, { volume: 20 });
    assert.equal(short.length, 3);
    assert.deepEqual(short.map((p) => p.marker), [true, false, false]);
    assert.deepEqual(parseTelephoneEvent(short[0]?.payload ?? Buffer.alloc(0)), { ok: true, event: { event: 11, end: true, volume: 20, duration: 160 } });
    const odd = telephoneEventPackets('1', 90, 30);
    assert.equal(odd.length, 2 + 3);
    const last = parseTelephoneEvent(odd[odd.length - 1]?.payload ?? Buffer.alloc(0));
    assert.ok(last.ok && last.event.duration === 720);
  });

  it('caps the duration field at 0xFFFF and rejects what is not a digit', () => {
    const long = telephoneEventPackets('0', 10_000, 20);
    const last = parseTelephoneEvent(long[long.length - 1]?.payload ?? Buffer.alloc(0));
    assert.ok(last.ok && last.event.duration === 0xffff);
    assert.throws(() => telephoneEventPackets('E', 100, 20), RangeError);
    assert.throws(() => telephoneEventPackets('1', 100, 0), RangeError);
  });
});
