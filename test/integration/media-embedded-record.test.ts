/**
 * record() on the embedded RTP endpoint, on loopback with real UDP: what the peer sends
 * ends up in the WAV (compared by signal, never by bytes), and every end condition works.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crossCorrelate, frameEnergyDb, generateTone } from '../../src/media/dsp/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { useEmbeddedMediaBed } from '../helpers/embedded-media-bed.js';
import { sleep } from '../helpers/until.js';

describe('embedded media endpoint record() over UDP (integration)', function () {
  this.timeout(15_000);
  const { dir: tempDir, answered, wav } = useEmbeddedMediaBed();

  async function readMono(path: string): Promise<Int16Array> {
    const w = readWav(await readFile(path));
    assert.ok(w.ok, w.ok ? '' : w.reason);
    assert.equal(w.sampleRate, 8000);
    assert.equal(w.channels, 1);
    return w.samples;
  }

  it("record() holds the peer's signal and stops at the silence timeout, trailing silence trimmed", async () => {
    const { ep, peer: p } = await answered();
    const path = join(tempDir(), 'rec.wav');
    const recording = ep.record(path, { silenceTimeoutMs: 600 });
    await sleep(20);
    const tone = generateTone(1000, 800);
    const sent = new Int16Array(tone.length + 8000); // then a second of silence, still sent
    sent.set(tone);
    await p.sendPcm(sent);
    const r = await recording;
    assert.equal(r.reason, 'silence');
    assert.ok(Math.abs(r.durationMs - 800) <= 60, `durationMs ${r.durationMs}`);
    const samples = await readMono(path);
    assert.equal(Math.round(samples.length / 8), r.durationMs);
    assert.ok(crossCorrelate(samples, tone, 20).coefficient > 0.9);
    assert.ok(frameEnergyDb(samples.subarray(samples.length - 400)) > -20, 'the file ends with the tone, not silence');
  });

  it('record() of a WAV the peer plays (16 kHz file, resampled by the peer) matches it by signal', async () => {
    const { ep, peer: p } = await answered();
    const source = generateTone(300, 600, 16000);
    const file = await wav('src16k.wav', source, 16000);
    const path = join(tempDir(), 'from-wav.wav');
    const recording = ep.record(path, { silenceTimeoutMs: 400 });
    await sleep(20);
    await p.sendWav(file);
    const r = await recording;
    assert.equal(r.reason, 'silence');
    const got = await readMono(path);
    assert.ok(crossCorrelate(got, generateTone(300, 600), 40).coefficient > 0.9);
    await assert.rejects(ep.record(join(tempDir(), 'no', 'such', 'dir.wav')), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_FILE_NOT_WRITABLE');
  });

  it('record() also ends when the peer goes quiet altogether (no packets)', async () => {
    const { ep, peer: p } = await answered({ mediaTimeoutMs: 0 });
    const recording = ep.record(join(tempDir(), 'r.wav'), { silenceTimeoutMs: 500 });
    await sleep(20);
    await p.sendTone(700, 400);
    const t = performance.now();
    const r = await recording;
    assert.equal(r.reason, 'silence');
    assert.ok(performance.now() - t < 900);
    assert.ok(Math.abs(r.durationMs - 400) <= 60, `durationMs ${r.durationMs}`);
  });

  it('record() ends on a terminator digit, which is not recorded', async () => {
    const { ep, peer: p } = await answered();
    const path = join(tempDir(), 'term.wav');
    const recording = ep.record(path, { terminators: '#*' });
    await sleep(20);
    await p.sendTone(1000, 600);
    await p.sendDigits('#', { durationMs: 160 });
    const r = await recording;
    assert.equal(r.reason, 'terminator');
    assert.equal(r.digit, '#');
    assert.ok(r.durationMs >= 450 && r.durationMs <= 620, `durationMs ${r.durationMs}`);
  });

  it('record() stops at the maximum duration, and with "hangup" when the endpoint goes', async () => {
    const { ep, peer: p } = await answered();
    const recording = ep.record(join(tempDir(), 'max.wav'), { maxDurationMs: 500 });
    await sleep(20);
    await p.sendTone(1000, 900);
    const r = await recording;
    assert.equal(r.reason, 'max-duration');
    assert.ok(r.durationMs >= 440 && r.durationMs <= 500, `durationMs ${r.durationMs}`);

    const stopped = ep.record(join(tempDir(), 'stop.wav'));
    await sleep(50);
    ep.stopRecord();
    assert.equal((await stopped).reason, 'stopped');

    const hangup = ep.record(join(tempDir(), 'hup.wav'));
    await sleep(20);
    void p.sendTone(1000, 400);
    await sleep(200);
    await ep.destroy();
    const h = await hangup;
    assert.equal(h.reason, 'hangup');
    assert.ok(h.durationMs >= 60, `some audio was kept (${h.durationMs} ms)`);
    await assert.rejects(ep.record(join(tempDir(), 'late.wav')), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_ENDPOINT_GONE');
  });
});
