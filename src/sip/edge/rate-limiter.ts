import { AddressRangeSet } from './address-range-set.js';
import { createEdgeCounters, type EdgeCounters } from './edge-counters.js';

export interface RateLimiterOptions {
  /** Sustained rate each source may send, refilled continuously. */
  requestsPerSecond: number;
  /** Bucket size: how many requests a source may send back to back after being quiet. */
  burst: number;
  /** How long a source that overflows its bucket is banned (all its requests dropped). */
  banMs: number;
  /** Hard cap on sources remembered at once; the least recently seen is forgotten first. */
  maxTrackedAddresses: number;
  /** Sources never limited nor tracked (trusted trunks, a local load generator). */
  exempt?: AddressRangeSet;
  /** Bumped in place; pass the engine's shared counters. */
  counters?: EdgeCounters;
}

export type RateDecision = 'allow' | 'drop' | 'ban';

/** Per-source token bucket. `last` is the time `tokens` was last brought up to date. */
interface SourceState {
  tokens: number;
  last: number;
  banned: boolean;
  bannedUntil: number;
}

/**
 * Per-source-address token bucket with bans. Pure: time is passed in (milliseconds from the
 * engine's Clock.now()), nothing is scheduled, so tests drive it with plain numbers.
 *
 * Memory is bounded by `maxTrackedAddresses`: sources live in a Map kept in least-recently-
 * seen order (a hit is deleted and re-inserted, both O(1)), and a new source at the cap evicts
 * the oldest. A flood from many spoofed addresses therefore costs at most the cap, never more.
 * The price: a banned source that falls out of the LRU is forgotten, i.e. unbanned early. A
 * banned source that keeps sending keeps being touched, so it stays recent; only a quiet one
 * (harmless while quiet) or one drowned by more than `maxTrackedAddresses` newer sources
 * within its ban can escape this way.
 *
 * `sweep(now)` is lossless: it only forgets sources whose ban is over and whose bucket has
 * refilled, which are indistinguishable from sources never seen. Call it every few seconds
 * to keep the map small and `activeBans` current.
 */
export class RateLimiter {
  private readonly sources = new Map<string, SourceState>();
  private readonly requestsPerSecond: number;
  private readonly burst: number;
  private readonly banMs: number;
  private readonly cap: number;
  private readonly exempt: AddressRangeSet;
  readonly counters: EdgeCounters;

  constructor(options: RateLimiterOptions) {
    this.requestsPerSecond = options.requestsPerSecond;
    this.burst = options.burst;
    this.banMs = options.banMs;
    this.cap = Math.max(1, Math.floor(options.maxTrackedAddresses));
    this.exempt = options.exempt ?? AddressRangeSet.empty();
    this.counters = options.counters ?? createEdgeCounters();
  }

  /**
   * One request from `address` at time `now` (ms). 'ban' is returned once, for the request
   * that overflowed the bucket, so the caller can log the ban once; every further request
   * until the ban ends gets 'drop'. Requests during a ban do not extend it.
   */
  check(address: string, now: number): RateDecision {
    if (this.exempt.has(address)) return 'allow';
    const source = this.touch(address, now);
    if (source.banned) {
      if (now < source.bannedUntil) {
        this.counters.rateLimited++;
        return 'drop';
      }
      this.endBan(source, now);
    }
    this.refill(source, now);
    if (source.tokens >= 1) {
      source.tokens -= 1;
      return 'allow';
    }
    source.banned = true;
    source.bannedUntil = now + this.banMs;
    this.counters.bansStarted++;
    this.counters.activeBans++;
    this.counters.rateLimited++;
    return 'ban';
  }

  /** Forgets every source that would behave exactly like a new one; returns how many. */
  sweep(now: number): number {
    let removed = 0;
    for (const [address, source] of this.sources) {
      if (source.banned) {
        if (now < source.bannedUntil) continue;
        this.endBan(source, now);
      }
      this.refill(source, now);
      if (source.tokens >= this.burst) {
        this.sources.delete(address);
        removed++;
      }
    }
    return removed;
  }

  /** Number of sources currently remembered (never above maxTrackedAddresses). */
  get trackedAddresses(): number {
    return this.sources.size;
  }

  /** Whether `address` is banned at `now`, without counting a request. For admin views and tests. */
  isBanned(address: string, now: number): boolean {
    const source = this.sources.get(address);
    return source !== undefined && source.banned && now < source.bannedUntil;
  }

  /** Finds or creates the source and moves it to the most-recently-seen end. */
  private touch(address: string, now: number): SourceState {
    const known = this.sources.get(address);
    if (known) {
      this.sources.delete(address);
      this.sources.set(address, known);
      return known;
    }
    if (this.sources.size >= this.cap) this.evictOldest();
    // A new source starts with a full bucket: it may send `burst` requests at once.
    const fresh: SourceState = { tokens: this.burst, last: now, banned: false, bannedUntil: 0 };
    this.sources.set(address, fresh);
    return fresh;
  }

  private evictOldest(): void {
    const oldest = this.sources.entries().next();
    if (oldest.done) return;
    const [address, source] = oldest.value;
    if (source.banned) this.counters.activeBans--;
    this.sources.delete(address);
  }

  /** After a ban the source starts afresh, as if never seen. */
  private endBan(source: SourceState, now: number): void {
    source.banned = false;
    source.tokens = this.burst;
    source.last = Math.max(source.last, now);
    this.counters.activeBans--;
  }

  private refill(source: SourceState, now: number): void {
    // A clock that steps back (it should not: Clock.now() is monotonic) refills nothing.
    if (now <= source.last) return;
    // Multiply before dividing: with whole-number inputs the refill is exact (10 rps for
    // 100 ms gives exactly 1 token), so a source sending at exactly the rate is never banned
    // by rounding.
    source.tokens = Math.min(this.burst, source.tokens + ((now - source.last) * this.requestsPerSecond) / 1000);
    source.last = now;
  }
}
