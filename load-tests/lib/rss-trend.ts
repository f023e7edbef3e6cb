/**
 * Is memory flat? A least-squares line through the RSS samples of one process, as MB per
 * minute, over the whole run and over its steady part (after a warm-up in which the V8
 * heap, the JIT and the socket buffers grow to their working size). Pure.
 */

export interface RssPoint {
  /** performance.now() of the sample, ms. */
  readonly atMs: number;
  readonly rssKb: number;
}

export interface RssTrend {
  /** Slope over every sample, MB/min; null with fewer than 2 samples or no time span. */
  readonly slopeMbPerMin: number | null;
  /** Slope over the samples after the warm-up (the second half), MB/min; null when too few are left. */
  readonly steadySlopeMbPerMin: number | null;
  /** The warm-up actually excluded, s. */
  readonly warmupS: number;
}

/** Ordinary least squares slope of y over x; null when x does not vary. */
export function leastSquaresSlope(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] ?? 0;
    sy += ys[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    sxy += dx * ((ys[i] ?? 0) - my);
    sxx += dx * dx;
  }
  return sxx === 0 ? null : sxy / sxx;
}

function slopeMbPerMin(points: readonly RssPoint[]): number | null {
  const perMs = leastSquaresSlope(points.map((p) => p.atMs), points.map((p) => p.rssKb / 1024));
  return perMs === null ? null : perMs * 60_000;
}

/**
 * The warm-up is the first half of the run: the engine keeps each call's transactions
 * for 32 s (RFC 3261 timers) and V8 then takes a minute or two to size its old
 * generation, so at 300 cps RSS only levels off after about 2 minutes (its live heap
 * after a mark-compact is flat from about 60 s). The steady slope needs at least 10
 * samples after the warm-up.
 */
export function rssTrend(points: readonly RssPoint[]): RssTrend {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { slopeMbPerMin: null, steadySlopeMbPerMin: null, warmupS: 0 };
  const warmupMs = (last.atMs - first.atMs) / 2;
  const steady = points.filter((p) => p.atMs - first.atMs >= warmupMs);
  return {
    slopeMbPerMin: slopeMbPerMin(points),
    steadySlopeMbPerMin: steady.length >= 10 ? slopeMbPerMin(steady) : null,
    warmupS: warmupMs / 1000,
  };
}

/** RSS every `stepMs` (the first sample at or after each mark), for a memory timeline. */
export function rssTimeline(points: readonly RssPoint[], stepMs: number): Array<{ atS: number; rssMb: number }> {
  const first = points[0];
  if (!first || stepMs <= 0) return [];
  const out: Array<{ atS: number; rssMb: number }> = [];
  let next = first.atMs;
  for (const p of points) {
    if (p.atMs < next) continue;
    out.push({ atS: Math.round((p.atMs - first.atMs) / 1000), rssMb: p.rssKb / 1024 });
    next += stepMs * Math.max(1, Math.floor((p.atMs - next) / stepMs) + 1);
  }
  return out;
}
