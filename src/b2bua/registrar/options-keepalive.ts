/**
 * Optional OPTIONS keepalives: every `intervalS`, each binding is sent an OPTIONS over
 * the flow it registered on; `failuresAllowed` consecutive pings without an answer
 * remove it, so calls stop ringing a phone that is gone before its registration expires.
 *
 * Any response proves the device is there (a 404 or 405 too), except 408 and 503, which
 * the SIP engine itself makes up when the request timed out or could not be sent
 * (RFC 3261 §8.1.3.1, §8.1.3.4). Rounds never overlap: the next one is scheduled when
 * the previous one has finished. Timers come from the injected Clock.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { bindingId, type LiveBinding, type Store } from '../../state/index.js';
import type { KeepaliveSettings, RegistrarSrf } from './registrar-types.js';

export interface OptionsKeepaliveOptions {
  readonly srf: RegistrarSrf;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: KeepaliveSettings;
  /** Every AOR that may have bindings. */
  readonly aors: () => readonly string[];
  /** How to send to a binding (its Request-URI and srf options). */
  readonly route: (b: LiveBinding) => { uri: string; proxy?: string; headers?: Readonly<Record<string, string>> };
}

const ENGINE_MADE = new Set([408, 503]);

export class OptionsKeepalive {
  private timer: TimerHandle | undefined;
  private closed = false;
  /** Consecutive failures, by `<aor> <binding id>`. */
  private failures = new Map<string, number>();
  private round: Promise<void> = Promise.resolve();
  /** Pings waiting for an answer: close() settles them (as answered) and clears their timers. */
  private readonly waiting = new Set<(answered: boolean) => void>();

  constructor(private readonly o: OptionsKeepaliveOptions) {}

  start(): void {
    if (this.closed || this.timer) return;
    this.schedule();
  }

  /** Stops the loop; resolves once a round in progress has finished. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const settle of [...this.waiting]) settle(true);
    await this.round;
  }

  /** One round now (also what the timer runs). */
  runRound(): Promise<void> {
    this.round = this.pingAll().catch((err: unknown) => this.o.logger.warn({ err: String(err) }, 'keepalive round failed'));
    return this.round;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runRound().then(() => this.schedule());
    }, this.o.settings.intervalS * 1000);
  }

  private async pingAll(): Promise<void> {
    const seen = new Map<string, number>();
    for (const aor of this.o.aors()) {
      if (this.closed) return;
      const bindings = await this.o.store.listBindings(aor);
      await Promise.all(bindings.map((b) => this.check(aor, b, seen)));
    }
    this.failures = seen; // bindings that went away are forgotten
  }

  private async check(aor: string, b: LiveBinding, seen: Map<string, number>): Promise<void> {
    const key = `${aor} ${bindingId(b)}`;
    if (await this.ping(b)) return;
    const n = (this.failures.get(key) ?? 0) + 1;
    if (n < (this.o.settings.failuresAllowed ?? 2)) {
      seen.set(key, n);
      return;
    }
    // cseq + 1: the store only lets a higher CSeq of the same Call-ID remove it (§10.3 step 7), so a
    // re-REGISTER that came in meanwhile (higher CSeq again) is not undone.
    const removed = await this.o.store.removeBinding(aor, { ...b, cseq: b.cseq + 1 });
    this.o.logger.info({ aor, contact: b.contact, removed }, 'binding removed: no answer to OPTIONS keepalives');
  }

  /** True when the device answered. */
  private ping(b: LiveBinding): Promise<boolean> {
    const { uri, ...opts } = this.o.route(b);
    return new Promise<boolean>((resolve) => {
      const done = (answered: boolean): void => {
        if (!this.waiting.delete(done)) return; // settled already
        this.o.clock.clearTimeout(timeout);
        resolve(answered);
      };
      this.waiting.add(done);
      const timeout = this.o.clock.setTimeout(() => done(false), (this.o.settings.timeoutS ?? 32) * 1000);
      this.o.srf.request(uri, { method: 'OPTIONS', ...opts }).then(
        (req) => req.on('response', (res) => {
          if (res.status >= 200) done(!ENGINE_MADE.has(res.status));
        }),
        () => done(false),
      );
    });
  }
}
