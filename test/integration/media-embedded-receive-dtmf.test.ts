/**
 * receiveDtmf() on the embedded endpoint over loopback: a digit that arrived out of band
 * (SIP INFO, in call control's hands) must count exactly like an RFC 4733 one: collected,
 * kept as type-ahead, reported to onDtmf listeners, cutting a barge-in play short, ending a
 * record() on a terminator, and in arrival order with the digits the peer sends in RTP.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/media-embedded-receive-dtmf.test.ts
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTone } from '../../src/media/dsp/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { useEmbeddedMediaBed } from '../helpers/embedded-media-bed.js';
import { sleep } from '../helpers/until.js';

const badDigits = (e: unknown): boolean => e instanceof LinegateError && e.code === 'MEDIA_BAD_DIGITS';

describe('embedded media: receiveDtmf() (a digit from SIP INFO heard like an RFC 4733 one)', function () {
  this.timeout(15_000);
  const bed = useEmbeddedMediaBed();

  it('is collected and reported to onDtmf listeners (duration as given, else 100 ms); unread digits wait as type-ahead', async () => {
    const { ep } = await bed.answered();
    const heard: Array<{ digit: string; durationMs: number }> = [];
    ep.onDtmf((e) => heard.push(e));
    const collected = ep.collectDigits({ maxDigits: 4, timeoutMs: 2000 });
    await ep.receiveDtmf('4');
    await ep.receiveDtmf('2', { durationMs: 160 });
    await ep.receiveDtmf('#');
    assert.equal(await collected, '42', '# ended the collection and is not part of it');
    assert.deepEqual(heard, [{ digit: '4', durationMs: 100 }, { digit: '2', durationMs: 160 }, { digit: '#', durationMs: 100 }]);
    await ep.receiveDtmf('9');
    await ep.receiveDtmf('*');
    assert.equal(await ep.collectDigits({ maxDigits: 2, timeoutMs: 500 }), '9*', 'typed ahead before the collect');
  });

  it('mixes in arrival order with the RFC 4733 digits the peer sends', async () => {
    const { peer, ep } = await bed.answered();
    const heard: string[] = [];
    ep.onDtmf((e) => heard.push(e.digit));
    const collected = ep.collectDigits({ maxDigits: 10, timeoutMs: 3000 });
    await peer.sendDigits('1', { durationMs: 80 });
    await sleep(30);
    await ep.receiveDtmf('2');
    await peer.sendDigits('3', { durationMs: 80 });
    await sleep(30);
    await ep.receiveDtmf('A');
    await ep.receiveDtmf('#');
    assert.equal(await collected, '123A');
    assert.deepEqual(heard, ['1', '2', '3', 'A', '#']);
  });

  it('cuts a barge-in play short and is there for the next collect; a play without barge-in plays on', async () => {
    const { ep } = await bed.answered();
    const prompt = await bed.wav('menu.wav', generateTone(600, 2000));
    const t = performance.now();
    const playing = ep.play(prompt, { bargeIn: true });
    await sleep(300);
    await ep.receiveDtmf('3');
    const r = await playing;
    const took = performance.now() - t;
    assert.equal(r.interrupted, true);
    assert.ok(took < 600, `the prompt stopped ${took.toFixed(0)} ms in`);
    assert.equal(await ep.collectDigits({ maxDigits: 1, timeoutMs: 1000 }), '3');

    const short = await bed.wav('short.wav', generateTone(600, 500));
    const full = ep.play(short);
    await sleep(100);
    await ep.receiveDtmf('8');
    assert.deepEqual(await full, { playedMs: 500, interrupted: false });
    assert.equal(await ep.collectDigits({ maxDigits: 1, timeoutMs: 1000 }), '8');
  });

  it('ends a record() on a terminator (reason terminator, digit #); other digits do not end it', async () => {
    const { peer, ep } = await bed.answered();
    const path = join(bed.dir(), 'message.wav');
    const recording = ep.record(path, { silenceTimeoutMs: 0, maxDurationMs: 10_000, terminators: '#' });
    await sleep(50);
    await peer.sendPcm(generateTone(700, 600));
    await ep.receiveDtmf('5');
    await peer.sendPcm(generateTone(700, 400));
    await ep.receiveDtmf('#');
    const r = await recording;
    assert.equal(r.reason, 'terminator');
    assert.equal(r.digit, '#');
    // 1 s sent; the terminator drops the last 100 ms held back for an in-band tone.
    assert.ok(r.durationMs >= 800 && r.durationMs <= 1000, `recorded ${r.durationMs} ms`);
    const wav = readWav(await readFile(path));
    assert.ok(wav.ok && Math.abs(wav.samples.length / 8 - r.durationMs) <= 20, 'the file holds what was reported');
  });

  it('rejects anything but one DTMF key with MEDIA_BAD_DIGITS; after destroy() it does nothing', async () => {
    const { ep } = await bed.answered();
    const heard: string[] = [];
    ep.onDtmf((e) => heard.push(e.digit));
    for (const bad of ['', '12', 'x', 'a', 'E', ' 1']) await assert.rejects(ep.receiveDtmf(bad), badDigits, JSON.stringify(bad));
    assert.deepEqual(heard, []);
    await ep.destroy();
    await ep.receiveDtmf('1');
    assert.deepEqual(heard, []);
  });
});
