/**
 * The control-channel side of the embedded engine: a TCP server that speaks the
 * drachtio wire protocol to drachtio-srf apps (inbound mode, wire protocol §3.1).
 * It handles the control commands itself (§4, §5.1, §5.2, §5.5), keeps the verb
 * routing table (§3.3) and hands `sip` and `proxy` commands to the engine.
 *
 * TLS (`tls-port`) is not implemented: only plain TCP.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { ControlConnection, type AppConnection } from './control-connection.js';
import { RouteTable } from './route-table.js';
import { formatNo, formatOk, parseWireMessage, type WireMessage } from './wire-message.js';

/** The subset of pino's Logger the server uses. */
export interface WireLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WireServerOptions {
  address: string;
  /** 0 picks a free port; address() tells which. */
  port: number;
  secret: string;
  /** Must look like `vX.Y.Z…` or srf silently disables pings (§4). */
  version?: string;
  /** `proto/host:port,…` of the SIP listeners (external addresses), for authenticate. */
  hostports: () => string;
  /** Same with local bind addresses (authenticate's 3rd field, since v0.9.1). */
  localHostports: () => string;
  clock: Clock;
  logger?: WireLogger;
  /** SO_KEEPALIVE initial delay; the server's default is 45 s (§2). */
  keepAliveMs?: number;
  /** An app that has not authenticated by then is dropped (not in drachtio-server). */
  authTimeoutMs?: number;
  /** close() destroys connections still open after this long. */
  closeTimeoutMs?: number;
}

export interface WireServerCallbacks {
  /** A `sip` or `proxy` command from an authenticated app. */
  onAppRequest(app: AppConnection, msg: WireMessage): void;
  /** An authenticated app's connection has closed. */
  onAppGone(app: AppConnection): void;
}

export interface WireServerStats {
  connectionsAccepted: number;
  /** Wrong secrets plus commands refused for lack of authentication. */
  authFailures: number;
  framingErrors: number;
  unknownCommands: number;
  messagesIn: number;
}

export const DEFAULT_WIRE_VERSION = 'v0.9.10';

const noopLogger: WireLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export class WireServer {
  private readonly server: Server;
  private readonly routes = new RouteTable<ControlConnection>();
  private readonly connections = new Set<ControlConnection>();
  private readonly authTimers = new Map<ControlConnection, TimerHandle>();
  private readonly secretDigest: Buffer;
  private readonly logger: WireLogger;
  private nextConnId = 1;
  private closing: Promise<void> | undefined;
  private readonly counters: WireServerStats = {
    connectionsAccepted: 0, authFailures: 0, framingErrors: 0, unknownCommands: 0, messagesIn: 0,
  };

  constructor(
    private readonly opts: WireServerOptions,
    private readonly callbacks: WireServerCallbacks,
  ) {
    this.logger = opts.logger ?? noopLogger;
    this.secretDigest = digest(opts.secret);
    this.server = createServer((socket) => this.accept(socket));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.address, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.logger.warn({ err }, 'wire server error'));
        resolve();
      });
    });
  }

  address(): { address: string; port: number } {
    const info = this.server.address() as AddressInfo | null;
    if (info === null) return { address: this.opts.address, port: this.opts.port };
    return { address: info.address, port: info.port };
  }

  /**
   * Picks the app for a new request or CDR event: round-robin among the apps that
   * routed `verb` (§3.3), or undefined (the caller answers 503 / drops the CDR).
   */
  selectApp(verb: string): AppConnection | undefined {
    return this.routes.select(verb);
  }

  /** The apps routed for `verb`, duplicates included. */
  appsFor(verb: string): readonly AppConnection[] {
    return this.routes.appsFor(verb);
  }

  /** verb → app ids. */
  routeSnapshot(): Record<string, string[]> {
    return this.routes.snapshot();
  }

  /** Authenticated, live apps. */
  apps(): AppConnection[] {
    return [...this.connections].filter((c) => c.alive);
  }

  stats(): Readonly<WireServerStats> {
    return { ...this.counters };
  }

  /** Stops listening and ends every connection; resolves when all have closed. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  /** Forced: closes the listener and destroys every connection now. */
  destroy(): void {
    this.closing ??= Promise.resolve();
    if (this.server.listening) this.server.close();
    for (const conn of this.connections) conn.destroy();
    this.clearAuthTimers();
  }

  private closeGracefully(): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimeout(() => {
        for (const conn of this.connections) conn.destroy();
      }, this.opts.closeTimeoutMs ?? 5_000);
      const done = (): void => {
        this.opts.clock.clearTimeout(timer);
        resolve();
      };
      // server.close() calls back once every accepted socket has closed too.
      if (this.server.listening) this.server.close(done);
      else if (this.connections.size === 0) done();
      else this.server.once('close', done);
      for (const conn of this.connections) conn.endWith();
      this.clearAuthTimers();
    });
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.counters.connectionsAccepted++;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.opts.keepAliveMs ?? 45_000);
    const conn = new ControlConnection(`app-${this.nextConnId++}`, socket, {
      onPayload: (c, payload) => this.handlePayload(c, payload),
      onFramingError: (c, detail) => this.handleFramingError(c, detail),
      onClose: (c) => this.handleClose(c),
    });
    this.connections.add(conn);
    this.authTimers.set(conn, this.opts.clock.setTimeout(() => {
      this.logger.info({ app: conn.id }, 'wire app did not authenticate in time');
      conn.destroy();
    }, this.opts.authTimeoutMs ?? 30_000));
    this.logger.debug({ app: conn.id, remote: `${conn.remoteAddress}:${conn.remotePort}` }, 'wire app connected');
  }

  private handleFramingError(conn: ControlConnection, detail: string): void {
    // §2: a bad length prefix (6th digit, non-digit) drops the client.
    this.counters.framingErrors++;
    this.logger.warn({ app: conn.id, detail }, 'wire framing error, dropping app');
    conn.destroy();
  }

  private handleClose(conn: ControlConnection): void {
    this.connections.delete(conn);
    this.opts.clock.clearTimeout(this.authTimers.get(conn));
    this.authTimers.delete(conn);
    this.routes.removeApp(conn);
    if (!conn.authenticated) return;
    this.logger.debug({ app: conn.id }, 'wire app gone');
    try {
      this.callbacks.onAppGone(conn);
    } catch (err) {
      this.logger.warn({ app: conn.id, err }, 'onAppGone threw');
    }
  }

  private handlePayload(conn: ControlConnection, payload: string): void {
    this.counters.messagesIn++;
    const parsed = parseWireMessage(payload);
    if (!parsed.ok) {
      this.refuse(conn, parsed.msgId, 'Unknown message type');
      return;
    }
    const msg = parsed.message;
    if (msg.command === 'authenticate') {
      this.authenticate(conn, msg);
      return;
    }
    // drachtio-server accepts any command before authenticate (§4 quirk). We do not:
    // an unauthenticated peer gets NO and is dropped, so only holders of the secret
    // can route or send SIP. srf always authenticates first, so apps never notice.
    if (!conn.authenticated) {
      this.counters.authFailures++;
      this.refuse(conn, msg.msgId, 'authentication required');
      return;
    }
    this.dispatch(conn, msg);
  }

  private dispatch(conn: ControlConnection, msg: WireMessage): void {
    switch (msg.command) {
      case 'sip':
      case 'proxy':
        this.deliver(conn, msg);
        return;
      case 'ping':
        conn.send(formatOk(msg.msgId, ['pong']));
        return;
      case 'route':
        this.route(conn, msg);
        return;
      case 'remove_route':
        // §5.2 quirk, reproduced on purpose: drachtio-server drops ALL of this
        // connection's routes whatever the verb. srf removes one verb at a time and an
        // app written against the real server expects exactly this outcome.
        this.routes.removeApp(conn);
        conn.send(formatOk(msg.msgId));
        return;
      default:
        this.counters.unknownCommands++;
        this.refuse(conn, msg.msgId, 'Unknown message type');
    }
  }

  private authenticate(conn: ControlConnection, msg: WireMessage): void {
    if (!timingSafeEqual(digest(msg.tokens[2] ?? ''), this.secretDigest)) {
      this.counters.authFailures++;
      this.logger.info({ app: conn.id }, 'wire app sent an incorrect secret');
      this.refuse(conn, msg.msgId, 'incorrect secret');
      return;
    }
    conn.authenticated = true;
    conn.tags = (msg.tokens[3] ?? '').split(',').filter((t) => t !== '');
    this.opts.clock.clearTimeout(this.authTimers.get(conn));
    this.authTimers.delete(conn);
    const version = this.opts.version ?? DEFAULT_WIRE_VERSION;
    conn.send(formatOk(msg.msgId, [this.opts.hostports(), version, this.opts.localHostports()]));
    this.logger.info({ app: conn.id, tags: conn.tags }, 'wire app authenticated');
  }

  private route(conn: ControlConnection, msg: WireMessage): void {
    const verb = msg.tokens[2] ?? '';
    if (verb === '') {
      conn.send(formatNo(msg.msgId, 'missing verb'));
      return;
    }
    this.routes.add(verb, conn);
    conn.send(formatOk(msg.msgId));
  }

  private deliver(conn: ControlConnection, msg: WireMessage): void {
    try {
      this.callbacks.onAppRequest(conn, msg);
    } catch (err) {
      // Network input never throws out of a socket handler (architecture §3).
      this.logger.warn({ app: conn.id, command: msg.command, err }, 'onAppRequest threw');
    }
  }

  /** `NO|reason`, then disconnect (§4 wrong secret, §5.5 unknown command). */
  private refuse(conn: ControlConnection, msgId: string, reason: string): void {
    conn.endWith(formatNo(msgId, reason));
  }

  private clearAuthTimers(): void {
    for (const handle of this.authTimers.values()) this.opts.clock.clearTimeout(handle);
    this.authTimers.clear();
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
