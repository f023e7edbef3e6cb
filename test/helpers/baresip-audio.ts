/**
 * Known audio for baresip (test/helpers/baresip.ts) to send: a WAV of tones and silences
 * built here with the project's own DSP and WAV code, played by baresip's `aufile` source.
 *
 * Debian's baresip 1.0 `aufile` is a source only (no player), and it refuses a file whose
 * rate or channel count differ from the configured `ausrc_srate` / `ausrc_channels`. The
 * helper's config sets 48 kHz stereo (for `ausine`), so the file is written at 48 kHz stereo
 * and baresip resamples it to the 8 kHz G.711 codecs itself. At the end of the file it logs
 * "aufile: end of file" and sends nothing more: a test ends the call (or waits for the far
 * end to) once partsMs() has passed.
 *
 * The source is switched over ctrl_tcp with menu's `ausrc` command, which also sets it for
 * the calls to come: start baresip with `control: true`, then `useAudioSource` before dialling.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSilence, generateTone } from '../../src/media/dsp/index.js';
import { encodeWav, readWav } from '../../src/media/wav/index.js';
import type { Baresip } from './baresip.js';

/** What test/helpers/baresip.ts configures: `ausrc_srate 48000`, `ausrc_channels 2`. */
export const BARESIP_SOURCE_RATE = 48_000;
export const BARESIP_SOURCE_CHANNELS = 2;

export type AudioPart =
  | { readonly toneHz: number; readonly ms: number; readonly amplitude?: number }
  | { readonly silenceMs: number };

/** The parts one after another, mono, at `rate`. */
export function renderParts(parts: readonly AudioPart[], rate: number): Int16Array {
  const pcm = parts.map((p) => ('silenceMs' in p ? generateSilence(p.silenceMs, rate) : generateTone(p.toneHz, p.ms, rate, p.amplitude ?? 0.4)));
  const out = new Int16Array(pcm.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pcm) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A WAV file baresip's aufile accepts: the parts on both channels, 48 kHz, 16-bit. */
export function baresipWav(parts: readonly AudioPart[]): Buffer {
  const mono = renderParts(parts, BARESIP_SOURCE_RATE);
  const samples = new Int16Array(mono.length * BARESIP_SOURCE_CHANNELS);
  for (let i = 0; i < mono.length; i++) for (let c = 0; c < BARESIP_SOURCE_CHANNELS; c++) samples[i * BARESIP_SOURCE_CHANNELS + c] = mono[i] as number;
  return encodeWav({ sampleRate: BARESIP_SOURCE_RATE, channels: BARESIP_SOURCE_CHANNELS, samples });
}

/** Writes baresipWav(parts) to `dir/name` and returns its path. */
export function writeBaresipWav(dir: string, name: string, parts: readonly AudioPart[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, baresipWav(parts));
  return file;
}

/** Total length of the parts in ms. */
export function partsMs(parts: readonly AudioPart[]): number {
  return parts.reduce((n, p) => n + ('silenceMs' in p ? p.silenceMs : p.ms), 0);
}

/**
 * Sets baresip's audio source (`aufile,/path.wav`, `ausine,1000`) for the calls to come and
 * any in progress, through its control socket. Rejects when baresip does not confirm it.
 */
export async function useAudioSource(phone: Baresip, source: string): Promise<void> {
  const control = phone.control;
  if (!control) throw new Error('start baresip with control: true to switch its audio source');
  const r = await control.command('ausrc', source);
  if (!r.ok || !/switch audio device/i.test(r.data)) throw new Error(`baresip did not take audio source ${source}: ${JSON.stringify(r)}`);
}

/** Length in ms of a WAV file (a prompt, say). */
export function wavMs(file: string): number {
  const wav = readWav(readFileSync(file));
  if (!wav.ok) throw new Error(`${file}: ${wav.reason}`);
  return (wav.samples.length / wav.channels / wav.sampleRate) * 1000;
}
