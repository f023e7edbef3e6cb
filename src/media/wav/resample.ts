/**
 * Sample-rate conversion of mono 16-bit audio by band-limited interpolation: each output
 * sample is the input convolved with a Kaiser-windowed sinc low-pass evaluated at the
 * output instant. The low-pass cutoff sits below the lower of the two Nyquist frequencies,
 * so when decimating (espeak-ng's 22 050 Hz → 8 kHz) everything the 8 kHz stream cannot
 * carry is removed *before* it can alias: a 4.1 kHz component would otherwise fold back to
 * 3.9 kHz, a 6 kHz one to 2 kHz.
 *
 * Design (for any pair of rates): pass band to 0.85 × the lower Nyquist (3.4 kHz at 8 kHz,
 * the edge of the telephone band), stop band from the lower Nyquist itself (4 kHz), Kaiser
 * β = 8.6 (≈ 85 dB side lobes). The rate ratio is reduced to L/M and the filter is tabulated
 * once per phase, so the inner loop is a plain dot product.
 */

const PASS_EDGE = 0.85;
const KAISER_BETA = 8.6;
/** Filter half-length, in periods of the lower rate: sets the transition width (≈ 0.15 × the lower Nyquist). */
const HALF_LENGTH_LOW_RATE = 36;
/** Above this many phases, coefficients are computed per sample instead of tabulated. */
const MAX_TABULATED_PHASES = 4096;

/** Resamples mono 16-bit PCM from `fromRate` to `toRate` (Hz, positive integers). */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate < 1 || toRate < 1) {
    throw new RangeError(`sample rates must be positive integers (got ${fromRate} → ${toRate})`);
  }
  if (fromRate === toRate) return samples.slice();
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor; // L output samples ...
  const down = fromRate / divisor; // ... for every M input samples
  const filter = new SincFilter(fromRate, toRate, up);
  const outLength = Math.floor((samples.length * up) / down);
  const out = new Int16Array(outLength);
  for (let n = 0; n < outLength; n++) {
    // Output n sits at input position n·M/L = base + phase/L.
    const base = Math.floor((n * down) / up);
    const phase = (n * down) % up;
    out[n] = clamp16(filter.apply(samples, base, phase));
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function clamp16(value: number): number {
  const rounded = Math.round(value);
  return rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
}

class SincFilter {
  /** Normalised cutoff: cycles per input sample, at the middle of the transition band. */
  private readonly cutoff: number;
  /** Taps on each side of the output instant, in input samples. */
  private readonly halfTaps: number;
  private readonly table = new Map<number, Float64Array>();

  constructor(
    fromRate: number,
    toRate: number,
    private readonly phases: number,
  ) {
    const lowNyquist = Math.min(fromRate, toRate) / 2;
    this.cutoff = ((1 + PASS_EDGE) / 2) * (lowNyquist / fromRate);
    this.halfTaps = Math.ceil(HALF_LENGTH_LOW_RATE * Math.max(1, fromRate / toRate));
  }

  /** Σ x[base + 1 - halfTaps + k] · h[k], for the output instant base + phase/phases. */
  apply(samples: Int16Array, base: number, phase: number): number {
    const taps = this.coefficients(phase);
    const first = base + 1 - this.halfTaps;
    let sum = 0;
    const kStart = Math.max(0, -first);
    const kEnd = Math.min(taps.length, samples.length - first);
    for (let k = kStart; k < kEnd; k++) sum += (samples[first + k] as number) * (taps[k] as number);
    return sum;
  }

  private coefficients(phase: number): Float64Array {
    const cached = this.table.get(phase);
    if (cached) return cached;
    const taps = this.design(phase / this.phases);
    if (this.phases <= MAX_TABULATED_PHASES) this.table.set(phase, taps);
    return taps;
  }

  /** Taps for an output instant `fraction` of an input period after sample `base`. */
  private design(fraction: number): Float64Array {
    const taps = new Float64Array(2 * this.halfTaps);
    let total = 0;
    for (let k = 0; k < taps.length; k++) {
      const distance = k + 1 - this.halfTaps - fraction; // input sample minus output instant
      const value = 2 * this.cutoff * sinc(2 * this.cutoff * distance) * kaiser(distance / this.halfTaps);
      taps[k] = value;
      total += value;
    }
    // Unity gain at DC for every phase, so a constant stays constant (no phase-dependent ripple).
    for (let k = 0; k < taps.length; k++) taps[k] = (taps[k] as number) / total;
    return taps;
  }
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Kaiser window at x ∈ [-1, 1] (0 outside). */
function kaiser(x: number): number {
  if (x <= -1 || x >= 1) return 0;
  return besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / besselI0(KAISER_BETA);
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50 && term > sum * 1e-12; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}
