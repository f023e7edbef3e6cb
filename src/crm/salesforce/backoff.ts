/**
 * Exponential backoff with "full jitter": the n-th wait is uniform in [0, min(maxMs,
 * baseMs·2^(n−1))). Spreading retries over the whole window keeps many workers that failed
 * together (a 503, the org's limit) from retrying together.
 */
export interface RetryPolicy {
  /** First window, ms. Default 500. */
  readonly baseMs: number;
  /** Largest window, ms. Default 30 000. */
  readonly maxMs: number;
  /** Attempts in all, the first included. Default 5. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 30_000, maxAttempts: 5 };

/** The wait before retry number `retry` (1 = the first retry); `random` returns [0, 1). */
export function fullJitterDelay(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const window = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * window);
}
