/**
 * A raw UDP SIP peer on 127.0.0.1 for robustness tests: sends arbitrary datagrams,
 * tallies what the engine sends back (and ACKs 2xx to INVITE), keeping every datagram
 * received for tests that look at them one by one.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { ResponseTally } from './response-tally.js';

export interface UdpSipPeerOptions {
  /** Bounds `received`; default 1000. */
  keep?: number;
  tally?: ResponseTally;
}

export class UdpSipPeer {
  /** Every datagram received, oldest first (bounded: a fuzz run only needs the tally). */
  readonly received: Buffer[] = [];
  sent = 0;
  sendErrors = 0;
  bytesSent = 0;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly keep: number,
    readonly tally: ResponseTally,
  ) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => {
      this.sendErrors++;
    });
  }

  /** Binds 127.0.0.1 on a port picked by the system. */
  static async open(o: UdpSipPeerOptions = {}): Promise<UdpSipPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpSipPeer(socket, socket.address().port, o.keep ?? 1000, o.tally ?? new ResponseTally());
  }

  /** Resolves true once the kernel took the datagram; false on EMSGSIZE and the like. */
  send(data: Buffer, port: number, address = '127.0.0.1'): Promise<boolean> {
    return new Promise((resolve) => {
      this.socket.send(data, port, address, (err) => {
        if (err) {
          this.sendErrors++;
          resolve(false);
        } else {
          this.sent++;
          this.bytesSent += data.length;
          resolve(true);
        }
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.received.length < this.keep) this.received.push(msg);
    const ack = this.tally.record(msg, { transport: 'UDP', localPort: this.port });
    if (ack) void this.send(ack, rinfo.port, rinfo.address);
  }
}
