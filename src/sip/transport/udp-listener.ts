/**
 * One UDP socket: receives datagrams (one datagram is one SIP message, RFC 3261 §18.1)
 * and sends from the port it listens on, so that replies and requests leave from the
 * address:port our Via names (symmetric signalling, RFC 3581).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { isIPv6 } from './host-port.js';
import { errorText, type TransportSink } from './transport-sink.js';
import type { ListenSpec, LocalEndpoint, SendResult, Source } from './types.js';
import { peerAddress } from './peer-address.js';
import { BoundedCache } from '../../shared/index.js';

const CR = 0x0d;
const LF = 0x0a;

const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/** Peers whose Source is shared; past this the table starts again (a new object is still correct). */
const PEER_SOURCES = 4096;

export class UdpListener {
  readonly family: 4 | 6;
  private socket: Socket | undefined;
  private endpoint: LocalEndpoint | undefined;
  /** Shared by every successful send from this listener: nothing to allocate per send. */
  private okResult: SendResult | undefined;
  /**
   * One frozen Source per peer, as a TCP connection has one (tcp-connection.ts): server
   * transactions and dialogs keep their Source for 32 s after a call, and at 360 calls/s
   * an object per datagram was ~23,000 live copies of a handful of peers.
   */
  private sources = new BoundedCache<Source>(PEER_SOURCES);

  constructor(
    readonly spec: ListenSpec,
    private readonly sink: TransportSink,
    private readonly maxMessageSize: number,
  ) {
    this.family = isIPv6(spec.address) ? 6 : 4;
  }

  get local(): LocalEndpoint | undefined {
    return this.endpoint;
  }

  bind(): Promise<LocalEndpoint> {
    // ipv6Only: an IPv6 wildcard must not also capture IPv4, which gets its own listener.
    // Large socket buffers: a burst of INVITEs at hundreds of calls per second overflows the
    // kernel's ~200 kB default and turns into retransmissions (the kernel caps these at rmem_max).
    const socket = createSocket({
      type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: this.family === 6,
      recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES, lookup: lookupIpLiteral,
    });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => {
        this.socket = undefined;
        closeQuietly(socket);
        reject(error);
      };
      socket.once('error', failed);
      socket.bind({ address: this.spec.address, port: this.spec.port, exclusive: true }, () => {
        socket.off('error', failed);
        socket.on('error', this.onSocketError);
        socket.on('message', this.onDatagram);
        const { address, port } = socket.address();
        const endpoint: LocalEndpoint = Object.freeze({ protocol: 'udp', address, port });
        this.endpoint = endpoint;
        this.sources = new BoundedCache<Source>(PEER_SOURCES);
        this.okResult = Object.freeze({ ok: true, local: endpoint });
        resolve(endpoint);
      });
    });
  }

  send(data: Buffer, port: number, address: string): Promise<SendResult> {
    const socket = this.socket;
    const okResult = this.okResult;
    if (!socket || !okResult) return Promise.resolve({ ok: false, error: 'udp-listener-not-bound' });
    const counters = this.sink.counters;
    return new Promise((resolve) => {
      try {
        socket.send(data, port, address, (error) => {
          if (error) {
            counters.sendErrors++;
            resolve({ ok: false, error: errorText(error) });
          } else {
            counters.datagramsOut++;
            resolve(okResult);
          }
        });
      } catch (error) {
        // dgram throws synchronously for a bad port or a closed socket.
        counters.sendErrors++;
        resolve({ ok: false, error: errorText(error) });
      }
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => closeQuietly(socket, resolve));
  }

  destroy(): void {
    void this.close();
  }

  /** One handler for all datagrams: no closure is created per datagram. */
  private readonly onDatagram = (msg: Buffer, rinfo: RemoteInfo): void => {
    const counters = this.sink.counters;
    counters.datagramsIn++;
    if (isKeepAliveDatagram(msg)) {
      counters.datagramKeepAlivesIn++;
      return;
    }
    const src = this.sourceOf(rinfo);
    if (msg.length > this.maxMessageSize) {
      this.sink.reportFramingError(src, 'datagram-too-large');
      return;
    }
    this.sink.deliverMessage(msg, src);
  };

  private sourceOf(rinfo: RemoteInfo): Source {
    // A space cannot appear in an address: no two peers share a key.
    const key = rinfo.address + ' ' + rinfo.port;
    let src = this.sources.get(key);
    if (src === undefined) {
      const endpoint = this.endpoint as LocalEndpoint;
      src = Object.freeze({
        protocol: 'udp' as const,
        remoteAddress: peerAddress(rinfo.address),
        remotePort: rinfo.port,
        localAddress: endpoint.address,
        localPort: endpoint.port,
      });
      this.sources.set(key, src);
    }
    return src;
  }

  private readonly onSocketError = (): void => {
    this.sink.counters.socketErrors++;
  };
}

/**
 * An empty datagram or one made only of CR/LF: the keep-alive many UAs send over UDP
 * (RFC 5626 §4.4.1 specifies STUN for UDP; CRLF pings are common practice). Not a message.
 */
function isKeepAliveDatagram(msg: Buffer): boolean {
  if (msg.length > 4) return false;
  for (let i = 0; i < msg.length; i++) {
    const b = msg[i];
    if (b !== CR && b !== LF) return false;
  }
  return true;
}

/** Closes a dgram socket that may already be closed (dgram throws then). */
function closeQuietly(socket: Socket, done: () => void = () => undefined): void {
  try {
    socket.close(done);
  } catch {
    done();
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the destination of every send through its lookup function, and dns.lookup
 * answers even an IP literal on the next tick: a closure, a nextTick and a second callback per
 * datagram (visible in the engine's profile at 400 calls/s). SIP destinations here are nearly
 * always literals (Via received/rport, Contact, Path, trunk addresses), so a literal is answered
 * at once and anything else goes to dns.lookup as before.
 */
function lookupIpLiteral(hostname: string, options: unknown, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) return callback(null, hostname, family);
  dnsLookup(hostname, options as LookupOptions, callback as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void);
}
