/**
 * collectDigits() from FreeSWITCH's DTMF events rather than play_and_get_digits: the
 * events already reach us (fsmrf subscribes to DTMF on every channel), so collecting here
 * gives the MediaPort's exact timeouts and terminator rules, keeps digits typed during a
 * barge-in play (FreeSWITCH consumes the digit that stops playback from its own queue, so
 * play_and_get_digits would never see it), and needs no prompt file. Type-ahead follows
 * the embedded endpoint: digits nobody is collecting are kept (the last 32) until the next
 * play() starts. Timers come from the injected Clock.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { CollectOptions } from '../media-port.js';
import { FSMRF_ERROR_CODES, mediaError } from './fsmrf-errors.js';

export const COLLECT_DEFAULTS = { timeoutMs: 5_000, interDigitTimeoutMs: 3_000, terminators: '#' } as const;

/** Type-ahead kept for the next collect(); a caller holding a key down cannot grow it without bound. */
const MAX_TYPE_AHEAD = 32;

interface Collection {
  readonly options: Required<CollectOptions>;
  digits: string;
  timer: TimerHandle | undefined;
  resolve(digits: string): void;
}

export class DigitCollector {
  private typeAhead: string[] = [];
  private current: Collection | undefined;

  constructor(private readonly clock: Clock) {}

  /** Forgets the type-ahead (a play() starts: what was typed before it is not an answer to it). */
  clearTypeAhead(): void {
    this.typeAhead = [];
  }

  /** A DTMF digit reported by FreeSWITCH. */
  push(digit: string): void {
    if (this.current) {
      this.add(this.current, digit);
    } else {
      this.typeAhead.push(digit);
      if (this.typeAhead.length > MAX_TYPE_AHEAD) this.typeAhead.shift();
    }
  }

  /** Resolves with the digits (terminator excluded) once maxDigits, a terminator or a timeout ends it. */
  collect(options: CollectOptions): Promise<string> {
    if (this.current) {
      return Promise.reject(mediaError(FSMRF_ERROR_CODES.BUSY, 'collectDigits() is already in progress on this endpoint'));
    }
    const full: Required<CollectOptions> = {
      maxDigits: Math.max(1, options.maxDigits),
      timeoutMs: options.timeoutMs ?? COLLECT_DEFAULTS.timeoutMs,
      interDigitTimeoutMs: options.interDigitTimeoutMs ?? COLLECT_DEFAULTS.interDigitTimeoutMs,
      terminators: options.terminators ?? COLLECT_DEFAULTS.terminators,
    };
    const early = this.typeAhead;
    this.typeAhead = [];
    return new Promise<string>((resolve) => {
      const c: Collection = { options: full, digits: '', timer: undefined, resolve };
      this.current = c;
      this.arm(c, full.timeoutMs);
      for (const digit of early) {
        if (this.current !== c) break;
        this.add(c, digit);
      }
    });
  }

  /** Ends the collection in progress (the endpoint went away): it resolves with what it has. */
  finish(): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    this.clock.clearTimeout(c.timer);
    c.resolve(c.digits);
  }

  private add(c: Collection, digit: string): void {
    if (c.options.terminators.includes(digit)) {
      this.finish();
      return;
    }
    c.digits += digit;
    if (c.digits.length >= c.options.maxDigits) {
      this.finish();
      return;
    }
    this.arm(c, c.options.interDigitTimeoutMs);
  }

  private arm(c: Collection, ms: number): void {
    this.clock.clearTimeout(c.timer);
    c.timer = this.clock.setTimeout(() => {
      if (this.current === c) this.finish();
    }, ms);
  }
}
