/**
 * One TCP connection, inbound or outbound: frames what it receives (RFC 3261 §18.3),
 * answers CRLFCRLF pings (RFC 5626 §3.5.1), writes what the layer sends, and closes
 * itself after tcpIdleTimeoutMs without traffic either way.
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { StreamFramer, type StreamFramerSink } from './stream-framer.js';
import { errorText, type TransportSink } from './transport-sink.js';
import type { LocalEndpoint, SendResult, Source, StreamFramingErrorCode } from './types.js';
import { peerAddress } from './peer-address.js';

export interface TcpConnectionOwner {
  readonly sink: TransportSink;
  readonly clock: Clock;
  readonly maxMessageSize: number;
  /** 0 disables idle reaping. */
  readonly idleTimeoutMs: number;
  readonly maxQueuedBytes: number;
  connectionClosed(connection: TcpConnection): void;
}

const PONG = Buffer.from('\r\n', 'latin1');

export class TcpConnection implements StreamFramerSink {
  private readonly framer: StreamFramer;
  private src: Source | undefined;
  private endpoint: LocalEndpoint | undefined;
  private lastActivity: number;
  private idleTimer: TimerHandle | undefined;
  private extraTimer: TimerHandle | undefined;
  private ending = false;
  private closedFlag = false;
  /** Why the socket failed, reported by sends that fail because of it. */
  private failure: string | undefined;
  private resolveClosed: () => void = () => undefined;
  /** Settles once the socket has closed, however it closed. */
  readonly closed: Promise<void>;

  /**
   * @param remoteKey formatHostPort() of the canonical remote address, for connection reuse.
   * @param connectTimeoutMs for an outbound socket still connecting; undefined for an accepted one.
   */
  constructor(
    readonly id: string,
    readonly remoteKey: string,
    private readonly socket: Socket,
    private readonly owner: TcpConnectionOwner,
    connectTimeoutMs?: number,
  ) {
    this.framer = new StreamFramer(this, owner.maxMessageSize);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.lastActivity = owner.clock.now();
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onClose);
    if (connectTimeoutMs === undefined) {
      this.onConnect();
    } else {
      socket.once('connect', this.onConnect);
      this.extraTimer = owner.clock.setTimeout(this.onConnectTimeout, connectTimeoutMs);
    }
    this.armIdleTimer(owner.idleTimeoutMs);
  }

  /** Usable for a send: open or still connecting, and not being closed. */
  get isAlive(): boolean {
    return !this.closedFlag && !this.ending && !this.socket.destroyed && this.socket.writable;
  }

  /** The Source of every message read from this connection; undefined until connected. */
  get source(): Source | undefined {
    return this.src;
  }

  write(data: Buffer): Promise<SendResult> {
    const counters = this.owner.sink.counters;
    if (!this.isAlive) {
      counters.sendErrors++;
      return Promise.resolve({ ok: false, error: this.failure ?? 'tcp-connection-closed' });
    }
    // A peer that does not read must not make us buffer without bound.
    if (this.socket.writableLength + data.length > this.owner.maxQueuedBytes) {
      counters.sendErrors++;
      return Promise.resolve({ ok: false, error: 'tcp-send-queue-full' });
    }
    this.lastActivity = this.owner.clock.now();
    return new Promise((resolve) => {
      this.socket.write(data, (error) => {
        if (error || !this.endpoint) {
          counters.sendErrors++;
          resolve({ ok: false, error: this.failure ?? errorText(error ?? 'tcp-connection-closed') });
        } else {
          counters.framesOut++;
          resolve({ ok: true, local: this.endpoint, connectionId: this.id });
        }
      });
    });
  }

  /** Graceful: flush, send FIN, and destroy if still open after graceMs. */
  end(graceMs: number): Promise<void> {
    if (!this.closedFlag && !this.ending) {
      this.ending = true;
      this.owner.clock.clearTimeout(this.extraTimer);
      this.extraTimer = this.owner.clock.setTimeout(() => this.socket.destroy(), graceMs);
      this.socket.end();
    }
    return this.closed;
  }

  /** Forced; frames still pending in the current chunk are not delivered. */
  destroy(): void {
    this.framer.stop();
    this.socket.destroy();
  }

  onFrame(frame: Buffer): void {
    const src = this.src;
    if (!src) return; // unreachable: data only flows once connected
    this.owner.sink.counters.framesIn++;
    this.owner.sink.deliverMessage(frame, src);
  }

  onKeepAlive(): void {
    this.owner.sink.counters.keepAlivesIn++;
    if (!this.ending) this.socket.write(PONG);
  }

  onError(code: StreamFramingErrorCode): void {
    // The stream has lost its message boundaries: nothing after this can be trusted.
    if (this.src) this.owner.sink.reportFramingError(this.src, code);
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.lastActivity = this.owner.clock.now();
    this.framer.push(chunk);
  };

  private readonly onConnect = (): void => {
    const s = this.socket;
    this.owner.clock.clearTimeout(this.extraTimer);
    this.extraTimer = undefined;
    if (s.remoteAddress === undefined || s.localAddress === undefined) return; // closed meanwhile
    this.endpoint = Object.freeze({ protocol: 'tcp', address: s.localAddress, port: s.localPort ?? 0 });
    this.src = Object.freeze({
      protocol: 'tcp',
      remoteAddress: peerAddress(s.remoteAddress),
      remotePort: s.remotePort ?? 0,
      localAddress: s.localAddress,
      localPort: s.localPort ?? 0,
      connectionId: this.id,
    });
  };

  private readonly onConnectTimeout = (): void => {
    this.extraTimer = undefined;
    if (this.socket.connecting) {
      this.failure = 'tcp-connect-timeout';
      this.socket.destroy();
    }
  };

  private readonly onSocketError = (error: Error): void => {
    this.failure ??= errorText(error);
    this.owner.sink.counters.socketErrors++;
  };

  private readonly onClose = (): void => {
    this.closedFlag = true;
    this.failure ??= 'tcp-connection-closed';
    this.framer.stop();
    this.owner.clock.clearTimeout(this.idleTimer);
    this.owner.clock.clearTimeout(this.extraTimer);
    this.idleTimer = this.extraTimer = undefined;
    this.owner.connectionClosed(this);
    this.resolveClosed();
  };

  private armIdleTimer(delayMs: number): void {
    if (this.owner.idleTimeoutMs > 0) this.idleTimer = this.owner.clock.setTimeout(this.onIdleCheck, delayMs);
  }

  /** One timer per connection, re-armed lazily: traffic only records a timestamp. */
  private readonly onIdleCheck = (): void => {
    this.idleTimer = undefined;
    if (this.closedFlag) return;
    const idle = this.owner.clock.now() - this.lastActivity;
    if (idle >= this.owner.idleTimeoutMs) {
      this.owner.sink.counters.reaped++;
      this.socket.destroy();
    } else {
      this.armIdleTimer(this.owner.idleTimeoutMs - idle);
    }
  };
}
