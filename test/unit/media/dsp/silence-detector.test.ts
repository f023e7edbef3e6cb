import assert from 'node:assert/strict';
import { SilenceDetector, generateSilence, generateTone } from '../../../../src/media/dsp/index.js';

const loud = generateTone(440, 20, 8000, 0.3);
const hiss = generateTone(3000, 20, 8000, 0.001); // about −63 dBFS: line noise, not speech
const quiet = generateSilence(20);

describe('SilenceDetector', () => {
  it('turns silent only after the hangover, counting continuous silent frames', () => {
    const detector = new SilenceDetector({ thresholdDb: -45, hangoverMs: 100 });
    assert.equal(detector.push(loud), false);
    for (let i = 1; i <= 4; i++) {
      assert.equal(detector.push(i % 2 ? hiss : quiet), false);
      assert.equal(detector.silentForMs, 20 * i);
    }
    assert.equal(detector.push(quiet), true);
    assert.equal(detector.isSilent, true);
    assert.equal(detector.silentForMs, 100);
    assert.equal(detector.elapsedMs, 120);
  });

  it('resets the silent run on any frame above the threshold', () => {
    const detector = new SilenceDetector({ thresholdDb: -45, hangoverMs: 40 });
    detector.push(quiet);
    detector.push(quiet);
    assert.equal(detector.isSilent, true);
    detector.push(loud);
    assert.equal(detector.isSilent, false);
    assert.equal(detector.silentForMs, 0);
  });

  it('counts missing audio as silence, uses the sample rate for frame lengths, and resets', () => {
    const detector = new SilenceDetector({ hangoverMs: 500, sampleRate: 16000 });
    detector.push(new Int16Array(320)); // 20 ms at 16 kHz
    assert.equal(detector.silentForMs, 20);
    assert.equal(detector.pushSilence(480), true);
    detector.reset();
    assert.equal(detector.silentForMs, 0);
    assert.equal(detector.elapsedMs, 0);
  });

  it('respects the threshold: a −40 dBFS tone is sound at −45 and silence at −35', () => {
    const tone = generateTone(440, 20, 8000, 0.0141); // ≈ −40 dBFS RMS
    const strict = new SilenceDetector({ thresholdDb: -45, hangoverMs: 20 });
    const lax = new SilenceDetector({ thresholdDb: -35, hangoverMs: 20 });
    assert.equal(strict.push(tone), false);
    assert.equal(lax.push(tone), true);
  });
});
