/** The UDP listeners, and the choice of which one a datagram leaves from. */
import { isIP } from 'node:net';
import { canonicalAddress, stripBrackets } from './host-port.js';
import type { TransportSink } from './transport-sink.js';
import type { Destination, ListenSpec, LocalEndpoint, SendResult } from './types.js';
import { UdpListener } from './udp-listener.js';

export class UdpTransport {
  private listeners: UdpListener[] = [];

  constructor(
    private readonly sink: TransportSink,
    private readonly maxMessageSize: number,
  ) {}

  async bind(spec: ListenSpec): Promise<LocalEndpoint> {
    const listener = new UdpListener(spec, this.sink, this.maxMessageSize);
    const local = await listener.bind();
    this.listeners.push(listener);
    return local;
  }

  send(dest: Destination, data: Buffer): Promise<SendResult> {
    const address = stripBrackets(dest.address);
    const family = isIP(address);
    if (family === 0) return this.fail(`not an IP address: ${dest.address}`);
    const listener = this.pick(family, dest);
    if (!listener) return this.fail(`no UDP listener for IPv${family}`);
    return listener.send(data, dest.port, address);
  }

  close(): Promise<void> {
    const closing = this.listeners.map((l) => l.close());
    this.listeners = [];
    return Promise.all(closing).then(() => undefined);
  }

  destroy(): void {
    void this.close();
  }

  /**
   * The listener of the destination's family, preferring the one named by the
   * destination's local hint (e.g. the socket a request came in on, RFC 3261 §18.2.2).
   */
  private pick(family: number, dest: Destination): UdpListener | undefined {
    let first: UdpListener | undefined;
    for (const listener of this.listeners) {
      if (listener.family !== family) continue;
      first ??= listener;
      if (dest.localPort !== undefined && listener.local?.port === dest.localPort && this.addressMatches(listener, dest)) {
        return listener;
      }
    }
    return first;
  }

  private addressMatches(listener: UdpListener, dest: Destination): boolean {
    if (dest.localAddress === undefined) return true;
    const bound = listener.local?.address;
    return bound !== undefined && canonicalAddress(dest.localAddress) === bound;
  }

  private fail(error: string): Promise<SendResult> {
    this.sink.counters.sendErrors++;
    return Promise.resolve({ ok: false, error });
  }
}
