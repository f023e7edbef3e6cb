/**
 * The org's API request allowance. Salesforce Developer Limits and Allocations Quick Reference,
 * 'API Request Limits and Allocations': the daily limit is counted over a rolling 24-hour
 * period; past it calls fail with REQUEST_LIMIT_EXCEEDED (403, REST API Developer Guide,
 * 'Status Codes and Error Responses'). Every REST response carries the usage in
 * `Sforce-Limit-Info: api-usage=N/M` (REST API Developer Guide, 'Limit Info Header'), except
 * the Versions resource, which does not count.
 */
import type { Clock } from '../shared/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export class ApiAllowance {
  /** Times of counted calls, oldest first. */
  private calls: number[] = [];

  constructor(
    private readonly clock: Clock,
    readonly max: number,
  ) {}

  used(): number {
    this.prune();
    return this.calls.length;
  }

  exhausted(): boolean {
    return this.used() >= this.max;
  }

  count(): void {
    this.calls.push(this.clock.now());
  }

  /** Test hook: pretend `used` calls were made just now (replaces the current usage). */
  setUsed(used: number): void {
    const now = this.clock.now();
    this.calls = Array.from({ length: Math.max(0, Math.floor(used)) }, () => now);
  }

  header(): string {
    return `api-usage=${this.used()}/${this.max}`;
  }

  private prune(): void {
    const horizon = this.clock.now() - DAY_MS;
    let drop = 0;
    while (drop < this.calls.length && this.calls[drop]! <= horizon) drop++;
    if (drop > 0) this.calls = this.calls.slice(drop);
  }
}
