/**
 * /metrics, /healthz and /readyz for operators. Readiness goes false while draining so
 * a load balancer stops sending new calls (architecture §3, Lifecycle).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ObservabilityServerOptions {
  address: string;
  port: number;
  registry: Registry;
  ready(): boolean;
}

export class ObservabilityServer {
  private readonly server: Server;

  constructor(private readonly opts: ObservabilityServerOptions) {
    this.server = createServer((req, res) => {
      void this.handle(req.url ?? '/').then(({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      });
    });
  }

  private async handle(url: string): Promise<{ status: number; type: string; body: string }> {
    const path = url.split('?')[0];
    if (path === '/metrics') {
      try {
        return { status: 200, type: this.opts.registry.contentType, body: await this.opts.registry.metrics() };
      } catch (err) {
        return { status: 500, type: 'text/plain', body: `metrics failed: ${(err as Error).message}\n` };
      }
    }
    if (path === '/healthz') return { status: 200, type: 'text/plain', body: 'ok\n' };
    if (path === '/readyz') {
      return this.opts.ready() ? { status: 200, type: 'text/plain', body: 'ready\n' } : { status: 503, type: 'text/plain', body: 'draining\n' };
    }
    return { status: 404, type: 'text/plain', body: 'not found\n' };
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): { address: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { address: a.address, port: a.port };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
