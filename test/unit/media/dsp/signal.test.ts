import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SILENCE_DBFS, crossCorrelate, dtmfFrequencies, energyEnvelope, frameEnergyDb, generateDtmf, generateSilence, generateTone } from '../../../../src/media/dsp/index.js';

/** Deterministic noise-like test signal (xorshift). */
function noise(n: number, seed: number, amplitude = 8000): Int16Array {
  let x = seed >>> 0 || 1;
  return Int16Array.from({ length: n }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.round((((x >>> 0) / 2 ** 32) * 2 - 1) * amplitude);
  });
}

function delayed(signal: Int16Array, lag: number, gain = 1): Int16Array {
  const out = new Int16Array(signal.length);
  for (let i = 0; i < signal.length; i++) {
    const j = i - lag;
    if (j >= 0 && j < signal.length) out[i] = Math.round((signal[j] as number) * gain);
  }
  return out;
}

describe('dsp signal helpers', () => {
  it('frameEnergyDb measures RMS against full scale', () => {
    assert.ok(Math.abs(frameEnergyDb(generateTone(1000, 20, 8000, 1)) - -3.01) < 0.05);
    assert.ok(Math.abs(frameEnergyDb(generateTone(1000, 20, 8000, 0.5)) - -9.03) < 0.05);
    assert.ok(Math.abs(frameEnergyDb(new Int16Array(160).fill(-32768)) - 0) < 0.001);
    assert.equal(frameEnergyDb(generateSilence(20)), SILENCE_DBFS);
    assert.equal(frameEnergyDb(new Int16Array(0)), SILENCE_DBFS);
  });

  it('generateTone: length from ms and rate, amplitude as a fraction or as a peak in sample units', () => {
    const tone = generateTone(440, 250, 16000, 0.25);
    assert.equal(tone.length, 4000);
    const peak = Math.max(...tone.map(Math.abs));
    assert.ok(Math.abs(peak - 0.25 * 32767) < 20);
    const byPeak = generateTone(1000, 10, 8000, 1000);
    assert.equal(Math.max(...byPeak), 1000);
    assert.equal(generateTone(1000, 10).length, 80);
  });

  it('generateDtmf sums the two Q.23 frequencies of the digit', () => {
    assert.deepEqual(dtmfFrequencies('5'), [770, 1336]);
    assert.deepEqual(dtmfFrequencies('d'), [941, 1633]);
    assert.equal(dtmfFrequencies('x'), undefined);
    const digit = generateDtmf('5', 100);
    const sum = generateTone(770, 100, 8000, 0.25).map((s, i) => s + (generateTone(1336, 100, 8000, 0.25)[i] as number));
    assert.deepEqual([...digit], [...sum]);
    assert.throws(() => generateDtmf('E', 100), RangeError);
  });

  it('crossCorrelate finds a known lag of a noise-like signal, either sign, at any gain', () => {
    const a = noise(4000, 7);
    for (const lag of [0, 1, 37, 160, -55, -300]) {
      const b = delayed(a, lag, 0.3);
      const found = crossCorrelate(a, b, 400);
      assert.equal(found.lag, lag);
      assert.ok(found.coefficient > 0.99, `lag ${lag}: ${found.coefficient}`);
    }
  });

  it('crossCorrelate gives a low coefficient for unrelated signals and for an inverted copy', () => {
    assert.ok(crossCorrelate(noise(4000, 1), noise(4000, 2), 200).coefficient < 0.15);
    assert.ok(crossCorrelate(noise(4000, 3), delayed(noise(4000, 3), 0, -1), 0).coefficient <= 0);
    assert.deepEqual(crossCorrelate(new Int16Array(100), noise(100, 4), 10), { lag: 0, coefficient: 0 });
  });

  it('crossCorrelate finds the lag of a delayed copy embedded in silence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 200 }), fc.integer({ min: 1, max: 1000 }), (lag, seed) => {
        const a = noise(1600, seed);
        assert.equal(crossCorrelate(a, delayed(a, lag), 250).lag, lag);
      }),
      { numRuns: 30 },
    );
  });

  it('energyEnvelope follows the level of each window', () => {
    const signal = new Int16Array(800);
    signal.set(generateTone(1000, 40, 8000, 0.5), 320);
    const env = energyEnvelope(signal, 20, 8000);
    assert.equal(env.length, 5);
    assert.deepEqual([env[0], env[1], env[4]], [0, 0, 0]);
    assert.ok(Math.abs((env[2] as number) - 0.5 / Math.SQRT2) < 0.01);
    assert.equal(energyEnvelope(new Int16Array(250), 20).length, 1, 'a trailing partial window is dropped');
  });
});
