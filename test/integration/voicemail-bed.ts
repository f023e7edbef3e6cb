/**
 * Shared pieces of the voicemail integration tests: prompts built by the project's own
 * script into a temporary folder, a VoicemailService on the real EmbeddedMediaPort with a
 * MemoryStore, the caller's known signal, and signal checks (Goertzel energy fractions and
 * cross-correlation, never bytes).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { VoicemailService, type VoicemailSettings, type VoicemailUser } from '../../src/b2bua/voicemail/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { generateSilence, generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort } from '../../src/media/embedded/index.js';
import { readWav, resample } from '../../src/media/wav/index.js';
import { systemClock } from '../../src/shared/index.js';
import { MemoryStore } from '../../src/state/index.js';
import type { RtpPeer } from '../helpers/rtp-peer.js';
import { runtimePortRange } from '../helpers/rtp-peer.js';
import { sleep } from '../helpers/until.js';

export const PIN = '2468';
export const DOMAIN = 'linegate.test';

export const ALICE: VoicemailUser & { sip: { username: string; password: { reveal(): string } } } = {
  id: 'alice', businessNumber: '+14155550100', extension: '100',
  sip: { username: 'alice', password: { reveal: () => 'alice-pw' } },
  voicemail: { enabled: true, pin: { reveal: () => PIN } },
};

/** Builds the prompts (espeak-ng + tones) once into `dir`. */
/** A prompt rendered into `dir` (buildPrompts) as 8 kHz mono PCM, to correlate with what a phone heard. */
export function promptPcm(dir: string, name: string): Int16Array {
  const wav = readWav(readFileSync(join(dir, `${name}.wav`)));
  if (!wav.ok) throw new Error(`${name}.wav: ${wav.reason}`);
  const mono = wav.channels > 1 ? wav.samples.filter((_s, i) => i % wav.channels === 0) : wav.samples;
  return wav.sampleRate === 8000 ? mono : resample(mono, wav.sampleRate, 8000);
}

export function buildPrompts(dir: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(process.cwd(), 'scripts', 'build-prompts.ts'), '--out', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-prompts failed: ${r.stderr || r.stdout}`);
}

export interface VoicemailBed {
  service: VoicemailService;
  media: EmbeddedMediaPort;
  store: MemoryStore;
  events: CallEvent[];
  dir: string;
  close(): Promise<void>;
}

export async function startVoicemailBed(promptsDir: string, settings: Partial<VoicemailSettings> = {}): Promise<VoicemailBed> {
  const dir = await mkdtemp(join(tmpdir(), 'linegate-vm-it-'));
  const store = new MemoryStore({ clock: systemClock });
  await store.start();
  const media = new EmbeddedMediaPort({ portRange: runtimePortRange() });
  const events: CallEvent[] = [];
  let seq = 100;
  const service = new VoicemailService({
    media, store, clock: systemClock, logger: pino({ level: 'silent' }), dir, promptsDir, users: [ALICE], domain: DOMAIN,
    settings: { silenceTimeoutMs: 3000, ...settings },
    events: { append: async (e) => events.push(e) },
    sequence: { next: async () => ++seq },
  });
  return {
    service, media, store, events, dir,
    close: async () => {
      await service.destroy();
      await media.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The caller's message: three tones in a row (so a match also proves the order), 2.4 s. */
export function knownSignal(): Int16Array {
  const parts = [generateTone(500, 800, 8000, 0.4), generateTone(900, 800, 8000, 0.4), generateTone(1300, 800, 8000, 0.4)];
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const SIGNAL_TONES = [500, 900, 1300] as const;

/** Fraction (0–1) of the window's energy at `freqHz` (Goertzel), 8 kHz. */
export function toneFraction(w: Int16Array, freqHz: number): number {
  const k = (2 * Math.PI * freqHz) / 8000;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i] as number;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (w.length * energy);
}

/** Per 50 ms window: which of `freqs` holds most of the energy (>= 0.6), or undefined. */
export function dominantTones(pcm: Int16Array, freqs: readonly number[]): Array<number | undefined> {
  const win = 400;
  const out: Array<number | undefined> = [];
  for (let i = 0; i + win <= pcm.length; i += win) {
    const w = pcm.subarray(i, i + win);
    const best = freqs.map((f) => [f, toneFraction(w, f)] as const).sort((a, b) => b[1] - a[1])[0];
    out.push(best && best[1] >= 0.6 ? best[0] : undefined);
  }
  return out;
}

/** Whether a 100 ms window of `pcm` is a pure `freqHz` tone. */
export function containsTone(pcm: Int16Array, freqHz: number): boolean {
  for (let i = 0; i + 800 <= pcm.length; i += 400) if (toneFraction(pcm.subarray(i, i + 800), freqHz) > 0.8) return true;
  return false;
}

/** Waits until the peer has heard `freqHz` (the beep is 1 kHz), then until the endpoint stops sending. */
export async function awaitToneThenQuiet(peer: RtpPeer, freqHz: number, since: number, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!containsTone(peer.receivedPcm(since), freqHz)) {
    if (performance.now() > end) throw new Error(`no ${freqHz} Hz tone heard within ${timeoutMs} ms`);
    await sleep(50);
  }
  await awaitQuiet(peer, 200, end - performance.now());
}

/** Waits until no audio has arrived for `quietMs`. */
export async function awaitQuiet(peer: RtpPeer, quietMs: number, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const last = peer.audioPackets().at(-1)?.at ?? 0;
    if (performance.now() - last >= quietMs) return;
    if (performance.now() > end) throw new Error(`the endpoint kept sending for ${timeoutMs} ms`);
    await sleep(20);
  }
}

export function silence(ms: number): Int16Array {
  return generateSilence(ms);
}

/** The SIGNAL_TONES that hold most of the energy in runs of at least `min` 50 ms windows, in order. */
export function signalToneRuns(pcm: Int16Array, min = 8): number[] {
  const runs: number[] = [];
  let last: number | undefined;
  let n = 0;
  for (const w of [...dominantTones(pcm, SIGNAL_TONES), undefined]) {
    if (w === last) n++;
    else {
      if (last !== undefined && n >= min) runs.push(last);
      last = w;
      n = 1;
    }
  }
  return runs;
}
