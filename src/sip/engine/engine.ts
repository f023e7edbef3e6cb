/**
 * The embedded SIP engine: a drop-in for drachtio-server. It owns the SIP sockets and
 * the whole stack (transport → transaction → dialog) and speaks the drachtio wire
 * protocol to drachtio-srf apps, which cannot tell it from the C++ server.
 */
import { systemClock } from '../../shared/index.js';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { LinegateError } from '../../shared/index.js';
import { EdgeGuard, validateEdgeConfig } from '../edge/index.js';
import type { EdgeVerdict } from '../edge/index.js';
import { buildResponse, checkRequest, getHeader, parseVia, rejectUnparsable, checkResponse, parseMessage, withContentLength } from '../message/index.js';
import type { CheckResult, SipMessage, SipRequest } from '../message/index.js';
import { TransactionLayer, resolveTimers, responseDestination } from '../transaction/index.js';
import type { ClientTransaction, ServerTransaction, TimerConfig } from '../transaction/index.js';
import { TransportLayer } from '../transport/index.js';
import type { Destination, Source, TransportStats } from '../transport/index.js';
import { DEFAULT_WIRE_VERSION, WireServer } from '../wire/index.js';
import type { AppConnection, WireLogger, WireMessage, WireServerStats } from '../wire/index.js';
import { Cdrs } from './cdrs.js';
import { IdSource, wireBytes } from './context.js';
import type { EngineContext, EngineStats } from './context.js';
import { DialogStore } from './dialog.js';
import { Identity } from './identity.js';
import type { Listener } from './identity.js';
import { ProxyCore } from './proxy-core.js';
import { Uac } from './uac.js';
import { Uas } from './uas.js';
import { stampVia, topVia } from './via.js';

export interface EngineOptions {
  /** SIP listeners; port 0 picks a free one. Default: UDP and TCP on 127.0.0.1:5060. */
  sip?: Listener[];
  /** Control channel for apps. Default 127.0.0.1:9022, secret `cymru`. */
  wire?: { address?: string; port?: number; secret?: string };
  /** Address advertised in Via/Contact instead of the bind address (drachtio's external-ip). */
  externalAddress?: string;
  timers?: Partial<TimerConfig>;
  maxMessageSize?: number;
  tcpIdleTimeoutMs?: number;
  /** Scanner filter and per-source rate limit; validated by validateEdgeConfig. */
  edge?: unknown;
  /** Reported in authenticate; must look like `vX.Y.Z` (wire protocol §4). */
  version?: string;
  clock?: Clock;
  logger?: WireLogger;
}

export type EngineMetrics = EngineStats & EdgeGuard['counters'] & {
  dialogs: number;
  clientTransactions: number;
  serverTransactions: number;
  transport: TransportStats;
  wire: WireServerStats & { apps: number };
};

export class Engine {
  /** Edge counters (scanner 403s and drops, rate limiting, bans) live in edgeCounters(). */
  readonly stats: EngineStats = {
    requestsIn: 0, responsesIn: 0, parseErrors: 0, badRequests: 0, noApp503: 0, internalErrors: 0,
  };
  private readonly clock: Clock;
  private readonly transport: TransportLayer;
  private readonly txl: TransactionLayer;
  private readonly wire: WireServer;
  private readonly edge: EdgeGuard;
  private readonly dialogs = new DialogStore();
  private readonly ids = new IdSource();
  private identity!: Identity;
  private uas!: Uas;
  private uac!: Uac;
  private proxy!: ProxyCore;
  private closed?: Promise<void>;
  private sweepTimer?: TimerHandle;

  private constructor(private readonly opts: EngineOptions) {
    this.clock = opts.clock ?? systemClock;
    const listen = opts.sip ?? [
      { protocol: 'udp', address: '127.0.0.1', port: 5060 },
      { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    ];
    this.transport = new TransportLayer({
      listen, clock: this.clock, maxMessageSize: opts.maxMessageSize, tcpIdleTimeoutMs: opts.tcpIdleTimeoutMs,
    }, {
      onMessage: (buf, src) => this.onMessage(buf, src),
      onFramingError: () => { this.stats.parseErrors++; },
      // A bug in our own handling of one message must not take the engine down: count it and
      // say so loudly (the transport keeps serving everyone else).
      onHandlerError: (err, src) => {
        this.stats.internalErrors++;
        this.opts.logger?.warn({ err: err instanceof Error ? err.stack : String(err), source: src.remoteAddress }, 'error while handling a SIP message');
      },
    });
    this.txl = new TransactionLayer({
      clock: this.clock, timers: opts.timers,
      transmit: (msg, dest, tx) => this.transmit(msg, dest, tx),
      compact: { serialize: wireBytes, transmitBytes: (bytes, dest, tx) => this.transmitBytes(bytes, dest, tx) },
    }, {
      onRequest: (req, src, stx) => this.onNewRequest(req, src, stx),
      onAck: (req, src) => { if (!this.proxy.handlesAck(req)) this.uas.onAck(req, src); },
      onCancel: (c, src, cstx, inv) => this.uas.onCancel(c, src, cstx, inv),
      onStrayResponse: (res, src) => this.proxy.onStrayResponse(res, src),
      onServerTerminated: (stx) => this.uas.onTerminated(stx),
    });
    const wireOpts = opts.wire ?? {};
    this.wire = new WireServer({
      address: wireOpts.address ?? '127.0.0.1', port: wireOpts.port ?? 9022, secret: wireOpts.secret ?? 'cymru',
      version: opts.version ?? DEFAULT_WIRE_VERSION, clock: this.clock, logger: opts.logger,
      hostports: () => this.identity.hostports(false), localHostports: () => this.identity.hostports(true),
    }, {
      onAppRequest: (app, msg) => this.onAppRequest(app, msg),
      onAppGone: (app) => this.onAppGone(app),
    });
    const edge = validateEdgeConfig(opts.edge ?? {}, 'edge');
    if (!edge.ok) {
      const detail = edge.errors.map((e) => `${e.path}: ${e.message} (fix: ${e.fix})`).join('; ');
      throw new LinegateError('ENGINE_CONFIG_INVALID', `invalid engine options: ${detail}`);
    }
    this.edge = new EdgeGuard(edge.config);
  }

  /** Start an engine in-process; resolves once every socket is bound. */
  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const e = new Engine(opts);
    await e.transport.start();
    e.identity = new Identity(e.transport.boundListeners(), opts.externalAddress);
    const ctx: EngineContext = {
      clock: e.clock, txl: e.txl, timers: resolveTimers(opts.timers), transport: e.transport, identity: e.identity, dialogs: e.dialogs, stats: e.stats,
      sendStateless: (msg, dest) => e.transmit(msg, dest),
      wireBytes, newTxnId: () => e.ids.uuid(), newTag: () => e.ids.tag(),
      appSend: (app, payload) => { app.send(payload); },
      cdrs: new Cdrs((verb) => e.wire.selectApp(verb), wireBytes),
    };
    e.uac = new Uac(ctx);
    e.uas = new Uas(ctx, { selectApp: (verb) => e.wire.selectApp(verb), inDialog: e.uac });
    e.proxy = new ProxyCore(ctx, (app, txnId) => e.uas.takeForProxy(app, txnId));
    e.scheduleSweep();
    try {
      await e.wire.start();
    } catch (err) {
      await e.transport.close();
      throw err;
    }
    return e;
  }

  /** The rate limiter forgets idle sources every 10 s so its memory stays bounded. */
  private scheduleSweep(): void {
    this.sweepTimer = this.clock.setTimeout(() => {
      this.edge.sweep(this.clock.now());
      this.scheduleSweep();
    }, 10_000);
  }

  sipListeners(): readonly Listener[] {
    return this.identity.all();
  }

  wireAddress(): { address: string; port: number } {
    return this.wire.address();
  }

  edgeCounters(): Readonly<EdgeGuard['counters']> {
    return this.edge.counters;
  }

  /** Every counter and gauge of the engine, for the metrics endpoint (names are stable). */
  metrics(): EngineMetrics {
    const tx = this.txl.size();
    const t = this.transport.stats();
    const w = this.wire.stats();
    return {
      ...this.stats,
      ...this.edge.counters,
      dialogs: this.dialogs.size,
      clientTransactions: tx.client,
      serverTransactions: tx.server,
      transport: { ...t },
      wire: { ...w, apps: this.wire.apps().length },
    };
  }

  dialogCount(): number {
    return this.dialogs.size;
  }

  /** Graceful and idempotent: apps are disconnected, sockets closed, timers cleared. */
  close(): Promise<void> {
    this.clock.clearTimeout(this.sweepTimer);
    this.closed ??= (async () => {
      await this.wire.close();
      this.txl.close();
      this.uas.reliable.close();
      await this.transport.close();
    })();
    return this.closed;
  }

  destroy(): void {
    this.clock.clearTimeout(this.sweepTimer);
    this.wire.destroy();
    this.txl.close();
    this.uas.reliable.close();
    this.transport.destroy();
  }

  /**
   * A send that fails for a transaction (TCP connection refused, …) is reported to it, so the
   * caller hears 503 at once instead of a 408 after timer B (RFC 3261 §8.1.3.1, §17.1.4).
   */
  private transmit(msg: SipMessage, dest: Destination, tx?: ServerTransaction | ClientTransaction): void {
    this.transmitBytes(wireBytes(msg), dest, tx);
  }

  private transmitBytes(bytes: Buffer, dest: Destination, tx?: ServerTransaction | ClientTransaction): void {
    const sent = this.transport.send(dest, bytes);
    if (tx) void sent.then((r) => { if (!r.ok) this.txl.transportError(tx, r.error); });
  }

  /** Every datagram and TCP frame: edge defence, parse, sanity checks, then the transaction layer. */
  private onMessage(buf: Buffer, src: Source): void {
    const parsed = parseMessage(buf, { datagram: src.protocol === 'udp', maxSize: this.opts.maxMessageSize });
    if (!parsed.ok) {
      this.stats.parseErrors++;
      // Answer 400/505 when enough of a request could be read to address a response (RFC 3261 §8.2.2).
      const p = parsed.partial;
      const answer = rejectUnparsable(parsed);
      if (p && p.type === 'request' && p.method !== 'ACK' && answer && !answer.ok) this.statelessReply(p, src, answer);
      return;
    }
    const m = parsed.message;
    if (m.type === 'response') {
      this.stats.responsesIn++;
      if (!checkResponse(m).ok) return;
      this.txl.receiveResponse(m, src);
      return;
    }
    this.stats.requestsIn++;
    stampVia(m, src);
    const check = checkRequest(m);
    if (!check.ok) {
      this.stats.badRequests++;
      if (m.method !== 'ACK') this.statelessReply(m, src, check);
      return;
    }
    const verdict = this.edge.inspect({
      address: src.remoteAddress, protocol: src.protocol, method: m.method,
      userAgent: getHeader(m, 'user-agent'), from: getHeader(m, 'from'), to: getHeader(m, 'to'),
    }, this.clock.now());
    if (verdict.type !== 'Pass') return this.onEdgeVerdict(verdict, m, src);
    this.txl.receiveRequest(m, src);
  }

  private onEdgeVerdict(verdict: EdgeVerdict, m: SipRequest, src: Source): void {
    if (verdict.type === 'RejectScanner') return this.statelessReply(m, src, { ok: false, status: 403, reason: 'Forbidden' });
    if (verdict.type === 'DropScanner' && src.protocol === 'tcp') this.transport.dropConnection(src);
    if (verdict.type === 'DropRateLimited' && verdict.banStarted) {
      this.opts.logger?.warn({ source: src.remoteAddress }, 'rate limit exceeded: source banned');
    }
  }

  private onNewRequest(req: SipRequest, src: Source, stx: Parameters<Uas['onRequest']>[2]): void {
    if (this.proxy.handlesRequest(req, src, stx)) return;
    this.uas.onRequest(req, src, stx);
  }

  private statelessReply(req: SipRequest, src: Source, answer: Extract<CheckResult, { ok: false }>): void {
    const res = withContentLength(buildResponse(req, answer.status, answer.reason, { headers: answer.headers }));
    const top = topVia(req);
    const via = top ? parseVia(top.first.trim()) : null;
    if (via) return this.transmit(res, responseDestination(via, src, false));
    // An unreadable Via (RFC 4475 §3.1.2.1) still gets its 400: on a connection the answer goes
    // back over it (RFC 3261 §18.2.2); over UDP, to the packet's source address and port.
    this.transmit(res, {
      protocol: src.protocol, address: src.remoteAddress, port: src.remotePort, connectionId: src.connectionId,
    });
  }

  private onAppRequest(app: AppConnection, msg: WireMessage): void {
    const sip = msg.sip ?? '';
    if (msg.command === 'proxy') return void this.proxy.proxyFromApp(app, msg.msgId, [...msg.tokens], sip);
    if (sip.startsWith('SIP/')) return this.uas.respondFromApp(app, msg.msgId, msg.tokens[2] ?? '', sip);
    void this.uac.requestFromApp(app, msg.msgId, [...msg.tokens], sip);
  }

  private onAppGone(app: AppConnection): void {
    this.uas.onAppGone(app);
    this.uac.onAppGone(app);
  }
}
