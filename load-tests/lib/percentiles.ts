/**
 * Latency and rate statistics over per-call samples (call-setup times from sipp's
 * RTD trace, answer instants). Pure functions: no I/O, no clock.
 */

/**
 * Nearest-rank percentile: the smallest sample such that at least `p` percent of the
 * samples are less than or equal to it. No interpolation, so the result is always a
 * value that was actually measured (sipp's RTD resolution is 1 ms anyway).
 * `sortedAscending` must already be sorted; `p` is in [0, 100].
 */
export function percentile(sortedAscending: readonly number[], p: number): number | undefined {
  const n = sortedAscending.length;
  if (n === 0) return undefined;
  if (p <= 0) return sortedAscending[0];
  // The epsilon keeps binary rounding (0.999 * 1000 = 999.0000000000001) from
  // pushing the rank up by one.
  const rank = Math.min(n, Math.max(1, Math.ceil((p * n) / 100 - 1e-9)));
  return sortedAscending[rank - 1];
}

export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Summary of a set of durations in ms; `null` when there is no sample at all. */
export function summarizeLatencies(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => percentile(sorted, p) ?? Number.NaN;
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    min: at(0),
    mean: sum / sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: at(100),
  };
}

export interface AnswerRate {
  /** Answers per second between the first and the last answer. */
  readonly meanCps: number;
  /** Most answers in one whole second of the sipp clock (floor(t / 1000)). */
  readonly peakCps: number;
}

/**
 * Rate at which calls were answered, from the instants (ms since sipp started) at which
 * each call's 200 arrived. With fewer than two answers there is no interval to divide by.
 */
export function answerRate(instantsMs: readonly number[]): AnswerRate | null {
  if (instantsMs.length < 2) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const perSecond = new Map<number, number>();
  for (const t of instantsMs) {
    first = Math.min(first, t);
    last = Math.max(last, t);
    const second = Math.floor(t / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  const spanS = (last - first) / 1000;
  const peakCps = Math.max(...perSecond.values());
  return { meanCps: spanS > 0 ? (instantsMs.length - 1) / spanS : peakCps, peakCps };
}
