/**
 * Small typed fakes of the srf objects the registrar touches (RegistrarRequest,
 * RegistrarResponse, RegistrarSrf), for unit tests without sockets.
 */
import type {
  OutgoingRequest, OutgoingRequestOptions, RegistrarRequest, RegistrarResponse, RegistrarSrf, SrfHandler,
} from '../../src/b2bua/index.js';

export interface FakeRequestInit {
  method?: string;
  uri?: string;
  headers?: Record<string, string | undefined>;
  source?: { address?: string; port?: number; protocol?: string };
  receivedOn?: string;
}

export class FakeRequest implements RegistrarRequest {
  readonly method: string;
  readonly uri: string;
  readonly source_address: string;
  readonly source_port: string;
  readonly protocol: string;
  readonly receivedOn: string | undefined;
  private readonly headers = new Map<string, string>();

  constructor(init: FakeRequestInit = {}) {
    this.method = init.method ?? 'REGISTER';
    this.uri = init.uri ?? 'sip:example.com';
    this.source_address = init.source?.address ?? '127.0.0.1';
    this.source_port = String(init.source?.port ?? 5062);
    this.protocol = init.source?.protocol ?? 'udp';
    this.receivedOn = init.receivedOn;
    for (const [k, v] of Object.entries(init.headers ?? {})) if (v !== undefined) this.headers.set(k.toLowerCase(), v);
  }

  get(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }
}

export interface SentResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
}

export class FakeResponse implements RegistrarResponse {
  readonly sent: SentResponse[] = [];
  /** Resolves with the first response sent. */
  readonly settled: Promise<SentResponse>;
  private resolve!: (r: SentResponse) => void;

  constructor() {
    this.settled = new Promise((resolve) => (this.resolve = resolve));
  }

  send(status: number, reason: string, opts: { headers: Record<string, string> }): void {
    const r = { status, reason, headers: { ...opts.headers } };
    this.sent.push(r);
    this.resolve(r);
  }

  /** Every line of header `name` in the first response (multi-line values split, as on the wire). */
  header(name: string): string[] {
    const r = this.sent[0];
    if (!r) return [];
    const key = Object.keys(r.headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) return [];
    return (r.headers[key] as string).split(/\r\n/).map((line, i) => (i === 0 ? line : line.replace(/^[^:]+:\s*/, '')));
  }
}

/** An OPTIONS (or other request) the code under test sent, answerable by the test. */
export interface SentRequest {
  readonly uri: string;
  readonly opts: OutgoingRequestOptions;
  respond(status: number): void;
}

export class FakeSrf implements RegistrarSrf {
  readonly handlers = new Map<string, SrfHandler>();
  readonly requests: SentRequest[] = [];
  /** When set, each new request is answered at once with this status. */
  autoAnswer: number | undefined;

  use(method: string, handler: SrfHandler): void {
    this.handlers.set(method.toLowerCase(), handler);
  }

  async request(uri: string, opts: OutgoingRequestOptions): Promise<OutgoingRequest> {
    const listeners: ((res: { status: number }) => void)[] = [];
    const sent: SentRequest = { uri, opts, respond: (status) => listeners.forEach((l) => l({ status })) };
    this.requests.push(sent);
    const req: OutgoingRequest = { on: (_event, l) => listeners.push(l) };
    if (this.autoAnswer !== undefined) {
      const status = this.autoAnswer;
      setImmediate(() => sent.respond(status)); // after the caller has attached its listener
    }
    return req;
  }

  /** Runs the handler installed for the request's method and waits for its first response. */
  async deliver(req: FakeRequest): Promise<{ res: FakeResponse; passed: boolean }> {
    const handler = this.handlers.get(req.method.toLowerCase());
    if (!handler) throw new Error(`no handler for ${req.method}`);
    const res = new FakeResponse();
    let passed = false;
    const next = new Promise<void>((resolve) => handler(req, res, () => {
      passed = true;
      resolve();
    }));
    await Promise.race([res.settled, next]);
    return { res, passed };
  }
}
