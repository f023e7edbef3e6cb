import { LinegateError } from '../../shared/index.js';
import { AddressRangeSet } from './address-range-set.js';
import { createEdgeCounters, type EdgeCounters } from './edge-counters.js';
import type { EdgeConfig } from './edge-config.js';
import { RateLimiter } from './rate-limiter.js';
import { ScannerFilter, scannerAction, type ScannerField } from './scanner-filter.js';

/** What the engine knows about a received request when it asks the edge. */
export interface EdgeRequest {
  /** Source IP as the socket reports it. */
  address: string;
  /** Connection-oriented transports (TLS, WS, WSS) are passed as 'tcp'. */
  protocol: 'udp' | 'tcp';
  method: string;
  userAgent?: string;
  from?: string;
  to?: string;
}

export type EdgeVerdict =
  | { type: 'Pass' }
  /** Answer 403 statelessly (UDP scanner). */
  | { type: 'RejectScanner'; status: 403; field: ScannerField; pattern: string }
  /** Send nothing; on TCP close the connection. */
  | { type: 'DropScanner'; field: ScannerField; pattern: string }
  /** Send nothing. `banStarted` is true once per ban, so the engine can log it once. */
  | { type: 'DropRateLimited'; banStarted: boolean };

const PASS: EdgeVerdict = Object.freeze({ type: 'Pass' });
const RATE_LIMITED: EdgeVerdict = Object.freeze({ type: 'DropRateLimited', banStarted: false });

/**
 * The edge policy in one call per received request, keeping the counters. Pure: time comes
 * in as `now` (the engine's Clock.now(), ms) and nothing is scheduled; the engine calls
 * `sweep(now)` every few seconds.
 *
 * The rate limiter runs first, so every request (scanner or not) spends a token, and a
 * flooding scanner is soon banned and dropped instead of being answered 403 each time: our
 * replies to a possibly spoofed source stay bounded by the burst.
 */
export class EdgeGuard {
  readonly counters: EdgeCounters;
  private readonly scanner: ScannerFilter | undefined;
  private readonly limiter: RateLimiter | undefined;

  /** `config` must come from validateEdgeConfig; an invalid exempt list throws EDGE_CONFIG_INVALID. */
  constructor(config: EdgeConfig, counters: EdgeCounters = createEdgeCounters()) {
    this.counters = counters;
    const { scanner, rateLimit } = config;
    this.scanner = scanner.enabled
      ? new ScannerFilter({ patterns: scanner.patterns, userAgentPatterns: scanner.userAgentPatterns })
      : undefined;
    this.limiter = rateLimit.enabled
      ? new RateLimiter({
          requestsPerSecond: rateLimit.requestsPerSecond,
          burst: rateLimit.burst,
          banMs: rateLimit.banSeconds * 1000,
          maxTrackedAddresses: rateLimit.maxTrackedAddresses,
          exempt: buildExempt(rateLimit.exempt),
          counters,
        })
      : undefined;
  }

  inspect(request: EdgeRequest, now: number): EdgeVerdict {
    const rate = this.limiter?.check(request.address, now) ?? 'allow';
    if (rate === 'drop') return RATE_LIMITED;
    if (rate === 'ban') return { type: 'DropRateLimited', banStarted: true };
    const match = this.scanner?.check(request);
    if (!match?.matched) return PASS;
    // An ACK is never answered (RFC 3261: after a non-2xx it is absorbed by the INVITE server
    // transaction, §17.2.1; after a 2xx it is a request without a response, §13.2.2.4), so a
    // scanner's ACK is dropped even over UDP.
    if (scannerAction(request.protocol) === 'reject-403' && request.method !== 'ACK') {
      this.counters.scannerRejected++;
      return { type: 'RejectScanner', status: 403, field: match.field, pattern: match.pattern };
    }
    this.counters.scannerDropped++;
    return { type: 'DropScanner', field: match.field, pattern: match.pattern };
  }

  /** Forgets sources that are indistinguishable from new ones; returns how many. */
  sweep(now: number): number {
    return this.limiter?.sweep(now) ?? 0;
  }

  /** Sources the rate limiter remembers right now. */
  get trackedAddresses(): number {
    return this.limiter?.trackedAddresses ?? 0;
  }
}

function buildExempt(entries: readonly string[]): AddressRangeSet {
  const built = AddressRangeSet.from(entries);
  if (built.ok) return built.set;
  const first = built.errors[0];
  throw new LinegateError(
    'EDGE_CONFIG_INVALID',
    `rateLimit.exempt[${first?.index ?? 0}]: ${first?.message ?? 'invalid'}; fix: ${first?.fix ?? 'run validateEdgeConfig first'}`,
  );
}
