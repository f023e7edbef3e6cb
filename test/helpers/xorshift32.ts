/**
 * A tiny seeded PRNG (Marsaglia's xorshift32) for fuzz tests: the same seed gives the
 * same sequence on every machine, so a failing run is replayed with FUZZ_SEED=<seed>.
 * Not for anything that needs real randomness.
 */
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    // xorshift has one fixed point, 0; any other 32-bit state is fine.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi], both included. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }

  token(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[this.int(ALNUM.length)];
    return s;
  }

  /** An independent generator, so that separate streams (UDP, each TCP lane) do not depend on interleaving. */
  fork(): Xorshift32 {
    return new Xorshift32(this.nextU32() ^ 0x5bd1e995);
  }
}

/** FUZZ_SEED from the environment (decimal or 0x-hex), else a fresh one. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['FUZZ_SEED'];
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`FUZZ_SEED must be a 32-bit unsigned integer, got "${raw}"`);
    return n;
  }
  return (Math.floor(Math.random() * 0xffffffff) + 1) >>> 0;
}
