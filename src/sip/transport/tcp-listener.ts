/** One listening TCP socket; accepted connections are handed to the owner. */
import { createServer, type Server, type Socket } from 'node:net';
import { isIPv6 } from './host-port.js';
import type { TransportSink } from './transport-sink.js';
import type { ListenSpec, LocalEndpoint } from './types.js';

export class TcpListener {
  readonly family: 4 | 6;
  private server: Server | undefined;
  private endpoint: LocalEndpoint | undefined;

  constructor(
    readonly spec: ListenSpec,
    private readonly sink: TransportSink,
    private readonly onSocket: (socket: Socket) => void,
  ) {
    this.family = isIPv6(spec.address) ? 6 : 4;
  }

  get local(): LocalEndpoint | undefined {
    return this.endpoint;
  }

  listen(): Promise<LocalEndpoint> {
    const server = createServer({ noDelay: true }, this.onSocket);
    this.server = server;
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => {
        this.server = undefined;
        server.close(() => reject(error));
      };
      server.once('error', failed);
      // ipv6Only: an IPv6 wildcard must not also capture IPv4, which gets its own listener.
      server.listen({ host: this.spec.address, port: this.spec.port, ipv6Only: this.family === 6, exclusive: true }, () => {
        server.off('error', failed);
        server.on('error', this.onServerError);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          failed(new Error('TCP listener has no address'));
          return;
        }
        this.endpoint = Object.freeze({ protocol: 'tcp', address: address.address, port: address.port });
        resolve(this.endpoint);
      });
    });
  }

  /** Stops accepting. Resolves once the server is closed, i.e. after its connections have closed too. */
  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private readonly onServerError = (): void => {
    this.sink.counters.socketErrors++;
  };
}
