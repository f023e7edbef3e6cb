/**
 * The SIP transport layer (RFC 3261 §18) of the embedded engine: owns the UDP and TCP
 * listeners, frames what arrives, and sends to a Destination. The layer above is handed
 * complete, unparsed messages through TransportHandlers.onMessage.
 */
import { LinegateError } from '../../shared/index.js';
import { formatHostPort } from './host-port.js';
import { TcpTransport } from './tcp-transport.js';
import { errorText, TransportSink } from './transport-sink.js';
import type {
  Destination,
  ListenSpec,
  LocalEndpoint,
  SendResult,
  Source,
  TransportHandlers,
  TransportLayerOptions,
  TransportStats,
} from './types.js';
import { UdpTransport } from './udp-transport.js';

type State = 'new' | 'starting' | 'running' | 'closing' | 'closed';

const DEFAULTS = {
  maxMessageSize: 65535,
  tcpIdleTimeoutMs: 60_000,
  tcpConnectTimeoutMs: 10_000,
  tcpCloseGraceMs: 2_000,
  tcpMaxQueuedBytes: 1024 * 1024,
};

export class TransportLayer {
  private readonly sink: TransportSink;
  private readonly udp: UdpTransport;
  private readonly tcp: TcpTransport;
  private readonly listen: ReadonlyArray<ListenSpec>;
  private state: State = 'new';
  private bound: LocalEndpoint[] = [];
  private closing: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  constructor(options: TransportLayerOptions, handlers: TransportHandlers) {
    this.sink = new TransportSink(handlers);
    this.listen = [...options.listen];
    const maxMessageSize = options.maxMessageSize ?? DEFAULTS.maxMessageSize;
    this.udp = new UdpTransport(this.sink, maxMessageSize);
    this.tcp = new TcpTransport(this.sink, {
      clock: options.clock,
      maxMessageSize,
      idleTimeoutMs: options.tcpIdleTimeoutMs ?? DEFAULTS.tcpIdleTimeoutMs,
      connectTimeoutMs: options.tcpConnectTimeoutMs ?? DEFAULTS.tcpConnectTimeoutMs,
      closeGraceMs: options.tcpCloseGraceMs ?? DEFAULTS.tcpCloseGraceMs,
      maxQueuedBytes: options.tcpMaxQueuedBytes ?? DEFAULTS.tcpMaxQueuedBytes,
    });
  }

  /**
   * Binds every listener, in order. Rejects with LinegateError `transport-bind-failed`
   * (after releasing what was bound) if one cannot be bound.
   */
  start(): Promise<void> {
    if (this.state !== 'new') {
      return Promise.reject(new LinegateError('transport-already-started', `transport layer is ${this.state}`));
    }
    this.state = 'starting';
    this.starting = this.bindAll();
    return this.starting;
  }

  /** The actual address and port of each listener, in the order of `listen`. */
  boundListeners(): LocalEndpoint[] {
    return [...this.bound];
  }

  /** Never rejects: failures are values. */
  send(dest: Destination, data: Buffer): Promise<SendResult> {
    if (this.state !== 'running') return this.fail(`transport layer is ${this.state}`);
    if (!Number.isInteger(dest.port) || dest.port < 1 || dest.port > 65535) {
      return this.fail(`invalid port ${dest.port}`);
    }
    if (dest.protocol === 'udp') return this.udp.send(dest, data);
    if (dest.protocol === 'tcp') return this.tcp.send(dest, data);
    return this.fail(`unsupported protocol ${String(dest.protocol)}`);
  }

  /**
   * Closes a TCP connection at once (e.g. a scanner, or a peer whose messages cannot be
   * parsed). Returns false when there is no such open connection (UDP sources included).
   */
  dropConnection(src: Pick<Source, 'connectionId'>): boolean {
    return src.connectionId !== undefined && this.tcp.drop(src.connectionId);
  }

  stats(): TransportStats {
    return { ...this.sink.counters, connectionsOpen: this.tcp.connectionsOpen };
  }

  /** Graceful and idempotent: stops accepting, lets connections finish (tcpCloseGraceMs at most). */
  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  /** Forced: closes every socket now. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.tcp.destroy();
    this.udp.destroy();
  }

  private async bindAll(): Promise<void> {
    for (const spec of this.listen) {
      let local: LocalEndpoint;
      try {
        local = spec.protocol === 'udp' ? await this.udp.bind(spec) : await this.tcp.listen(spec);
      } catch (error) {
        this.destroy();
        const where = `${spec.protocol} ${formatHostPort(spec.address, spec.port)}`;
        throw new LinegateError('transport-bind-failed', `cannot listen on ${where}: ${errorText(error)}`, { cause: error });
      }
      if (this.state !== 'starting') {
        // destroy() was called meanwhile: release what this bind just opened.
        this.tcp.destroy();
        this.udp.destroy();
        throw new LinegateError('transport-closed', 'transport layer was closed while starting');
      }
      this.bound.push(local);
    }
    this.state = 'running';
  }

  private async closeGracefully(): Promise<void> {
    if (this.state === 'starting') await this.starting?.catch(() => undefined);
    if (this.state === 'closed' || this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    await Promise.all([this.tcp.close(), this.udp.close()]);
    this.state = 'closed';
  }

  private fail(error: string): Promise<SendResult> {
    this.sink.counters.sendErrors++;
    return Promise.resolve({ ok: false, error });
  }
}
