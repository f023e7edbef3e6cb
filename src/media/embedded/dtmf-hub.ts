/**
 * Where an endpoint's received digits go: onDtmf listeners always; then the first
 * interceptor that wants the digit (a recording's terminator); then a collectDigits() in
 * progress, or the type-ahead buffer that the next collectDigits() reads first. The buffer
 * is cleared when a play() or record() starts, so a stale digit never answers a new prompt;
 * digits pressed during a barge-in prompt are therefore still there for the collect after it.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import { LinegateError } from '../../shared/index.js';
import type { CollectOptions, DtmfListener } from '../media-port.js';

/** Returns true when it consumed the digit. */
export type DigitInterceptor = (digit: string) => boolean;

const MAX_BUFFERED = 32;

interface Collection {
  readonly options: Required<CollectOptions>;
  digits: string;
  timer: TimerHandle | undefined;
  readonly resolve: (digits: string) => void;
}

export class DtmfHub {
  private readonly listeners = new Set<DtmfListener>();
  private readonly interceptors = new Set<DigitInterceptor>();
  private buffer = '';
  private collection: Collection | undefined;

  constructor(private readonly clock: Clock) {}

  onDtmf(listener: DtmfListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  intercept(interceptor: DigitInterceptor): () => void {
    this.interceptors.add(interceptor);
    return () => this.interceptors.delete(interceptor);
  }

  clearBuffer(): void {
    this.buffer = '';
  }

  emit(digit: string, durationMs: number): void {
    for (const l of [...this.listeners]) l({ digit, durationMs });
    for (const i of [...this.interceptors]) if (i(digit)) return;
    if (this.collection) this.addToCollection(this.collection, digit);
    else this.buffer = (this.buffer + digit).slice(-MAX_BUFFERED);
  }

  /** Resolves with the digits (terminator excluded); '' when nothing came in time. */
  collect(options: CollectOptions): Promise<string> {
    if (this.collection) {
      return Promise.reject(new LinegateError('MEDIA_BUSY', 'collectDigits() is already in progress on this endpoint'));
    }
    const full: Required<CollectOptions> = {
      maxDigits: Math.max(1, options.maxDigits ?? 1),
      timeoutMs: options.timeoutMs ?? 5000,
      interDigitTimeoutMs: options.interDigitTimeoutMs ?? 3000,
      terminators: options.terminators ?? '#',
    };
    return new Promise((resolve) => {
      const c: Collection = { options: full, digits: '', timer: undefined, resolve };
      this.collection = c;
      const typedAhead = this.buffer;
      this.buffer = '';
      for (const d of typedAhead) if (this.collection === c) this.addToCollection(c, d);
      if (this.collection === c) this.arm(c, c.digits === '' ? full.timeoutMs : full.interDigitTimeoutMs);
    });
  }

  /** Ends a collection in progress with what it has (the endpoint went away). */
  close(): void {
    if (this.collection) this.finish(this.collection);
    this.listeners.clear();
    this.interceptors.clear();
  }

  private addToCollection(c: Collection, digit: string): void {
    if (c.options.terminators.includes(digit)) {
      this.finish(c);
      return;
    }
    c.digits += digit;
    if (c.digits.length >= c.options.maxDigits) this.finish(c);
    else this.arm(c, c.options.interDigitTimeoutMs);
  }

  private arm(c: Collection, ms: number): void {
    this.clock.clearTimeout(c.timer);
    c.timer = this.clock.setTimeout(() => this.finish(c), ms);
  }

  private finish(c: Collection): void {
    this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    if (this.collection === c) this.collection = undefined;
    c.resolve(c.digits);
  }
}
