/**
 * RIFF/WAVE reading (Microsoft "Multimedia Programming Interface and Data Specifications
 * 1.0", 1991, and the WAVE_FORMAT_EXTENSIBLE addendum). Files come from users (uploaded
 * greetings), from espeak-ng and from our own recorder, possibly cut short by a crash, so
 * the reader never throws: it returns a value, and it is lenient exactly where real files
 * are sloppy (unknown chunks, a streaming writer's placeholder sizes, a truncated data
 * chunk) and strict where guessing would produce noise (formats we cannot decode).
 */
import { endianness } from 'node:os';
import { decodeALaw, decodeMuLaw } from '../codec/index.js';

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** 16-bit PCM, interleaved when channels > 1. */
  readonly samples: Int16Array;
}

export type ReadWavResult = ({ readonly ok: true } & WavAudio) | { readonly ok: false; readonly reason: string };

/** wFormatTag values (RFC 2361 Appendix A lists the registry). */
export const WAVE_FORMAT = Object.freeze({ PCM: 1, ALAW: 6, MULAW: 7, EXTENSIBLE: 0xfffe } as const);

/** A size field a streaming writer leaves when it cannot seek back (also what espeak-ng --stdout writes). */
const UNKNOWN_SIZE_MIN = 0x7fffffff;

interface Format {
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

interface Chunk {
  readonly id: string;
  readonly body: Buffer;
}

function fail(reason: string): ReadWavResult {
  return { ok: false, reason };
}

/** Reads a whole WAV file held in memory. */
export function readWav(buf: Buffer): ReadWavResult {
  if (buf.length < 12) return fail('too short for a RIFF header');
  if (buf.toString('latin1', 0, 4) !== 'RIFF') return fail('not a RIFF file (no "RIFF" tag)');
  if (buf.toString('latin1', 8, 12) !== 'WAVE') return fail('RIFF file is not WAVE');
  let format: Format | undefined;
  for (const chunk of chunksOf(buf)) {
    if (chunk.id === 'fmt ') {
      const parsed = parseFormat(chunk.body);
      if (typeof parsed === 'string') return fail(parsed);
      format = parsed;
    } else if (chunk.id === 'data') {
      if (!format) return fail('"data" chunk before "fmt " chunk');
      return decodeData(format, chunk.body);
    }
  }
  return fail(format ? 'no "data" chunk' : 'no "fmt " chunk');
}

/** Walks the chunks after the WAVE tag; a chunk claiming more than is left is cut to what is there. */
function* chunksOf(buf: Buffer): Generator<Chunk> {
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const start = offset + 8;
    const end = Math.min(buf.length, start + declared);
    yield { id, body: buf.subarray(start, end) };
    if (declared >= UNKNOWN_SIZE_MIN) return;
    // Chunks are word-aligned: an odd-sized body is followed by a pad byte.
    offset = start + declared + (declared & 1);
  }
}

function parseFormat(body: Buffer): Format | string {
  if (body.length < 16) return '"fmt " chunk too short';
  const format: Format = {
    formatTag: body.readUInt16LE(0),
    channels: body.readUInt16LE(2),
    sampleRate: body.readUInt32LE(4),
    blockAlign: body.readUInt16LE(12),
    bitsPerSample: body.readUInt16LE(14),
  };
  const tag = format.formatTag === WAVE_FORMAT.EXTENSIBLE ? extensibleSubFormat(body) : format.formatTag;
  if (tag === undefined) return 'WAVE_FORMAT_EXTENSIBLE without a valid sub-format';
  if (format.channels < 1) return 'zero channels';
  if (format.sampleRate < 1) return 'zero sample rate';
  return checkEncoding({ ...format, formatTag: tag });
}

/** The first two bytes of the sub-format GUID carry the plain format tag. */
function extensibleSubFormat(body: Buffer): number | undefined {
  if (body.length < 40 || body.readUInt16LE(16) < 22) return undefined;
  return body.readUInt16LE(24);
}

function checkEncoding(format: Format): Format | string {
  const { formatTag, bitsPerSample, channels, blockAlign } = format;
  if (formatTag === WAVE_FORMAT.PCM) {
    if (bitsPerSample !== 16) return `unsupported PCM sample size ${bitsPerSample} bits (only 16-bit PCM is read)`;
  } else if (formatTag === WAVE_FORMAT.MULAW || formatTag === WAVE_FORMAT.ALAW) {
    if (bitsPerSample !== 8) return `G.711 WAV must have 8 bits per sample, not ${bitsPerSample}`;
  } else {
    return `unsupported WAVE format tag ${formatTag} (16-bit PCM, µ-law and A-law are read)`;
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) return `block align ${blockAlign} does not match ${channels} channel(s) of ${bitsPerSample} bits`;
  return format;
}

/** Little-endian bytes (an even count) → 16-bit samples, in a fresh, aligned buffer. */
function littleEndianToPcm(data: Buffer): Int16Array {
  const samples = new Int16Array(data.length / 2);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(samples.buffer).set(data);
    return samples;
  }
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return samples;
}

function decodeData(format: Format, body: Buffer): ReadWavResult {
  // A file cut short may end mid-frame: keep whole frames only, so channels stay aligned.
  const usable = body.length - (body.length % format.blockAlign);
  const data = body.subarray(0, usable);
  const { sampleRate, channels } = format;
  if (format.formatTag === WAVE_FORMAT.MULAW) return { ok: true, sampleRate, channels, samples: decodeMuLaw(data) };
  if (format.formatTag === WAVE_FORMAT.ALAW) return { ok: true, sampleRate, channels, samples: decodeALaw(data) };
  return { ok: true, sampleRate, channels, samples: littleEndianToPcm(data) };
}
