/**
 * TCP listeners and connections. A send uses, in order: the connection named by the
 * destination if still alive; any live connection to the destination's address:port,
 * inbound ones included (RFC 3261 §18.2.2, RFC 5923 spirit); else a new outbound one.
 */
import { connect, isIP, type Socket } from 'node:net';
import type { Clock } from '../../shared/index.js';
import { canonicalAddress, formatHostPort, isWildcardAddress, stripBrackets } from './host-port.js';
import { TcpConnection, type TcpConnectionOwner } from './tcp-connection.js';
import { TcpConnectionPool } from './tcp-connection-pool.js';
import { TcpListener } from './tcp-listener.js';
import { errorText, type TransportSink } from './transport-sink.js';
import type { Destination, ListenSpec, LocalEndpoint, SendResult } from './types.js';

export interface TcpTransportConfig {
  clock: Clock;
  maxMessageSize: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  closeGraceMs: number;
  maxQueuedBytes: number;
}

export class TcpTransport implements TcpConnectionOwner {
  readonly clock: Clock;
  readonly maxMessageSize: number;
  readonly idleTimeoutMs: number;
  readonly maxQueuedBytes: number;
  private listeners: TcpListener[] = [];
  private readonly pool = new TcpConnectionPool();
  private nextId = 0;
  private closing = false;

  constructor(
    readonly sink: TransportSink,
    private readonly config: TcpTransportConfig,
  ) {
    this.clock = config.clock;
    this.maxMessageSize = config.maxMessageSize;
    this.idleTimeoutMs = config.idleTimeoutMs;
    this.maxQueuedBytes = config.maxQueuedBytes;
  }

  get connectionsOpen(): number {
    return this.pool.size;
  }

  async listen(spec: ListenSpec): Promise<LocalEndpoint> {
    const listener = new TcpListener(spec, this.sink, this.onAccept);
    const local = await listener.listen();
    this.listeners.push(listener);
    return local;
  }

  send(dest: Destination, data: Buffer): Promise<SendResult> {
    if (this.closing) return this.fail('transport-closed');
    const address = canonicalAddress(dest.address);
    if (address === undefined) return this.fail(`not an IP address: ${dest.address}`);
    const named = dest.connectionId === undefined ? undefined : this.pool.alive(dest.connectionId);
    const remoteKey = formatHostPort(address, dest.port);
    const reused = named ?? this.pool.aliveTo(remoteKey);
    if (reused) return reused.write(data);
    try {
      return this.open(address, remoteKey, dest).write(data);
    } catch (error) {
      // net.connect throws synchronously only for arguments it rejects.
      return this.fail(errorText(error));
    }
  }

  /** Graceful: stop accepting, let each connection flush and finish within closeGraceMs. */
  async close(): Promise<void> {
    this.closing = true;
    const listeners = this.listeners;
    this.listeners = [];
    const ending = this.pool.all().map((c) => c.end(this.config.closeGraceMs));
    await Promise.all([...listeners.map((l) => l.close()), ...ending]);
  }

  destroy(): void {
    this.closing = true;
    for (const listener of this.listeners) void listener.close();
    this.listeners = [];
    for (const connection of this.pool.all()) connection.destroy();
  }

  drop(connectionId: string): boolean {
    const connection = this.pool.get(connectionId);
    connection?.destroy();
    return connection !== undefined;
  }

  connectionClosed(connection: TcpConnection): void {
    this.pool.remove(connection);
  }

  private open(address: string, remoteKey: string, dest: Destination): TcpConnection {
    const family = isIP(address);
    const socket = connect({
      host: address,
      port: dest.port,
      family,
      localAddress: this.localAddressFor(family, dest),
      noDelay: true,
    });
    this.sink.counters.connectionsOpened++;
    return this.adopt(socket, remoteKey, this.config.connectTimeoutMs);
  }

  /**
   * Outbound connections leave from the address we listen on, when it is a specific
   * one, so that the peer sees the address our Via and Contact name.
   */
  private localAddressFor(family: number, dest: Destination): string | undefined {
    if (dest.localAddress !== undefined && isIP(stripBrackets(dest.localAddress)) === family) {
      return stripBrackets(dest.localAddress);
    }
    const listener = this.listeners.find((l) => l.family === family && l.local && !isWildcardAddress(l.local.address));
    return listener?.local?.address;
  }

  private readonly onAccept = (socket: Socket): void => {
    const remote = socket.remoteAddress;
    if (this.closing || remote === undefined) {
      socket.destroy();
      return;
    }
    this.sink.counters.connectionsAccepted++;
    this.adopt(socket, formatHostPort(canonicalAddress(remote) ?? remote, socket.remotePort ?? 0));
  };

  private adopt(socket: Socket, remoteKey: string, connectTimeoutMs?: number): TcpConnection {
    const connection = new TcpConnection(`tcp-${++this.nextId}`, remoteKey, socket, this, connectTimeoutMs);
    this.pool.add(connection);
    return connection;
  }

  private fail(error: string): Promise<SendResult> {
    this.sink.counters.sendErrors++;
    return Promise.resolve({ ok: false, error });
  }
}
