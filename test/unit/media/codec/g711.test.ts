import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PAYLOAD_TYPES, SILENCE_BYTES, decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw, g711Codec } from '../../../../src/media/codec/index.js';

const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Half of the quantisation step that contains |x| (µ-law chords double from 8 in 16-bit units, after a bias of 132). */
function muLawHalfStep(x: number): number {
  const magnitude = Math.min(Math.abs(x), 32635) + 132;
  const chord = 31 - Math.clz32(magnitude) - 7;
  return 2 ** (chord + 2);
}

/** A-law: steps of 16 in the two lowest segments, doubling from there. */
function aLawHalfStep(x: number): number {
  const magnitude = Math.abs(x) >> 3;
  const chord = magnitude < 32 ? 0 : 31 - Math.clz32(magnitude) - 4;
  return 8 * 2 ** Math.max(0, chord - 1);
}

describe('G.711', () => {
  it('uses the static payload types of RFC 3551 and the usual silence bytes', () => {
    assert.deepEqual({ ...PAYLOAD_TYPES }, { PCMU: 0, PCMA: 8 });
    assert.equal(SILENCE_BYTES.PCMU, 0xff);
    assert.equal(SILENCE_BYTES.PCMA, 0xd5);
    assert.equal(g711Codec('PCMA').payloadType, 8);
    assert.equal(g711Codec('PCMU').decode, decodeMuLaw);
  });

  it('matches known code words of the Recommendation (µ-law)', () => {
    assert.deepEqual([...encodeMuLaw(new Int16Array([0, 32767, -32768, -1]))], [0xff, 0x80, 0x00, 0x7f]);
    assert.deepEqual([...decodeMuLaw(new Uint8Array([0x00, 0x80, 0xff, 0x7f, 0x7e, 0xfe]))], [-32124, 32124, 0, 0, -8, 8]);
  });

  it('matches known code words of the Recommendation (A-law, even bits inverted)', () => {
    assert.deepEqual([...encodeALaw(new Int16Array([0, 32767, -32768, -1]))], [0xd5, 0xaa, 0x2a, 0x55]);
    assert.deepEqual([...decodeALaw(new Uint8Array([0xd5, 0x55, 0xaa, 0x2a]))], [8, -8, 32256, -32256]);
  });

  for (const [name, encode, decode, halfStep, clip] of [
    ['µ-law', encodeMuLaw, decodeMuLaw, muLawHalfStep, 32124],
    ['A-law', encodeALaw, decodeALaw, aLawHalfStep, 32256],
  ] as const) {
    describe(name, () => {
      it('round-trips every 16-bit sample within half a quantisation step (or the clip level)', () => {
        const decoded = decode(encode(ALL_SAMPLES));
        for (let i = 0; i < ALL_SAMPLES.length; i++) {
          const x = ALL_SAMPLES[i] as number;
          const y = decoded[i] as number;
          const bound = Math.max(halfStep(x), Math.abs(x) - clip);
          if (Math.abs(y - x) > bound) assert.fail(`${name}: ${x} → ${y}, error above ${bound}`);
        }
      });

      it('is monotonic: a louder sample never decodes quieter', () => {
        const decoded = decode(encode(ALL_SAMPLES));
        for (let i = 1; i < decoded.length; i++) assert.ok((decoded[i] as number) >= (decoded[i - 1] as number), `at ${i - 32768}`);
      });

      it('decodes then re-encodes every code word to one that decodes identically', () => {
        const once = decode(ALL_BYTES);
        assert.deepEqual(decode(encode(once)), once);
      });

      it('round-trips random buffers within the bound (property)', () => {
        fc.assert(
          fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (values) => {
            const pcm = Int16Array.from(values);
            const bytes = encode(pcm);
            assert.equal(bytes.length, pcm.length);
            const back = decode(bytes);
            pcm.forEach((x, i) => assert.ok(Math.abs((back[i] as number) - x) <= Math.max(halfStep(x), Math.abs(x) - clip)));
          }),
        );
      });

      it('keeps a sine recognisable: SNR above 30 dB at −10 dBFS', () => {
        const pcm = Int16Array.from({ length: 8000 }, (_, i) => Math.round(10362 * Math.sin((2 * Math.PI * 1004 * i) / 8000)));
        const back = decode(encode(pcm));
        let signal = 0;
        let noise = 0;
        pcm.forEach((x, i) => {
          signal += x * x;
          noise += (x - (back[i] as number)) ** 2;
        });
        assert.ok(10 * Math.log10(signal / noise) > 30);
      });
    });
  }
});
