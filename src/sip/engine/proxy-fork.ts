/**
 * One proxied request: RFC 3261 §16's stateful proxy for the targets an app gave
 * srf.proxyRequest — serial or simultaneous forking, provisional and final timeouts,
 * redirects, best-response selection (§16.7) and CANCEL of pending branches (§16.10).
 */
import type { TimerHandle } from '../../shared/index.js';
import { buildResponse, getHeaderValues, headerKey, withContentLength } from '../message/index.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/index.js';
import type { ClientTransaction, ServerTransaction, Source } from '../transaction/index.js';
import type { Destination } from '../transport/index.js';
import type { EngineContext } from './context.js';

/** A pending request handed over by the UAS half for proxying. */
export interface ProxyTarget {
  stx: ServerTransaction;
  req: SipRequest;
  src: Source;
  /** Wire a CANCEL from upstream to the fork. */
  attach(fork: { cancel(): void }): void;
}

export interface ForkOptions {
  simultaneous: boolean;
  followRedirects: boolean;
  provisionalTimeoutMs?: number;
  finalTimeoutMs?: number;
}

export interface ForkHooks {
  /** Build the request for one target and where to send it (or an error: that target fails with 503/400). */
  prepare(target: string): Promise<{ ok: true; req: SipRequest; dest: Destination } | { ok: false; status: number }>;
  /** A final response from a target (srf's `continue` rows). */
  onTargetFinal(res: SipResponse, src: Source): void;
  /** Everything is over: the best response went upstream. */
  onDone(): void;
}

interface Branch {
  tx?: ClientTransaction;
  req?: SipRequest;
  gotProvisional: boolean;
  final?: SipResponse;
  timer?: TimerHandle;
}

/** §16.7 step 6 prefers 6xx, then the lowest class; 503 is passed up as 500. */
function better(a: SipResponse | undefined, b: SipResponse): boolean {
  if (!a) return true;
  const ca = Math.floor(a.status / 100);
  const cb = Math.floor(b.status / 100);
  if (ca === 6) return false;
  if (cb === 6) return true;
  return cb < ca;
}

const COMPLETED_ELSEWHERE: SipHeader = { name: 'Reason', value: 'SIP;cause=200;text="Call completed elsewhere"' };

export class ProxyFork {
  private readonly pending: string[];
  private readonly branches = new Set<Branch>();
  private best?: SipResponse;
  private answered = false;
  private cancelled = false;
  private finished = false;
  private readonly madeUpstream = new WeakSet<SipResponse>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly stx: ServerTransaction,
    private readonly req: SipRequest,
    targets: string[],
    private readonly opts: ForkOptions,
    private readonly hooks: ForkHooks,
  ) {
    this.pending = [...targets];
  }

  start(): void {
    this.next();
  }

  /** CANCEL from upstream (§16.10): cancel every pending branch and try nothing more. */
  cancel(): void {
    this.cancelled = true;
    this.pending.length = 0;
    for (const b of this.branches) this.cancelBranch(b);
    this.maybeFinish();
  }

  private next(): void {
    if (this.answered || this.cancelled) return this.maybeFinish();
    const batch = this.opts.simultaneous ? this.pending.splice(0) : this.pending.splice(0, 1);
    if (batch.length === 0) return this.maybeFinish();
    for (const target of batch) void this.startBranch(target);
  }

  private async startBranch(target: string): Promise<void> {
    const b: Branch = { gotProvisional: false };
    this.branches.add(b);
    const prepared = await this.hooks.prepare(target);
    if (!prepared.ok) return this.onFinal(b, this.synth(b, prepared.status), undefined);
    if (this.cancelled || this.answered) {
      this.branches.delete(b);
      return this.maybeFinish();
    }
    b.req = prepared.req;
    b.tx = this.ctx.txl.sendRequest(prepared.req, prepared.dest, {
      onResponse: (res, src) => this.onResponse(b, res, src),
      onTimeout: () => this.onFinal(b, this.synth(b, 408), undefined),
      onTransportError: () => this.onFinal(b, this.synth(b, 503), undefined),
    });
    this.arm(b, this.opts.provisionalTimeoutMs ?? this.opts.finalTimeoutMs);
  }

  /**
   * provisionalTimeout: no provisional in time → CANCEL and move on; after the first
   * provisional, finalTimeout runs instead (wire protocol §7.5).
   */
  private arm(b: Branch, ms: number | undefined): void {
    this.ctx.clock.clearTimeout(b.timer);
    b.timer = ms ? this.ctx.clock.setTimeout(() => this.onBranchTimer(b), ms) : undefined;
  }

  private onBranchTimer(b: Branch): void {
    b.timer = undefined;
    if (b.final) return;
    this.cancelBranch(b);
    this.onFinal(b, this.synth(b, 408), undefined);
  }

  /** A response we make up for a branch, shaped like one that came back through it. */
  private synth(b: Branch, status: number): SipResponse {
    if (b.req) return withContentLength(buildResponse(b.req, status));
    const res = withContentLength(buildResponse(this.req, status));
    this.madeUpstream.add(res);
    return res;
  }

  private onResponse(b: Branch, res: SipResponse, src: Source): void {
    if (res.status === 100) return; // §16.7 step 5: 100 is never forwarded
    if (res.status < 200) {
      if (!b.gotProvisional) {
        b.gotProvisional = true;
        this.arm(b, this.opts.finalTimeoutMs);
      }
      if (!this.answered) this.stx.respond(this.upstream(res));
      return;
    }
    if (res.status < 300 && b.final && b.final.status < 300) {
      // A retransmitted or further 2xx (RFC 6026 §8.3): forwarded statelessly upstream.
      this.ctx.sendStateless(this.upstream(res), this.stx.responseDestination);
      return;
    }
    this.onFinal(b, res, src);
  }

  private onFinal(b: Branch, res: SipResponse, src: Source | undefined): void {
    if (b.final) return;
    b.final = res;
    this.ctx.clock.clearTimeout(b.timer);
    if (!this.branches.delete(b)) {
      // A branch we already gave up on (cancelled after another answered): a 2xx from it
      // still goes upstream (§16.7 step 5); anything else is forgotten.
      if (res.status < 300) this.ctx.sendStateless(this.upstream(res), this.stx.responseDestination);
      return;
    }
    if (src) this.hooks.onTargetFinal(res, src);
    if (res.status >= 200 && res.status < 300) {
      // §16.7 step 5: a 2xx goes upstream at once; the other branches are cancelled with a
      // Reason so phones do not show a missed call (RFC 3326).
      this.answered = true;
      this.stx.respond(this.upstream(res));
      for (const other of this.branches) this.cancelBranch(other, [COMPLETED_ELSEWHERE]);
      // srf expects `done` right after the 2xx row (wire protocol §6.1): the cancelled
      // branches finish on their own and are no longer reported.
      this.branches.clear();
      this.pending.length = 0;
      return this.maybeFinish();
    }
    if (res.status >= 300 && res.status < 400 && this.opts.followRedirects && !this.cancelled) {
      for (const c of getHeaderValues(res, 'contact')) {
        const uri = /<([^>]+)>/.exec(c)?.[1] ?? c.split(';')[0]?.trim();
        if (uri) this.pending.push(uri);
      }
      if (this.branches.size === 0 && this.pending.length > 0) return this.next();
    }
    if (res.status >= 300 && better(this.best, res)) this.best = res;
    if (this.branches.size === 0) this.next();
  }

  private upstream(res: SipResponse): SipResponse {
    return this.madeUpstream.has(res) ? res : stripTopVia(res);
  }

  private cancelBranch(b: Branch, reason: SipHeader[] = []): void {
    this.ctx.clock.clearTimeout(b.timer);
    b.tx?.cancel(reason);
  }

  private maybeFinish(): void {
    if (this.finished || this.branches.size > 0) return;
    if (!this.answered && this.pending.length > 0 && !this.cancelled) return;
    this.finished = true;
    if (!this.answered) {
      let res = this.best ? this.upstream(this.best) : withContentLength(buildResponse(this.req, this.cancelled ? 487 : 408));
      if (res.status === 503) res = withContentLength(buildResponse(this.req, 500));
      this.stx.respond(res);
    }
    this.hooks.onDone();
  }
}

/** A response as it goes upstream: our own Via removed (§16.7 step 3). */
export function stripTopVia(res: SipResponse): SipResponse {
  const headers = res.headers.slice();
  const i = headers.findIndex((h) => headerKey(h.name) === 'via');
  if (i >= 0) {
    const line = headers[i] as SipHeader;
    const values = getHeaderValues({ ...res, headers: [line] }, 'via');
    if (values.length > 1) headers[i] = { name: line.name, value: values.slice(1).join(', ') };
    else headers.splice(i, 1);
  }
  return { ...res, headers };
}
