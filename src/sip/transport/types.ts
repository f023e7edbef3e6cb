/**
 * The vocabulary of the transport layer (RFC 3261 §18): where a message came from,
 * where one goes, and what happened when it was sent.
 */
import type { Clock } from '../../shared/index.js';

export type TransportProtocol = 'udp' | 'tcp';

/** One socket to listen on. Port 0 lets the system pick; see TransportLayer.boundListeners(). */
export interface ListenSpec {
  protocol: TransportProtocol;
  address: string;
  port: number;
}

/** A local endpoint: a listener, or the local side of a connection. */
export interface LocalEndpoint {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
}

/**
 * Where a message came from. For UDP on a wildcard listener (`0.0.0.0`, `::`) the
 * localAddress is the wildcard: Node does not expose the datagram's destination address.
 */
export interface Source {
  readonly protocol: TransportProtocol;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** TCP only: stable for the connection's life; pass it back in a Destination to reuse it. */
  readonly connectionId?: string;
}

export interface Destination {
  protocol: TransportProtocol;
  /** An IP literal; an IPv6 one may keep its URI brackets. */
  address: string;
  port: number;
  /** TCP: the connection to use if it is still alive (RFC 3261 §18.2.2). */
  connectionId?: string;
  /**
   * Optional hint: send from the listener bound to this local port (and address, if
   * given) — e.g. answer from the socket a request arrived on. Ignored when no listener
   * of the destination's family matches.
   */
  localPort?: number;
  localAddress?: string;
}

export type SendResult =
  | { ok: true; local: LocalEndpoint; connectionId?: string }
  | { ok: false; error: string };

export type StreamFramingErrorCode =
  | 'content-length-missing'
  | 'content-length-invalid'
  | 'content-length-negative'
  | 'content-length-conflict'
  | 'header-too-large'
  | 'body-too-large';

export type FramingErrorCode = StreamFramingErrorCode | 'datagram-too-large';

/** Plain counters; metrics are wired elsewhere. A snapshot: later traffic does not change it. */
export interface TransportStats {
  datagramsIn: number;
  datagramsOut: number;
  /** UDP datagrams made only of CR/LF (keep-alives some clients send), dropped. */
  datagramKeepAlivesIn: number;
  /** Complete SIP messages framed from TCP streams. */
  framesIn: number;
  framesOut: number;
  /** CRLFCRLF pings answered with a CRLF pong (RFC 5626 §3.5.1). */
  keepAlivesIn: number;
  framingErrors: number;
  sendErrors: number;
  socketErrors: number;
  /** Exceptions thrown by onMessage/onFramingError, caught so that a socket handler never throws. */
  handlerErrors: number;
  connectionsOpen: number;
  connectionsAccepted: number;
  connectionsOpened: number;
  /** Connections closed for having no traffic for tcpIdleTimeoutMs. */
  reaped: number;
}

export interface TransportLayerOptions {
  listen: ReadonlyArray<ListenSpec>;
  /** Largest datagram, and largest header block + body on a stream. Default 65535. */
  maxMessageSize?: number;
  /** A TCP connection with no traffic either way for this long is closed. Default 60000; 0 disables. */
  tcpIdleTimeoutMs?: number;
  /** An outbound TCP connect that takes longer fails. Default 10000. */
  tcpConnectTimeoutMs?: number;
  /** How long close() lets a connection flush and finish before destroying it. Default 2000. */
  tcpCloseGraceMs?: number;
  /** A send fails rather than queue more than this many unsent bytes on one connection. Default 1 MiB. */
  tcpMaxQueuedBytes?: number;
  clock: Clock;
}

export interface TransportHandlers {
  /**
   * One complete SIP message (a datagram or a framed stream message); not parsed. The
   * Buffer may share memory with other frames of the same connection: treat it as
   * read-only. It is never overwritten, so keeping it (or slices of it) is safe.
   */
  onMessage(buf: Buffer, src: Source): void;
  /** Input that could not be framed; on TCP the connection is closed right after. */
  onFramingError(src: Source, code: FramingErrorCode): void;
  /** An exception thrown by one of the handlers above (counted in stats().handlerErrors). */
  onHandlerError?(error: unknown, src: Source): void;
}
