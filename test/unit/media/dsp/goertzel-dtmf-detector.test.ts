import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../../../src/media/codec/index.js';
import { GoertzelDtmfDetector, dtmfFrequencies, generateDtmf, generateSilence, generateTone, type DtmfDetection } from '../../../../src/media/dsp/index.js';

const DIGITS = '0123456789*#ABCD';

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mix(...parts: Int16Array[]): Int16Array {
  const length = Math.max(...parts.map((p) => p.length));
  return Int16Array.from({ length }, (_, i) => Math.max(-32768, Math.min(32767, parts.reduce((s, p) => s + (p[i] ?? 0), 0))));
}

/** Feeds `audio` in 20 ms frames, as the endpoint does, then flushes. */
function detect(audio: Int16Array, detector = new GoertzelDtmfDetector()): DtmfDetection[] {
  const out: DtmfDetection[] = [];
  for (let i = 0; i < audio.length; i += 160) out.push(...detector.push(audio.subarray(i, i + 160)));
  return [...out, ...detector.flush()];
}

function dualTone(low: number, high: number, ms: number, lowAmplitude = 0.25, highAmplitude = 0.25): Int16Array {
  return mix(generateTone(low, ms, 8000, lowAmplitude), generateTone(high, ms, 8000, highAmplitude));
}

function noise(n: number, amplitude: number, seed = 12345): Int16Array {
  let x = seed;
  return Int16Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.round((x / 2 ** 32 - 0.5) * 2 * amplitude);
  });
}

/**
 * Voiced speech, roughly: a gliding pitch with all its harmonics, shaped by three formants.
 * Harmonics regularly pass over DTMF frequencies, which is what talk-off tests are about.
 */
function speechLike(ms: number, f0: number): Int16Array {
  const n = (ms * 8000) / 1000;
  const out = new Int16Array(n);
  let phase = 0;
  const formant = (f: number, centre: number, width: number): number => Math.exp(-Math.pow((f - centre) / width, 2));
  for (let i = 0; i < n; i++) {
    const pitch = f0 * (1 + 0.15 * Math.sin((2 * Math.PI * 2.5 * i) / 8000));
    phase += (2 * Math.PI * pitch) / 8000;
    let v = 0;
    for (let h = 1; h * pitch < 3800; h++) {
      const f = h * pitch;
      v += (formant(f, 700, 250) + 0.6 * formant(f, 1250, 300) + 0.3 * formant(f, 2500, 400)) * Math.sin(h * phase);
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v * 5000)));
  }
  return out;
}

describe('GoertzelDtmfDetector', () => {
  it('detects each of the 16 digits once, with its duration and start, also after µ-law and A-law coding', () => {
    for (const [name, through] of [
      ['linear', (x: Int16Array) => x],
      ['µ-law', (x: Int16Array) => decodeMuLaw(encodeMuLaw(x))],
      ['A-law', (x: Int16Array) => decodeALaw(encodeALaw(x))],
    ] as const) {
      for (const digit of DIGITS) {
        const found = detect(through(concat(generateSilence(100), generateDtmf(digit, 80), generateSilence(100))));
        assert.equal(found.length, 1, `${name} ${digit}: ${JSON.stringify(found)}`);
        assert.equal(found[0]?.digit, digit);
        assert.ok(Math.abs((found[0]?.durationMs ?? 0) - 80) <= 15, `${name} ${digit} lasted ${found[0]?.durationMs}`);
        assert.ok(Math.abs((found[0]?.startMs ?? 0) - 100) <= 15, `${name} ${digit} started at ${found[0]?.startMs}`);
      }
    }
  });

  it('detects a dialled sequence, including the same digit twice, with 50 ms pauses', () => {
    const parts = [...'1123#'].flatMap((d) => [generateDtmf(d, 60), generateSilence(50)]);
    assert.equal(detect(concat(generateSilence(40), ...parts)).map((d) => d.digit).join(''), '1123#');
  });

  it('accepts 40 ms tones and rejects 20 ms bursts, whatever their alignment (Q.24 timing)', () => {
    for (let offset = 0; offset < 160; offset += 9) {
      const pad = generateSilence(100 + offset / 8);
      assert.equal(detect(concat(pad, generateDtmf('9', 40), generateSilence(100))).length, 1, `40 ms at offset ${offset}`);
      assert.equal(detect(concat(pad, generateDtmf('9', 20), generateSilence(100))).length, 0, `20 ms at offset ${offset}`);
    }
  });

  it('accepts frequencies 1.5 % off and rejects 3.5 % off', () => {
    for (const digit of DIGITS) {
      const [low, high] = dtmfFrequencies(digit) as [number, number];
      for (const deviation of [-0.015, 0.015]) {
        assert.deepEqual(detect(dualTone(low * (1 + deviation), high * (1 + deviation), 100)).map((d) => d.digit), [digit], `${digit} ${deviation}`);
      }
      for (const deviation of [-0.035, 0.035]) {
        assert.deepEqual(detect(dualTone(low * (1 + deviation), high * (1 + deviation), 100)), [], `${digit} ${deviation}`);
      }
    }
  });

  it('checks twist: high group up to 4 dB louder and low group up to 8 dB louder are accepted, beyond is not', () => {
    const at = (highOverLowDb: number): string[] => detect(dualTone(852, 1477, 100, 0.2, 0.2 * 10 ** (highOverLowDb / 20))).map((d) => d.digit);
    for (const ok of [-7.5, -4, 0, 2, 3.5]) assert.deepEqual(at(ok), ['9'], `${ok} dB`);
    for (const bad of [-10, -12, 6, 8]) assert.deepEqual(at(bad), [], `${bad} dB`);
  });

  it('rejects single tones, including each DTMF frequency alone, and a 1 kHz beep', () => {
    for (const f of [697, 770, 852, 941, 1209, 1336, 1477, 1633, 1000, 440]) assert.deepEqual(detect(generateTone(f, 500)), [], `${f} Hz`);
  });

  it('rejects quiet tones and white noise', () => {
    assert.deepEqual(detect(dualTone(697, 1209, 200, 0.005, 0.005)), [], 'below −35 dBFS per tone');
    assert.deepEqual(detect(noise(8000 * 5, 12000)), []);
  });

  it('rejects speech-like signals (talk-off), at several pitches', () => {
    for (const f0 of [85, 100, 120, 140, 170, 200, 230, 260]) assert.deepEqual(detect(speechLike(3000, f0)), [], `pitch ${f0} Hz`);
  });

  it('still detects a digit in moderate noise (20 dB SNR)', () => {
    const tone = concat(generateSilence(100), generateDtmf('0', 100), generateSilence(100));
    assert.deepEqual(detect(mix(tone, noise(tone.length, 1100))).map((d) => d.digit), ['0']);
  });

  it('exposes the digit being held, and flush() ends it', () => {
    const detector = new GoertzelDtmfDetector();
    assert.deepEqual(detector.push(generateDtmf('A', 200)), []);
    assert.equal(detector.current, 'A');
    assert.deepEqual(detector.flush().map((d) => d.digit), ['A']);
    assert.equal(detector.current, undefined);
  });

  it('gives the same result whatever the frame sizes (property)', () => {
    const audio = concat(generateSilence(30), generateDtmf('7', 90), generateSilence(60), generateDtmf('*', 120), generateSilence(30));
    const reference = detect(audio);
    assert.deepEqual(reference.map((d) => d.digit), ['7', '*']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const detector = new GoertzelDtmfDetector();
        const found: DtmfDetection[] = [];
        let at = 0;
        for (let k = 0; at < audio.length; k++) {
          const size = sizes[k % sizes.length] as number;
          found.push(...detector.push(audio.subarray(at, at + size)));
          at += size;
        }
        assert.deepEqual([...found, ...detector.flush()], reference);
      }),
      { numRuns: 100 },
    );
  });
});
