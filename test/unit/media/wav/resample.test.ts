import assert from 'node:assert/strict';
import { crossCorrelate, generateTone } from '../../../../src/media/dsp/index.js';
import { resample } from '../../../../src/media/wav/index.js';

/** Amplitude of the component at `freq` (single-bin DFT over the middle, away from the edges). */
function amplitudeAt(samples: Int16Array, freq: number, rate: number): number {
  const from = Math.floor(samples.length / 4);
  const to = Math.floor((3 * samples.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const phase = (2 * Math.PI * freq * i) / rate;
    re += (samples[i] as number) * Math.cos(phase);
    im += (samples[i] as number) * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** What a resampler without a low-pass does: pick the nearest input sample. */
function naiveDecimate(samples: Int16Array, from: number, to: number): Int16Array {
  return Int16Array.from({ length: Math.floor((samples.length * to) / from) }, (_, n) => samples[Math.round((n * from) / to)] ?? 0);
}

describe('resample', () => {
  const AMPLITUDE = 0.5 * 32767;

  it('keeps a 1 kHz tone when going from 22 050 Hz to 8 kHz: level within 0.1 dB', () => {
    const out = resample(generateTone(1000, 1000, 22050), 22050, 8000);
    assert.equal(out.length, 8000);
    assert.ok(Math.abs(db(amplitudeAt(out, 1000, 8000) / AMPLITUDE)) < 0.1);
  });

  it('adds no delay and no distortion: a 300 Hz → 3 kHz sweep matches the same sweep sampled at 8 kHz', () => {
    const sweep = (rate: number): Int16Array =>
      Int16Array.from({ length: rate }, (_, i) => {
        const t = i / rate;
        return Math.round(AMPLITUDE * Math.sin(2 * Math.PI * (300 * t + (2700 / 2) * t * t)));
      });
    const out = resample(sweep(22050), 22050, 8000);
    const reference = sweep(8000);
    const { lag, coefficient } = crossCorrelate(reference.subarray(200, 7800), out.subarray(200, 7800), 40);
    assert.equal(lag, 0);
    assert.ok(coefficient > 0.999, `coefficient ${coefficient}`);
  });

  it('keeps the telephone band: 300 Hz and 3.4 kHz within 0.5 dB', () => {
    for (const f of [300, 3400]) {
      const out = resample(generateTone(f, 500, 22050), 22050, 8000);
      assert.ok(Math.abs(db(amplitudeAt(out, f, 8000) / AMPLITUDE)) < 0.5, `${f} Hz`);
    }
  });

  it('removes a 4.1 kHz component before it can alias to 3.9 kHz (≥ 60 dB down), where naive decimation keeps it', () => {
    const input = generateTone(4100, 1000, 22050);
    const alias = 8000 - 4100;
    const out = resample(input, 22050, 8000);
    assert.ok(db(amplitudeAt(out, alias, 8000) / AMPLITUDE) < -60);
    assert.ok(db(amplitudeAt(naiveDecimate(input, 22050, 8000), alias, 8000) / AMPLITUDE) > -3, 'the test signal does alias without a filter');
  });

  it('removes a 6 kHz component that would fold onto 2 kHz, while keeping a 1 kHz tone mixed with it', () => {
    const high = generateTone(6000, 1000, 22050, 0.3);
    const mixed = generateTone(1000, 1000, 22050, 0.3).map((s, i) => s + (high[i] as number));
    const out = resample(mixed, 22050, 8000);
    const ref = 0.3 * 32767;
    assert.ok(db(amplitudeAt(out, 2000, 8000) / ref) < -60);
    assert.ok(Math.abs(db(amplitudeAt(out, 1000, 8000) / ref)) < 0.1);
  });

  it('upsamples 8 kHz → 16 kHz without imaging: the 1 kHz tone stays, nothing appears at 7 kHz', () => {
    const out = resample(generateTone(1000, 500, 8000), 8000, 16000);
    assert.equal(out.length, 8000);
    assert.ok(Math.abs(db(amplitudeAt(out, 1000, 16000) / AMPLITUDE)) < 0.1);
    assert.ok(db(amplitudeAt(out, 7000, 16000) / AMPLITUDE) < -60);
  });

  it('handles the other common rates (44.1 k, 48 k, 16 k, 11.025 k → 8 k) and keeps DC', () => {
    for (const rate of [44100, 48000, 16000, 11025]) {
      const out = resample(generateTone(1000, 400, rate), rate, 8000);
      assert.equal(out.length, Math.floor((Math.round(0.4 * rate) * 8000) / rate));
      assert.ok(Math.abs(db(amplitudeAt(out, 1000, 8000) / AMPLITUDE)) < 0.1, `${rate}`);
    }
    const dc = resample(new Int16Array(2205).fill(1000), 22050, 8000);
    assert.ok(dc.subarray(100, 700).every((s) => Math.abs(s - 1000) <= 1));
  });

  it('returns a copy at equal rates and rejects nonsense rates', () => {
    const x = Int16Array.from([1, 2, 3]);
    const y = resample(x, 8000, 8000);
    assert.deepEqual([...y], [1, 2, 3]);
    assert.notEqual(y, x);
    assert.throws(() => resample(x, 0, 8000), RangeError);
    assert.throws(() => resample(x, 8000, 7999.5), RangeError);
    assert.equal(resample(new Int16Array(0), 22050, 8000).length, 0);
  });
});
