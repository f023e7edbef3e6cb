/**
 * A raw TCP SIP peer for robustness tests: writes arbitrary bytes, splits what comes
 * back into messages, tallies them, ACKs 2xx to INVITE, and notes whether (and how) the
 * engine closed the connection.
 */
import { connect, type Socket } from 'node:net';
import { ResponseTally } from './response-tally.js';
import { SipStreamSplitter } from './sip-stream-splitter.js';

export class RawTcpPeer {
  /** Every complete message read, in order. */
  readonly messages: Buffer[] = [];
  readonly closed: Promise<void>;
  /** True once the socket is closed, by either side. */
  isClosed = false;
  /** True when the engine closed (FIN or RST) before we did. */
  closedByRemote = false;
  private closedByUs = false;
  private readonly splitter = new SipStreamSplitter();

  private constructor(private readonly socket: Socket, readonly tally: ResponseTally) {
    let resolveClosed: () => void = () => undefined;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    socket.setNoDelay(true);
    // EPIPE/ECONNRESET after the engine closed on us are expected here: the close is the signal.
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.isClosed = true;
      if (!this.closedByUs) this.closedByRemote = true;
      resolveClosed();
    });
  }

  static open(port: number, tally = new ResponseTally(), address = '127.0.0.1'): Promise<RawTcpPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawTcpPeer(socket, tally));
      });
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  /** Writes unless closed; resolves false when the bytes could not be handed to the kernel. */
  write(data: Buffer): Promise<boolean> {
    if (this.isClosed || this.socket.destroyed || !this.socket.writable) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(data, (err) => resolve(!err)));
  }

  destroy(): Promise<void> {
    if (!this.isClosed) this.closedByUs = true;
    this.socket.destroy();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    for (const msg of this.splitter.push(chunk)) {
      this.messages.push(msg);
      const ack = this.tally.record(msg, { transport: 'TCP', localPort: this.localPort });
      if (ack) void this.write(ack);
    }
  }
}
