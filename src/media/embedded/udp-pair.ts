/**
 * The two UDP sockets of one RTP session: RTP on an even port and RTCP on the next one
 * (RFC 3550 §11). IPv4 or IPv6 follows the bind address; a socket bound to "::" is
 * dual-stack and reaches IPv4 peers through IPv4-mapped addresses.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

export interface UdpTarget {
  readonly address: string;
  readonly port: number;
}

export class UdpPair {
  private closed = false;

  private constructor(
    readonly rtp: Socket,
    readonly rtcp: Socket,
    readonly port: number,
    private readonly bindAddress: string,
  ) {}

  /** Binds RTP on `port` and RTCP on `port + 1`; rejects (and closes both) if either is taken. */
  static async bind(bindAddress: string, port: number): Promise<UdpPair> {
    const type = isIPv6(bindAddress) ? 'udp6' : 'udp4';
    const rtp = createSocket({ type, ipv6Only: false });
    const rtcp = createSocket({ type, ipv6Only: false });
    try {
      await bindSocket(rtp, port, bindAddress);
      await bindSocket(rtcp, port + 1, bindAddress);
    } catch (err) {
      await Promise.all([closeSocket(rtp), closeSocket(rtcp)]);
      throw err;
    }
    return new UdpPair(rtp, rtcp, port, bindAddress);
  }

  /** Whether a datagram to `ip` can leave through these sockets. */
  canReach(ip: string): boolean {
    if (isIPv6(this.bindAddress)) return this.bindAddress === '::' ? isIPv4(ip) || isIPv6(ip) : isIPv6(ip);
    return isIPv4(ip);
  }

  /** The address to hand to send(): IPv4 peers of a dual-stack socket become ::ffff:a.b.c.d. */
  sendAddress(ip: string): string {
    return this.bindAddress === '::' && isIPv4(ip) ? `::ffff:${ip}` : ip;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([closeSocket(this.rtp), closeSocket(this.rtcp)]);
  }
}

function bindSocket(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // never bound, or already closed
    }
  });
}

/** Strips the IPv4-mapped prefix so that addresses compare equal whatever socket saw them. */
export function plainAddress(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
