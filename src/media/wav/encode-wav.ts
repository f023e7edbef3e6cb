/** Writing canonical 44-byte-header WAV files: RIFF, "fmt " (16-bit PCM), "data". */
import { endianness } from 'node:os';
import type { WavAudio } from './read-wav.js';

const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

export const WAV_HEADER_BYTES = 44;

/**
 * The canonical header. `dataBytes` undefined writes the streaming placeholder 0xFFFFFFFF
 * in both size fields ("unknown length"), which readWav and most tools read to end of file.
 */
export function wavHeader(sampleRate: number, channels: number, dataBytes?: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = channels * 2;
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(dataBytes === undefined ? 0xffffffff : riffSize(dataBytes), 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // WAVE_FORMAT_PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes === undefined ? 0xffffffff : dataBytes, 40);
  return header;
}

/** The RIFF chunk size: everything after the 8-byte RIFF header, including the pad byte of an odd data chunk. */
export function riffSize(dataBytes: number): number {
  return WAV_HEADER_BYTES - 8 + dataBytes + (dataBytes & 1);
}

/** 16-bit samples → little-endian bytes (WAV is little-endian whatever the host). */
export function pcmToLittleEndian(samples: Int16Array): Buffer {
  // The fast path copies the typed array's bytes as they are; this runs on every recorded frame.
  if (HOST_IS_LITTLE_ENDIAN) return Buffer.from(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] as number, i * 2);
  return out;
}

/** A whole WAV file in memory. */
export function encodeWav(audio: WavAudio): Buffer {
  if (audio.channels < 1 || audio.samples.length % audio.channels !== 0) {
    throw new RangeError(`${audio.samples.length} samples are not whole frames of ${audio.channels} channel(s)`);
  }
  const data = pcmToLittleEndian(audio.samples);
  return Buffer.concat([wavHeader(audio.sampleRate, audio.channels, data.length), data]);
}
