/**
 * What the edge has done, as plain numbers. The engine reads them into prom-client
 * gauges/counters when scraped; keeping them as fields (not metric objects) keeps this
 * folder free of the observability layer and cheap to bump on the receive path.
 */
export interface EdgeCounters {
  /** Scanner requests answered 403 (UDP). Monotonic. */
  scannerRejected: number;
  /** Scanner requests dropped, connection closed (TCP), or ACKs that cannot be answered. Monotonic. */
  scannerDropped: number;
  /** Requests dropped by the rate limiter, including the one that started a ban. Monotonic. */
  rateLimited: number;
  /** Bans started. Monotonic. */
  bansStarted: number;
  /**
   * Sources banned right now (a gauge). A ban that has run out is only noticed when its source
   * sends again, at sweep(), or when it is evicted, so this can lag by one sweep interval.
   */
  activeBans: number;
}

export function createEdgeCounters(): EdgeCounters {
  return { scannerRejected: 0, scannerDropped: 0, rateLimited: 0, bansStarted: 0, activeBans: 0 };
}
