/**
 * The pure half of prompt generation: tones are synthesised here; speech arrives from
 * espeak-ng (as a WAV at its own rate, 22 050 Hz) and is conditioned here for the phone
 * network: resampled to 8 kHz with a proper anti-aliasing low-pass, long leading and
 * trailing silence trimmed, and the peak normalised so all prompts play at one level.
 */
import { frameEnergyDb, generateDtmf, generateTone } from '../dsp/index.js';
import { readWav, resample } from '../wav/index.js';
import type { PromptSource } from './prompts.js';

export const PROMPT_SAMPLE_RATE = 8000;

/** Peak level of speech prompts: 0.7 of full scale (−3 dBFS), with headroom for G.711. */
const SPEECH_PEAK = 0.7 * 32767;
/** Silence kept before and after speech, ms. */
const SPEECH_MARGIN_MS = 80;
/** Quieter than this (dBFS per 10 ms) counts as silence when trimming. */
const TRIM_THRESHOLD_DB = -50;

export type RenderResult = { readonly ok: true; readonly samples: Int16Array } | { readonly ok: false; readonly reason: string };

/** A tone or DTMF prompt, 8 kHz mono. Speech prompts need espeak-ng's output: use conditionSpeech. */
export function renderTonePrompt(source: Exclude<PromptSource, { kind: 'speech' }>): Int16Array {
  if (source.kind === 'tone') return fade(generateTone(source.freqHz, source.ms, PROMPT_SAMPLE_RATE, 0.5));
  return fade(generateDtmf(source.digit, source.ms, PROMPT_SAMPLE_RATE));
}

/** espeak-ng's WAV (any rate, mono) → an 8 kHz mono prompt. */
export function conditionSpeech(wav: Buffer): RenderResult {
  const audio = readWav(wav);
  if (!audio.ok) return { ok: false, reason: `espeak-ng output is not a usable WAV: ${audio.reason}` };
  if (audio.channels !== 1) return { ok: false, reason: `espeak-ng output has ${audio.channels} channels, expected 1` };
  const resampled = resample(audio.samples, audio.sampleRate, PROMPT_SAMPLE_RATE);
  const trimmed = trimSilence(resampled, PROMPT_SAMPLE_RATE);
  if (trimmed.length === 0) return { ok: false, reason: 'espeak-ng produced only silence' };
  return { ok: true, samples: normalizePeak(trimmed, SPEECH_PEAK) };
}

/** Cuts silence longer than the margin at both ends (10 ms granularity). */
export function trimSilence(samples: Int16Array, rate: number): Int16Array {
  const window = Math.round(rate / 100);
  const loud = (w: number): boolean => frameEnergyDb(samples.subarray(w * window, (w + 1) * window)) > TRIM_THRESHOLD_DB;
  const windows = Math.ceil(samples.length / window);
  let first = 0;
  while (first < windows && !loud(first)) first++;
  if (first === windows) return new Int16Array(0);
  let last = windows - 1;
  while (last > first && !loud(last)) last--;
  const margin = Math.round((SPEECH_MARGIN_MS * rate) / 1000);
  return samples.slice(Math.max(0, first * window - margin), Math.min(samples.length, (last + 1) * window + margin));
}

/** Scales so the loudest sample reaches `peak` (in sample units). */
export function normalizePeak(samples: Int16Array, peak: number): Int16Array {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i] as number));
  if (max === 0) return samples.slice();
  const gain = peak / max;
  return samples.map((s) => Math.max(-32768, Math.min(32767, Math.round(s * gain))));
}

/** 5 ms raised-cosine ramps at both ends, so a tone starts and stops without a click. */
function fade(samples: Int16Array): Int16Array {
  const ramp = Math.min(Math.round(PROMPT_SAMPLE_RATE / 200), Math.floor(samples.length / 2));
  const out = samples.slice();
  for (let i = 0; i < ramp; i++) {
    const gain = 0.5 - 0.5 * Math.cos((Math.PI * i) / ramp);
    out[i] = Math.round((out[i] as number) * gain);
    out[out.length - 1 - i] = Math.round((out[out.length - 1 - i] as number) * gain);
  }
  return out;
}
