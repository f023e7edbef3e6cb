/**
 * Starts a WireServer on 127.0.0.1:0 and tracks every srf app and raw client a test
 * opens, so that teardown can close them all and mocha exits without --exit.
 */
import { systemClock, type Clock } from '../../../../src/shared/index.js';
import {
  WireServer, type AppConnection, type WireMessage, type WireServerOptions,
} from '../../../../src/sip/wire/index.js';
import { RawWireClient } from './raw-wire-client.js';
import { connectSrf, newSrf, until, type SrfConnectResult, type SrfLike } from './srf-app.js';

export const SECRET = 'cymru';
export const HOSTPORTS = 'tcp/127.0.0.1:5090,udp/127.0.0.1:5090';
export const LOCAL_HOSTPORTS = 'tcp/10.1.2.3:5090,udp/10.1.2.3:5090';

export interface TrackedSrf {
  srf: SrfLike;
  connected: SrfConnectResult;
  /** True once srf's socket has closed. */
  closed: () => boolean;
}

export class WireServerHarness {
  server!: WireServer;
  readonly requests: Array<{ app: AppConnection; msg: WireMessage }> = [];
  readonly gone: AppConnection[] = [];
  /** Called for each onAppRequest after it is recorded; tests replace it. */
  onRequest: (app: AppConnection, msg: WireMessage) => void = () => undefined;
  private readonly srfs: TrackedSrf[] = [];
  private readonly raws: RawWireClient[] = [];

  async start(extra: Partial<WireServerOptions> = {}, clock: Clock = systemClock): Promise<void> {
    this.server = new WireServer({
      address: '127.0.0.1',
      port: 0,
      secret: SECRET,
      hostports: () => HOSTPORTS,
      localHostports: () => LOCAL_HOSTPORTS,
      clock,
      ...extra,
    }, {
      onAppRequest: (app, msg) => {
        this.requests.push({ app, msg });
        this.onRequest(app, msg);
      },
      onAppGone: (app) => this.gone.push(app),
    });
    await this.server.start();
  }

  get port(): number {
    return this.server.address().port;
  }

  /** A new srf app; `setup` registers handlers before connecting, as apps usually do. */
  async srf(setup: (srf: SrfLike) => void = () => undefined, opts: { secret?: string; tags?: string[] } = {}):
  Promise<TrackedSrf> {
    const srf = newSrf(opts.tags);
    let closed = false;
    srf.on('close', () => { closed = true; });
    setup(srf);
    const connected = await connectSrf(srf, this.port, opts.secret ?? SECRET);
    const tracked = { srf, connected, closed: () => closed };
    this.srfs.push(tracked);
    return tracked;
  }

  async raw(): Promise<RawWireClient> {
    const client = await RawWireClient.connect(this.port);
    this.raws.push(client);
    return client;
  }

  /** Disconnects srf the way an app does (srf.disconnect()) and waits for the server to see it. */
  async disconnect(t: TrackedSrf): Promise<void> {
    if (t.closed()) return;
    t.srf.disconnect();
    await until(() => t.closed(), 2000, 'srf socket to close');
  }

  async teardown(): Promise<void> {
    for (const t of this.srfs) {
      if (!t.connected.err) await this.disconnect(t);
    }
    for (const r of this.raws) if (r.isOpen) await r.end();
    await this.server.close();
  }
}
