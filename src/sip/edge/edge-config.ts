import { parseAddressRange } from './address-range-set.js';
import { ConfigReader, type ConfigError } from './config-reader.js';
import { DEFAULT_SCANNER_PATTERNS, DEFAULT_USER_AGENT_PATTERNS } from './scanner-filter.js';

export interface ScannerConfig {
  readonly enabled: boolean;
  /** Substrings (case-insensitive) of User-Agent, From or To. Replaces the defaults when given. */
  readonly patterns: readonly string[];
  /** Substrings (case-insensitive) of User-Agent only. Replaces the defaults when given. */
  readonly userAgentPatterns: readonly string[];
}

export interface RateLimitConfig {
  readonly enabled: boolean;
  readonly requestsPerSecond: number;
  readonly burst: number;
  readonly banSeconds: number;
  readonly maxTrackedAddresses: number;
  /** Addresses or CIDRs (IPv4/IPv6) never limited: trusted trunks, a local load generator. */
  readonly exempt: readonly string[];
}

export interface EdgeConfig {
  readonly scanner: ScannerConfig;
  readonly rateLimit: RateLimitConfig;
}

export type EdgeConfigError = ConfigError;

export type EdgeConfigResult = { ok: true; config: EdgeConfig } | { ok: false; errors: EdgeConfigError[] };

/**
 * Defaults, chosen for a single site facing the internet:
 * - 20 requests/s sustained with a burst of 40 per source is far above what a phone, or an
 *   office of phones behind one NAT address, sends (REGISTER refreshes, OPTIONS keep-alives,
 *   a few calls with their retransmissions), and far below a scanner's thousands per second.
 *   Carrier trunks can exceed it and belong in `exempt`.
 * - A 60 s ban outlasts most scanners' patience at one target while forgiving a misconfigured
 *   phone quickly.
 * - 50 000 tracked sources is a few MB of memory at most.
 * - Loopback is exempt: only this host can send from it (the kernel drops martian packets
 *   claiming it from outside), and a SIP load balancer or sipp run on the same host would
 *   otherwise be banned.
 */
export const DEFAULT_EDGE_CONFIG: EdgeConfig = deepFreeze({
  scanner: { enabled: true, patterns: [...DEFAULT_SCANNER_PATTERNS], userAgentPatterns: [...DEFAULT_USER_AGENT_PATTERNS] },
  rateLimit: {
    enabled: true,
    requestsPerSecond: 20,
    burst: 40,
    banSeconds: 60,
    maxTrackedAddresses: 50_000,
    exempt: ['127.0.0.1', '::1'],
  },
});

/** Above this, the table alone could take gigabytes: almost certainly a typo. */
const MAX_TRACKED_LIMIT = 10_000_000;
/** Shorter patterns would match ordinary headers (any name or host containing them). */
const MIN_PATTERN_LENGTH = 3;

/**
 * Checks a raw edge section (parsed JSON/YAML, or undefined) and fills defaults for what
 * is missing. Every error names its path, what is wrong and how to fix it, so a bad config
 * fails at start with a clear message (architecture §3 "Config"). `basePath` prefixes the
 * paths, e.g. `'sip.edge'` when the section sits there in the whole config.
 * The result is deep-frozen. Never throws.
 */
export function validateEdgeConfig(raw: unknown, basePath = ''): EdgeConfigResult {
  const reader = new ConfigReader(basePath);
  const root = reader.section(raw, '', ['scanner', 'rateLimit']);
  const scanner = readScanner(reader, root['scanner']);
  const rateLimit = readRateLimit(reader, root['rateLimit']);
  if (reader.errors.length > 0) return { ok: false, errors: reader.errors };
  return { ok: true, config: deepFreeze({ scanner, rateLimit }) };
}

function readScanner(reader: ConfigReader, raw: unknown): ScannerConfig {
  const d = DEFAULT_EDGE_CONFIG.scanner;
  const s = reader.section(raw, 'scanner', ['enabled', 'patterns', 'userAgentPatterns']);
  return {
    enabled: reader.boolean(s, 'scanner.enabled', d.enabled),
    patterns: reader.stringList(s, 'scanner.patterns', d.patterns, checkPattern),
    userAgentPatterns: reader.stringList(s, 'scanner.userAgentPatterns', d.userAgentPatterns, checkPattern),
  };
}

function readRateLimit(reader: ConfigReader, raw: unknown): RateLimitConfig {
  const d = DEFAULT_EDGE_CONFIG.rateLimit;
  const keys = ['enabled', 'requestsPerSecond', 'burst', 'banSeconds', 'maxTrackedAddresses', 'exempt'];
  const r = reader.section(raw, 'rateLimit', keys);
  return {
    enabled: reader.boolean(r, 'rateLimit.enabled', d.enabled),
    requestsPerSecond: reader.number(r, 'rateLimit.requestsPerSecond', d.requestsPerSecond, { min: 0, minExclusive: true, example: 20 }),
    burst: reader.number(r, 'rateLimit.burst', d.burst, { min: 1, integer: true, example: 40 }),
    banSeconds: reader.number(r, 'rateLimit.banSeconds', d.banSeconds, { min: 0, minExclusive: true, example: 60 }),
    maxTrackedAddresses: reader.number(r, 'rateLimit.maxTrackedAddresses', d.maxTrackedAddresses, {
      min: 1,
      max: MAX_TRACKED_LIMIT,
      integer: true,
      example: 50_000,
    }),
    exempt: reader.stringList(r, 'rateLimit.exempt', d.exempt, checkExemptEntry),
  };
}

/** Returns undefined when fine, else what is wrong and the fix. */
function checkPattern(pattern: string): { message: string; fix: string } | undefined {
  if (pattern.trim().length < MIN_PATTERN_LENGTH) {
    return {
      message: `pattern "${pattern}" is shorter than ${MIN_PATTERN_LENGTH} characters and would match ordinary traffic`,
      fix: `use a distinctive substring of the scanner's header, e.g. "friendly-scanner", or remove the entry`,
    };
  }
  return undefined;
}

function checkExemptEntry(entry: string): { message: string; fix: string } | undefined {
  const parsed = parseAddressRange(entry);
  return parsed.ok ? undefined : { message: parsed.message, fix: parsed.fix };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
