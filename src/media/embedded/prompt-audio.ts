/**
 * Loads a WAV file for play(): any PCM 16-bit, µ-law or A-law WAV that readWav accepts,
 * any sample rate (resampled to 8 kHz) and any channel count (mixed down to mono).
 */
import { readFile } from 'node:fs/promises';
import { LinegateError } from '../../shared/index.js';
import { readWav, resample } from '../wav/index.js';

export const MEDIA_SAMPLE_RATE = 8000;

export async function loadPromptAudio(path: string): Promise<Int16Array> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new LinegateError('MEDIA_FILE_NOT_FOUND', `cannot read ${path}`, { cause: err });
  }
  const wav = readWav(data);
  if (!wav.ok) throw new LinegateError('MEDIA_BAD_FILE', `${path}: ${wav.reason}`);
  const mono = wav.channels === 1 ? wav.samples : mixDown(wav.samples, wav.channels);
  return wav.sampleRate === MEDIA_SAMPLE_RATE ? mono : resample(mono, wav.sampleRate, MEDIA_SAMPLE_RATE);
}

function mixDown(interleaved: Int16Array, channels: number): Int16Array {
  const frames = Math.floor(interleaved.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c] as number;
    out[f] = Math.round(sum / channels);
  }
  return out;
}
