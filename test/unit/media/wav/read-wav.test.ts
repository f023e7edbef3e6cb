import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeALaw, encodeMuLaw } from '../../../../src/media/codec/index.js';
import { WAVE_FORMAT, encodeWav, readWav, wavHeader } from '../../../../src/media/wav/index.js';

/** A RIFF file from hand-made chunks, so the tests control every field. */
function riff(chunks: Array<[string, Buffer]>, riffSize?: number): Buffer {
  const parts = chunks.map(([id, body]) => {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    return Buffer.concat([header, body, Buffer.alloc(body.length & 1)]);
  });
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.write('WAVE', 8, 'latin1');
  const body = Buffer.concat(parts);
  head.writeUInt32LE(riffSize ?? body.length + 4, 4);
  return Buffer.concat([head, body]);
}

function fmt(formatTag: number, channels: number, sampleRate: number, bitsPerSample: number): Buffer {
  const body = Buffer.alloc(16);
  const blockAlign = (channels * bitsPerSample) / 8;
  body.writeUInt16LE(formatTag, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(sampleRate, 4);
  body.writeUInt32LE(sampleRate * blockAlign, 8);
  body.writeUInt16LE(blockAlign, 12);
  body.writeUInt16LE(bitsPerSample, 14);
  return body;
}

function pcmBytes(samples: number[]): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(s, i * 2));
  return out;
}

function expectOk(result: ReturnType<typeof readWav>): Extract<ReturnType<typeof readWav>, { ok: true }> {
  if (!result.ok) assert.fail(`expected a WAV, got: ${result.reason}`);
  return result;
}

describe('readWav / encodeWav', () => {
  it('round-trips mono and interleaved stereo 16-bit PCM', () => {
    for (const channels of [1, 2]) {
      const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321, 7]);
      const wav = encodeWav({ sampleRate: 8000, channels, samples: channels === 2 ? samples : samples.subarray(0, 7) });
      const read = expectOk(readWav(wav));
      assert.equal(read.sampleRate, 8000);
      assert.equal(read.channels, channels);
      assert.deepEqual([...read.samples], [...(channels === 2 ? samples : samples.subarray(0, 7))]);
    }
  });

  it('writes the canonical 44-byte header with correct sizes', () => {
    const wav = encodeWav({ sampleRate: 16000, channels: 2, samples: new Int16Array(6) });
    assert.equal(wav.length, 44 + 12);
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(4), 36 + 12);
    assert.equal(wav.readUInt16LE(20), 1);
    assert.equal(wav.readUInt32LE(28), 16000 * 4); // byte rate
    assert.equal(wav.readUInt16LE(32), 4); // block align
    assert.equal(wav.readUInt32LE(40), 12);
  });

  it('refuses to encode samples that are not whole frames', () => {
    assert.throws(() => encodeWav({ sampleRate: 8000, channels: 2, samples: new Int16Array(3) }), RangeError);
  });

  it('skips unknown chunks (LIST, fact, odd-sized with pad byte) before and after fmt', () => {
    const wav = riff([
      ['JUNK', Buffer.alloc(3, 0x41)],
      ['fmt ', fmt(1, 1, 8000, 16)],
      ['LIST', Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1')],
      ['data', pcmBytes([5, -5, 100])],
    ]);
    assert.deepEqual([...expectOk(readWav(wav)).samples], [5, -5, 100]);
  });

  it('decodes 8-bit µ-law (format 7) and A-law (format 6) WAVs', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 30000]);
    const mu = expectOk(readWav(riff([['fmt ', fmt(WAVE_FORMAT.MULAW, 1, 8000, 8)], ['data', Buffer.from(encodeMuLaw(pcm))]])));
    const a = expectOk(readWav(riff([['fmt ', fmt(WAVE_FORMAT.ALAW, 1, 8000, 8)], ['data', Buffer.from(encodeALaw(pcm))]])));
    for (const read of [mu, a]) {
      assert.equal(read.samples.length, 4);
      read.samples.forEach((s, i) => assert.ok(Math.abs(s - (pcm[i] as number)) < 1000, `${s} vs ${pcm[i]}`));
    }
  });

  it('reads WAVE_FORMAT_EXTENSIBLE with a PCM sub-format', () => {
    const body = Buffer.alloc(40);
    fmt(WAVE_FORMAT.EXTENSIBLE, 1, 8000, 16).copy(body);
    body.writeUInt16LE(22, 16); // cbSize
    body.writeUInt16LE(16, 18); // valid bits
    body.writeUInt16LE(1, 24); // sub-format GUID starts with the PCM tag
    assert.deepEqual([...expectOk(readWav(riff([['fmt ', body], ['data', pcmBytes([9, 8])]]))).samples], [9, 8]);
  });

  it('rejects what it cannot decode, saying why', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('RIFX0000WAVE'), /not a RIFF/],
      [Buffer.from('RIFF0000AVI '), /not WAVE/],
      [Buffer.alloc(5), /too short/],
      [riff([['fmt ', fmt(1, 1, 8000, 8)], ['data', Buffer.alloc(4)]]), /8 bits/],
      [riff([['fmt ', fmt(3, 1, 8000, 32)], ['data', Buffer.alloc(4)]]), /format tag 3/],
      [riff([['fmt ', fmt(0x55, 1, 8000, 16)], ['data', Buffer.alloc(4)]]), /format tag 85/],
      [riff([['data', Buffer.alloc(4)]]), /before "fmt "/],
      [riff([['fmt ', fmt(1, 1, 8000, 16)]]), /no "data"/],
      [riff([['fmt ', fmt(1, 0, 8000, 16)], ['data', Buffer.alloc(4)]]), /zero channels/],
    ];
    for (const [wav, reason] of cases) {
      const result = readWav(wav);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    }
  });

  it('reads a file cut short: the declared data size exceeds the file, and a half frame is dropped', () => {
    const full = encodeWav({ sampleRate: 8000, channels: 2, samples: Int16Array.from([1, 2, 3, 4, 5, 6]) });
    const cut = full.subarray(0, full.length - 3); // loses sample 6 and half of sample 5
    assert.deepEqual([...expectOk(readWav(cut)).samples], [1, 2, 3, 4]);
  });

  it('reads a streaming header (placeholder sizes) to the end of the file, as espeak-ng writes it', () => {
    const wav = Buffer.concat([wavHeader(22050, 1), pcmBytes([3, 2, 1])]);
    assert.equal(wav.readUInt32LE(40), 0xffffffff);
    const read = expectOk(readWav(wav));
    assert.equal(read.sampleRate, 22050);
    assert.deepEqual([...read.samples], [3, 2, 1]);
  });

  it('never throws on random or mutated input (property)', () => {
    const valid = encodeWav({ sampleRate: 8000, channels: 1, samples: Int16Array.from({ length: 50 }, (_, i) => i * 300) });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = readWav(Buffer.from(bytes));
        assert.equal(typeof result.ok, 'boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length), (edits, cut) => {
        const mutated = Buffer.from(valid);
        for (const [at, value] of edits) mutated[at] = value;
        const result = readWav(mutated.subarray(0, cut));
        if (result.ok) assert.ok(result.samples.length % result.channels === 0);
      }),
      { numRuns: 1000 },
    );
  });
});
