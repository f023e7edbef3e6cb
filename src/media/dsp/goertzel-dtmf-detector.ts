/**
 * In-band DTMF detection (ITU-T Q.23 frequencies, Q.24-style acceptance) for phones that do
 * not send RFC 4733 events. The stream is cut into blocks of 205 samples at 8 kHz (a 39 Hz
 * bin spacing that separates the closest DTMF tones, 697/770 Hz) overlapping by half, and
 * the eight DTMF frequencies are measured with the Goertzel algorithm (each at its nominal
 * frequency and ±1.5 %, see FREQUENCY_OFFSETS). A block carries a digit only if:
 * - the tone fills the block steadily (both halves carry energy: no partial blocks),
 * - both groups have a clear winner (the strongest row beats the other rows, and likewise
 *   for columns, by `minGroupMarginDb`),
 * - each tone is louder than `minToneDb`,
 * - the two tones hold most of the block's energy (`minToneFraction`): this is what
 *   rejects speech and noise, whose energy is spread over many frequencies,
 * - the twist (level difference between the two tones) is within limits.
 * A digit starts after enough consecutive blocks (`minDurationMs`), survives a one-block
 * drop-out, and is reported once, with its duration, when it ends. Measured (see the
 * tests): 40 ms tones are detected at any alignment, 20 ms bursts never. Designed and
 * tested for 8 kHz; other rates scale the block size but are untested.
 */
import { DTMF_COLUMNS, DTMF_ROWS, dtmfDigitAt } from './signal.js';

export interface GoertzelDtmfOptions {
  readonly sampleRate?: number;
  /** Weakest tone accepted, dBFS RMS per tone (default −35). */
  readonly minToneDb?: number;
  /** Share of the block's energy the two tones must hold (default 0.6). */
  readonly minToneFraction?: number;
  /** How much the winner of each group must beat the runner-up, dB (default 8). */
  readonly minGroupMarginDb?: number;
  /** Largest excess of the low-group (row) tone over the high-group tone, dB (default 8). */
  readonly maxLowGroupExcessDb?: number;
  /** Largest excess of the high-group (column) tone over the low-group tone, dB (default 4). */
  readonly maxHighGroupExcessDb?: number;
  /** Shortest tone reported (default 40 ms, the Q.24 minimum). */
  readonly minDurationMs?: number;
}

export interface DtmfDetection {
  readonly digit: string;
  /** Estimated tone duration. */
  readonly durationMs: number;
  /** Where the tone started, from the first sample fed. */
  readonly startMs: number;
}

interface ToneLevels {
  readonly row: number;
  readonly column: number;
}

/** Blocks of silence-or-other tolerated inside a digit (one dropped block is not a new key press). */
const MAX_MISSES = 1;

export class GoertzelDtmfDetector {
  private readonly rate: number;
  private readonly blockSize: number;
  private readonly hop: number;
  private readonly rowCoefficients: number[][];
  private readonly columnCoefficients: number[][];
  private readonly minBlocks: number;
  private readonly o: Required<Omit<GoertzelDtmfOptions, 'sampleRate' | 'minDurationMs'>>;
  private pending = new Int16Array(0);
  private pendingStart = 0; // stream position (samples) of pending[0]
  private candidate: { digit: string; firstBlock: number; blocks: number } | undefined;
  private active: { digit: string; firstBlock: number; lastBlock: number; misses: number } | undefined;
  private blockIndex = 0;

  constructor(options: GoertzelDtmfOptions = {}) {
    this.rate = options.sampleRate ?? 8000;
    this.blockSize = Math.round((205 * this.rate) / 8000);
    this.hop = Math.floor(this.blockSize / 2);
    const coefficients = (f: number): number[] => FREQUENCY_OFFSETS.map((k) => 2 * Math.cos((2 * Math.PI * f * k) / this.rate));
    this.rowCoefficients = DTMF_ROWS.map(coefficients);
    this.columnCoefficients = DTMF_COLUMNS.map(coefficients);
    const minSamples = ((options.minDurationMs ?? 40) * this.rate) / 1000;
    this.minBlocks = Math.max(2, 1 + Math.floor((minSamples - this.blockSize) / this.hop));
    this.o = {
      minToneDb: options.minToneDb ?? -35,
      minToneFraction: options.minToneFraction ?? 0.6,
      minGroupMarginDb: options.minGroupMarginDb ?? 8,
      maxLowGroupExcessDb: options.maxLowGroupExcessDb ?? 8,
      maxHighGroupExcessDb: options.maxHighGroupExcessDb ?? 4,
    };
  }

  /** The digit currently held down, if one has been confirmed. */
  get current(): string | undefined {
    return this.active?.digit;
  }

  /** Feeds audio (any length); returns the digits that ended within it. */
  push(samples: Int16Array): DtmfDetection[] {
    const buffer = new Int16Array(this.pending.length + samples.length);
    buffer.set(this.pending);
    buffer.set(samples, this.pending.length);
    const reports: DtmfDetection[] = [];
    let offset = 0;
    for (; offset + this.blockSize <= buffer.length; offset += this.hop) {
      this.step(this.classify(buffer.subarray(offset, offset + this.blockSize)), reports);
    }
    this.pending = buffer.slice(offset);
    this.pendingStart += offset;
    return reports;
  }

  /** Ends a digit in progress (end of stream). */
  flush(): DtmfDetection[] {
    const reports: DtmfDetection[] = [];
    this.endActive(reports);
    this.candidate = undefined;
    return reports;
  }

  /** The digit one block carries, if any. */
  classify(block: Int16Array): string | undefined {
    let energy = 0;
    let firstHalf = 0;
    for (let i = 0; i < block.length; i++) {
      energy += (block[i] as number) * (block[i] as number);
      if (i === this.hop - 1) firstHalf = energy;
    }
    if (energy === 0 || !isSteady(firstHalf, energy)) return undefined;
    const rows = this.rowCoefficients.map((cs) => tonePower(block, cs));
    const columns = this.columnCoefficients.map((cs) => tonePower(block, cs));
    const row = strongest(rows);
    const column = strongest(columns);
    if (!this.hasMargin(rows, row) || !this.hasMargin(columns, column)) return undefined;
    // A sine of amplitude A at the bin gives |X|² = (A·N/2)²: its energy in the block is 2|X|²/N.
    const n = block.length;
    const levels: ToneLevels = { row: (2 * (rows[row] as number)) / n, column: (2 * (columns[column] as number)) / n };
    if (!this.acceptable(levels, energy)) return undefined;
    return dtmfDigitAt(row, column);
  }

  private acceptable(levels: ToneLevels, energy: number): boolean {
    const n = this.blockSize;
    const toneDb = (toneEnergy: number): number => 10 * Math.log10(toneEnergy / n / (32768 * 32768));
    if (toneDb(levels.row) < this.o.minToneDb || toneDb(levels.column) < this.o.minToneDb) return false;
    if ((levels.row + levels.column) / energy < this.o.minToneFraction) return false;
    const twistDb = 10 * Math.log10(levels.column / levels.row);
    return twistDb <= this.o.maxHighGroupExcessDb && -twistDb <= this.o.maxLowGroupExcessDb;
  }

  private hasMargin(powers: readonly number[], winner: number): boolean {
    const ratio = 10 ** (this.o.minGroupMarginDb / 10);
    const top = powers[winner] as number;
    return powers.every((p, i) => i === winner || p * ratio <= top);
  }

  /** The debounce state machine, one block at a time. */
  private step(digit: string | undefined, reports: DtmfDetection[]): void {
    const index = this.blockIndex++;
    const active = this.active;
    if (active) {
      if (digit === active.digit) {
        active.lastBlock = index;
        active.misses = 0;
        return;
      }
      if (++active.misses <= MAX_MISSES) return;
      this.endActive(reports);
    }
    if (digit === undefined) {
      this.candidate = undefined;
      return;
    }
    if (this.candidate?.digit === digit && this.candidate.firstBlock + this.candidate.blocks === index) this.candidate.blocks++;
    else this.candidate = { digit, firstBlock: index, blocks: 1 };
    if (this.candidate.blocks >= this.minBlocks) {
      this.active = { digit, firstBlock: this.candidate.firstBlock, lastBlock: index, misses: 0 };
      this.candidate = undefined;
    }
  }

  private endActive(reports: DtmfDetection[]): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    const samples = (active.lastBlock - active.firstBlock) * this.hop + this.blockSize;
    reports.push({
      digit: active.digit,
      durationMs: Math.round((samples * 1000) / this.rate),
      startMs: Math.round((active.firstBlock * this.hop * 1000) / this.rate),
    });
  }
}

/**
 * Q.24 requires accepting tones up to 1.5 % off frequency; with 39 Hz bins that is most of
 * a bin at 1633 Hz, so each tone is measured at its nominal frequency and 1.5 % either side
 * and the best of the three is taken.
 */
const FREQUENCY_OFFSETS = [1, 0.985, 1.015] as const;

/** The tone power of a block: the strongest of its (nominal, −1.5 %, +1.5 %) Goertzel bins. */
function tonePower(block: Int16Array, coefficients: readonly number[]): number {
  let best = 0;
  for (const c of coefficients) best = Math.max(best, goertzelPower(block, c));
  return best;
}

/**
 * A key press is a steady tone: both halves of the block must carry a fair share of its
 * energy. Blocks the tone only partly fills (its start, its end, a 20 ms burst) are not hits,
 * which is what makes the minimum duration mean what it says.
 */
function isSteady(firstHalf: number, total: number): boolean {
  const share = firstHalf / total;
  return share >= MIN_HALF_SHARE && share <= 1 - MIN_HALF_SHARE;
}

const MIN_HALF_SHARE = 0.3;

/** Goertzel: |X(f)|² of one block for the frequency whose coefficient is 2·cos(2πf/rate). */
function goertzelPower(block: Int16Array, coefficient: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < block.length; i++) {
    const s0 = (block[i] as number) + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

function strongest(powers: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < powers.length; i++) if ((powers[i] as number) > (powers[best] as number)) best = i;
  return best;
}
