import assert from 'node:assert/strict';
import { DtmfHub } from '../../../../src/media/embedded/dtmf-hub.js';
import { DtmfInput } from '../../../../src/media/embedded/dtmf-input.js';
import { generateDtmf } from '../../../../src/media/dsp/index.js';
import { buildTelephoneEvent, type RtpPacket } from '../../../../src/media/rtp/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

describe('embedded DtmfHub (fake clock)', () => {
  it('collects up to maxDigits, stops at a terminator, and reads type-ahead first', async () => {
    const clock = new FakeClock();
    const hub = new DtmfHub(clock);
    hub.emit('1', 100);
    hub.emit('2', 100);
    const c = hub.collect({ maxDigits: 4 });
    hub.emit('3', 100);
    hub.emit('#', 100);
    assert.equal(await c, '123');
    const d = hub.collect({ maxDigits: 2, terminators: '*' });
    hub.emit('#', 100);
    hub.emit('9', 100);
    assert.equal(await d, '#9');
    assert.equal(clock.pending(), 0);
  });

  it('gives up after the first-digit and inter-digit timeouts', async () => {
    const clock = new FakeClock();
    const hub = new DtmfHub(clock);
    const none = hub.collect({ maxDigits: 3, timeoutMs: 1000 });
    clock.advance(999);
    hub.emit('4', 100);
    clock.advance(499);
    hub.emit('5', 100);
    clock.advance(500); // default inter-digit timeout is 3000: still waiting
    const early = await Promise.race([none, Promise.resolve('pending')]);
    assert.equal(early, 'pending');
    clock.advance(2500);
    assert.equal(await none, '45');
    const empty = hub.collect({ maxDigits: 1, timeoutMs: 200 });
    clock.advance(200);
    assert.equal(await empty, '');
  });

  it('tells listeners of every digit, lets interceptors consume one, and refuses two collections', async () => {
    const clock = new FakeClock();
    const hub = new DtmfHub(clock);
    const seen: string[] = [];
    hub.onDtmf((e) => seen.push(e.digit));
    const release = hub.intercept((d) => d === '#');
    const c = hub.collect({ maxDigits: 2, terminators: '' });
    await assert.rejects(hub.collect({ maxDigits: 1 }), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BUSY');
    hub.emit('#', 80);
    hub.emit('1', 80);
    release();
    hub.emit('#', 80);
    assert.equal(await c, '1#');
    assert.deepEqual(seen, ['#', '1', '#']);
    hub.emit('7', 80);
    hub.clearBuffer();
    const after = hub.collect({ maxDigits: 1, timeoutMs: 10 });
    clock.advance(10);
    assert.equal(await after, '', 'a cleared buffer answers nothing');
    hub.close();
  });
});

describe('embedded DtmfInput', () => {
  const event = (ts: number, digit: number, end: boolean, duration: number, marker = false): RtpPacket => ({
    version: 2, padding: false, marker, payloadType: 101, sequence: duration / 160, timestamp: ts, ssrc: 9, csrcs: [],
    payload: buildTelephoneEvent({ event: digit, end, volume: 10, duration }),
  });

  it('reports an RFC 4733 digit start once and its end once, despite redundant end packets', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const input = new DtmfInput(clock, { onDigitStart: (d) => log.push(`start ${d}`), onDigit: (d, ms) => log.push(`${d} ${ms}`) });
    input.setTelephoneEvent(true);
    input.onEventPacket(event(1000, 11, false, 160, true));
    input.onEventPacket(event(1000, 11, false, 320));
    for (let i = 0; i < 3; i++) input.onEventPacket(event(1000, 11, true, 480));
    assert.deepEqual(log, ['start #', '# 60']);
    assert.equal(input.inProgress, false);
    input.close();
    assert.equal(clock.pending(), 0);
  });

  it('ends a digit whose end packets were all lost after the receiver timeout', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const input = new DtmfInput(clock, { onDigitStart: () => {}, onDigit: (d) => log.push(d) });
    input.setTelephoneEvent(true);
    input.onEventPacket(event(2000, 3, false, 160, true));
    clock.advance(499);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(log, ['3']);
    assert.equal(clock.pending(), 0);
  });

  it('detects in-band tones only when telephone-event is not negotiated', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const input = new DtmfInput(clock, { onDigitStart: (d) => log.push(`start ${d}`), onDigit: (d) => log.push(d) });
    const tone = generateDtmf('9', 120);
    const frames = (pcm: Int16Array) => {
      for (let i = 0; i + 160 <= pcm.length; i += 160) input.onAudio(pcm.subarray(i, i + 160));
    };
    input.setTelephoneEvent(true);
    assert.equal(input.wantsAudio, false);
    input.setTelephoneEvent(false);
    frames(tone);
    frames(new Int16Array(1600));
    assert.deepEqual(log, ['start 9', '9']);
  });
});
