/**
 * Edge defence for the embedded SIP engine: pure policy (no sockets, no timers) applied to
 * each received request before it reaches the transaction layer. The transport calls
 * EdgeGuard.inspect() and carries out the verdict; see each module for the reasoning.
 */
export { EdgeGuard, type EdgeRequest, type EdgeVerdict } from './edge-guard.js';
export {
  ScannerFilter,
  scannerAction,
  DEFAULT_SCANNER_PATTERNS,
  DEFAULT_USER_AGENT_PATTERNS,
  type ScannerAction,
  type ScannerField,
  type ScannerFilterOptions,
  type ScannerHeaders,
  type ScannerMatch,
} from './scanner-filter.js';
export { RateLimiter, type RateDecision, type RateLimiterOptions } from './rate-limiter.js';
export { createEdgeCounters, type EdgeCounters } from './edge-counters.js';
export {
  validateEdgeConfig,
  DEFAULT_EDGE_CONFIG,
  type EdgeConfig,
  type EdgeConfigError,
  type EdgeConfigResult,
  type RateLimitConfig,
  type ScannerConfig,
} from './edge-config.js';
export { AddressRangeSet, parseAddressRange, type AddressRange, type AddressRangeParse } from './address-range-set.js';
export { parseIpAddress, type IpBytes } from './ip-address.js';
