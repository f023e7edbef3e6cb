/**
 * Level, tone generation and signal comparison for 16-bit PCM. Levels are in dBFS relative
 * to a full-scale square wave: RMS / 32768, so a full-scale sine reads −3.01 dBFS.
 */

/** The level reported for digital silence, instead of −∞. */
export const SILENCE_DBFS = -120;

/** RMS level of a frame in dBFS (≥ SILENCE_DBFS). */
export function frameEnergyDb(samples: Int16Array): number {
  if (samples.length === 0) return SILENCE_DBFS;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(rms)) : SILENCE_DBFS;
}

/** Peak of a tone: `amplitude` is a fraction of full scale in (0, 1], or a peak in sample units when > 1. */
function peakOf(amplitude: number): number {
  return amplitude <= 1 ? amplitude * 32767 : Math.min(amplitude, 32767);
}

function sampleCount(ms: number, rate: number): number {
  return Math.max(0, Math.round((ms * rate) / 1000));
}

/** A sine tone. Default amplitude 0.5 of full scale (−9 dBFS RMS). */
export function generateTone(freqHz: number, ms: number, rate = 8000, amplitude = 0.5): Int16Array {
  const out = new Int16Array(sampleCount(ms, rate));
  const peak = peakOf(amplitude);
  const step = (2 * Math.PI * freqHz) / rate;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(peak * Math.sin(step * i));
  return out;
}

/** DTMF frequency pairs (ITU-T Q.23): [row (low group), column (high group)] in Hz. */
export const DTMF_ROWS = Object.freeze([697, 770, 852, 941] as const);
export const DTMF_COLUMNS = Object.freeze([1209, 1336, 1477, 1633] as const);
const KEYPAD = ['123A', '456B', '789C', '*0#D'] as const;

/** The [row, column] frequencies of a DTMF digit (0–9, *, #, A–D), or undefined. */
export function dtmfFrequencies(digit: string): readonly [number, number] | undefined {
  const key = digit.toUpperCase();
  if (key.length !== 1) return undefined;
  for (let r = 0; r < KEYPAD.length; r++) {
    const c = (KEYPAD[r] as string).indexOf(key);
    if (c >= 0) return [DTMF_ROWS[r] as number, DTMF_COLUMNS[c] as number];
  }
  return undefined;
}

/** The digit of a row/column pair (indices 0–3). */
export function dtmfDigitAt(row: number, column: number): string {
  return (KEYPAD[row] as string)[column] as string;
}

/** A DTMF digit in-band: both tones at `amplitude` each (default 0.25 of full scale, about −15 dBFS each). */
export function generateDtmf(digit: string, ms: number, rate = 8000, amplitude = 0.25): Int16Array {
  const pair = dtmfFrequencies(digit);
  if (!pair) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
  const low = generateTone(pair[0], ms, rate, amplitude);
  const high = generateTone(pair[1], ms, rate, amplitude);
  const out = new Int16Array(low.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, (low[i] as number) + (high[i] as number)));
  return out;
}

/** `ms` of digital silence. */
export function generateSilence(ms: number, rate = 8000): Int16Array {
  return new Int16Array(sampleCount(ms, rate));
}

/**
 * Normalised cross-correlation over lags −max…+max. A positive lag means `b` lags `a`
 * (b[i + lag] ≈ a[i]). Each lag is normalised by the energy of the overlapping parts, so
 * the coefficient is 1 for a delayed copy at any gain; the lag with the highest coefficient
 * wins. Lags where the signals overlap by less than a quarter of the shorter one are not
 * considered (a few samples would correlate by chance). O(n × lags): meant for test-sized
 * signals (seconds), not for streams.
 */
export function crossCorrelate(a: Int16Array, b: Int16Array, maxLagSamples: number): { lag: number; coefficient: number } {
  let best = { lag: 0, coefficient: 0 };
  const maxLag = Math.max(0, Math.floor(maxLagSamples));
  const minOverlap = Math.max(1, Math.floor(Math.min(a.length, b.length) / 4));
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    if (Math.min(a.length, b.length - lag) - Math.max(0, -lag) < minOverlap) continue;
    const coefficient = correlationAt(a, b, lag);
    if (coefficient > best.coefficient) best = { lag, coefficient };
  }
  return best;
}

function correlationAt(a: Int16Array, b: Int16Array, lag: number): number {
  const start = Math.max(0, -lag);
  const end = Math.min(a.length, b.length - lag);
  let dot = 0;
  let energyA = 0;
  let energyB = 0;
  for (let i = start; i < end; i++) {
    const x = a[i] as number;
    const y = b[i + lag] as number;
    dot += x * y;
    energyA += x * x;
    energyB += y * y;
  }
  return energyA > 0 && energyB > 0 ? dot / Math.sqrt(energyA * energyB) : 0;
}

/** RMS per window of `windowMs` (as a fraction of full scale, 0–1); a trailing partial window is dropped. */
export function energyEnvelope(samples: Int16Array, windowMs: number, rate = 8000): Float64Array {
  const window = Math.max(1, Math.round((windowMs * rate) / 1000));
  const out = new Float64Array(Math.floor(samples.length / window));
  for (let w = 0; w < out.length; w++) {
    let sum = 0;
    for (let i = w * window; i < (w + 1) * window; i++) {
      const s = samples[i] as number;
      sum += s * s;
    }
    out[w] = Math.sqrt(sum / window) / 32768;
  }
  return out;
}
