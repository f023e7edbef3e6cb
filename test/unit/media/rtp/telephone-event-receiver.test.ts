import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TelephoneEventReceiver, buildTelephoneEvent, telephoneEventPackets, type DtmfReport, type RtpPacket } from '../../../../src/media/rtp/index.js';

const PT = 101;

interface Sent {
  readonly packet: RtpPacket;
  /** Index of the digit it belongs to. */
  readonly digit: number;
}

/** The RTP packets a sender emits for `digits`, each `ms` long, with timestamps 1 s apart from `start`. */
function send(digits: string, ms = 100, start = 1000, ssrc = 42): Sent[] {
  const out: Sent[] = [];
  let sequence = 0;
  [...digits].forEach((d, index) => {
    const timestamp = (start + index * 8000) >>> 0;
    for (const p of telephoneEventPackets(d, ms, 20)) {
      out.push({ digit: index, packet: { version: 2, padding: false, marker: p.marker, payloadType: PT, sequence: sequence++ & 0xffff, timestamp, ssrc, csrcs: [], payload: p.payload } });
    }
  });
  return out;
}

function feed(receiver: TelephoneEventReceiver, packets: readonly RtpPacket[]): DtmfReport[] {
  return packets.flatMap((p, i) => receiver.receive(p, i * 20));
}

const summary = (reports: readonly DtmfReport[]): Array<[string, number, boolean]> => reports.map((r) => [r.digit, r.durationMs, r.endReceived]);

describe('TelephoneEventReceiver (RFC 4733 §2.5.2)', () => {
  it('reports each digit once, with its duration, despite the three end packets', () => {
    const receiver = new TelephoneEventReceiver();
    const reports = feed(receiver, send('159#').map((s) => s.packet));
    assert.deepEqual(summary(reports), [
      ['1', 100, true],
      ['5', 100, true],
      ['9', 100, true],
      ['#', 100, true],
    ]);
    assert.equal(reports[0]?.timestamp, 1000);
    assert.equal(reports[0]?.ssrc, 42);
  });

  it('reports a digit whose start packets were all lost (§2.5.2)', () => {
    const packets = send('7').map((s) => s.packet);
    const receiver = new TelephoneEventReceiver();
    assert.deepEqual(summary(feed(receiver, packets.filter((p) => parseEnd(p)))), [['7', 100, true]]);
  });

  it('ends a digit whose end packets were all lost when the next digit starts', () => {
    const packets = send('12').filter((s) => !(s.digit === 0 && parseEnd(s.packet))).map((s) => s.packet);
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), packets)), [
      ['1', 80, false],
      ['2', 100, true],
    ]);
  });

  it('ends a digit whose end packets were all lost after the timeout, and not twice', () => {
    const receiver = new TelephoneEventReceiver({ endTimeoutMs: 300 });
    const all = send('3').map((s) => s.packet);
    const starts = all.filter((p) => !parseEnd(p));
    assert.deepEqual(feed(receiver, starts), []);
    assert.equal(receiver.active?.digit, '3');
    assert.deepEqual(receiver.poll(60 + 299), []);
    assert.deepEqual(summary(receiver.poll(60 + 300)), [['3', 80, false]]);
    assert.equal(receiver.active, undefined);
    // The end packets arriving very late are recognised as the same event.
    assert.deepEqual(feed(receiver, all.filter(parseEnd)), []);
    assert.deepEqual(receiver.poll(10_000), []);
  });

  it('reports the same digit pressed twice as two digits (different timestamps)', () => {
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), send('55').map((s) => s.packet))).length, 2);
  });

  it('ignores a late packet of the previous digit that arrives after the next digit started', () => {
    const sent = send('12');
    const firstOfSecond = sent.findIndex((s) => s.digit === 1);
    const reordered = sent.map((s) => s.packet);
    const [lateEnd] = reordered.splice(firstOfSecond - 1, 1); // the last end packet of '1' …
    reordered.splice(firstOfSecond + 1, 0, lateEnd as RtpPacket); // … arrives after '2' began
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), reordered)), [
      ['1', 100, true],
      ['2', 100, true],
    ]);
  });

  it('handles RTP timestamp wrap-around between digits', () => {
    const packets = send('48', 100, 0xffffff00).map((s) => s.packet);
    assert.equal(packets[packets.length - 1]?.timestamp, (0xffffff00 + 8000) >>> 0);
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), packets)).map((r) => r[0]), ['4', '8']);
  });

  it('accepts a digit whose timestamp jumped far backwards (sender reset its clock, same SSRC)', () => {
    const first = send('1', 100, 50_000_000).map((s) => s.packet);
    const second = send('2', 100, 1_000).map((s) => s.packet);
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), [...first, ...second])).map((r) => r[0]), ['1', '2']);
  });

  it('starts afresh when the SSRC changes, ending a digit in progress', () => {
    const a = send('1', 100, 5000, 1).map((s) => s.packet).filter((p) => !parseEnd(p));
    const b = send('2', 100, 5000, 2).map((s) => s.packet); // same timestamp, other source
    assert.deepEqual(summary(feed(new TelephoneEventReceiver(), [...a, ...b])), [
      ['1', 80, false],
      ['2', 100, true],
    ]);
  });

  it('filters by payload type and tracks but does not report non-DTMF events', () => {
    const receiver = new TelephoneEventReceiver({ payloadType: PT });
    const audio = { ...(send('1')[0] as Sent).packet, payloadType: 0 };
    assert.deepEqual(receiver.receive(audio, 0), []);
    const flash = { ...(send('1')[0] as Sent).packet, payload: buildTelephoneEvent({ event: 16, end: true, volume: 10, duration: 800 }) };
    assert.deepEqual(receiver.receive(flash, 0), []);
    assert.deepEqual(receiver.receive({ ...flash, payload: Buffer.from([1]) }, 0), []);
  });

  it('reports every digit exactly once, in order, under loss, duplication and reordering within a digit (property)', () => {
    const scenario = fc.record({
      digits: fc.stringMatching(/^[0-9*#A-D]{1,6}$/),
      ms: fc.integer({ min: 40, max: 300 }),
      seed: fc.array(fc.record({ drop: fc.boolean(), dup: fc.nat(2), key: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 120, maxLength: 120 }),
    });
    fc.assert(
      fc.property(scenario, ({ digits, ms, seed }) => {
        const sent = send(digits, ms);
        const arrivals: RtpPacket[] = [];
        for (let d = 0; d < digits.length; d++) {
          const own = sent.map((s, i) => ({ s, i })).filter(({ s }) => s.digit === d);
          let kept = own.filter(({ i }) => !(seed[i % seed.length] as { drop: boolean }).drop);
          if (kept.length === 0) kept = [own[own.length - 1] as { s: Sent; i: number }]; // at least one packet survives
          const withDups = kept.flatMap(({ s, i }) => Array.from({ length: 1 + (seed[i % seed.length] as { dup: number }).dup }, (_, k) => ({ s, key: ((seed[(i + k) % seed.length] as { key: number }).key + k) % 1 })));
          withDups.sort((x, y) => x.key - y.key); // any order within the digit
          arrivals.push(...withDups.map(({ s }) => s.packet));
        }
        const receiver = new TelephoneEventReceiver();
        const reports = [...feed(receiver, arrivals), ...receiver.poll(1e9)];
        assert.equal(reports.map((r) => r.digit).join(''), digits);
        for (const r of reports) {
          assert.ok(r.durationMs > 0 && r.durationMs <= Math.ceil(ms / 20) * 20);
          if (r.endReceived) assert.equal(r.durationMs, Math.ceil(ms / 20) * 20);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function parseEnd(p: RtpPacket): boolean {
  return ((p.payload[1] as number) & 0x80) !== 0;
}
