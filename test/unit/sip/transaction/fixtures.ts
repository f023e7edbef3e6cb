/**
 * Shared test scaffolding for the transaction layer: message builders (plain objects, so
 * the tests control every header), a recording transmit, a recording TU and handler.
 */
import type { SipHeader, SipMessage, SipRequest, SipResponse } from '../../../../src/sip/message/index.js';
import { TransactionLayer } from '../../../../src/sip/transaction/index.js';
import type {
  ClientTransaction,
  ClientTransactionHandler,
  Destination,
  ServerTransaction,
  Source,
  TransactionLayerOptions,
  TransactionUser,
} from '../../../../src/sip/transaction/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

export const UDP_SRC: Source = {
  protocol: 'udp',
  remoteAddress: '192.0.2.10',
  remotePort: 5062,
  localAddress: '192.0.2.1',
  localPort: 5060,
};
export const TCP_SRC: Source = { ...UDP_SRC, protocol: 'tcp', remotePort: 40123, connectionId: 'conn-1' };
export const UDP_DEST: Destination = { protocol: 'udp', address: '198.51.100.7', port: 5060 };
export const TCP_DEST: Destination = { protocol: 'tcp', address: '198.51.100.7', port: 5060 };

export interface RequestOptions {
  branch?: string | null; // null: no branch parameter at all
  sentBy?: string;
  transport?: 'UDP' | 'TCP';
  viaParams?: string;
  uri?: string;
  callId?: string;
  fromTag?: string | null;
  toTag?: string;
  cseq?: number;
  cseqMethod?: string;
  routes?: string[];
  extraVias?: string[];
}

export function viaValue(o: RequestOptions = {}): string {
  const branch = o.branch === null ? '' : `;branch=${o.branch ?? 'z9hG4bKabc123'}`;
  return `SIP/2.0/${o.transport ?? 'UDP'} ${o.sentBy ?? 'client.example.com:5062'}${branch}${o.viaParams ?? ''}`;
}

export function request(method: string, o: RequestOptions = {}): SipRequest {
  const headers: SipHeader[] = [{ name: 'Via', value: viaValue(o) }];
  for (const v of o.extraVias ?? []) headers.push({ name: 'Via', value: v });
  headers.push({ name: 'Max-Forwards', value: '70' });
  for (const r of o.routes ?? []) headers.push({ name: 'Route', value: r });
  const fromTag = o.fromTag === null ? '' : `;tag=${o.fromTag ?? 'from1'}`;
  headers.push(
    { name: 'From', value: `"Alice" <sip:alice@example.com>${fromTag}` },
    { name: 'To', value: `<sip:bob@example.org>${o.toTag ? `;tag=${o.toTag}` : ''}` },
    { name: 'Call-ID', value: o.callId ?? 'call-1@example.com' },
    { name: 'CSeq', value: `${o.cseq ?? 1} ${o.cseqMethod ?? method}` },
    { name: 'Content-Length', value: '0' },
  );
  return { type: 'request', method, uri: o.uri ?? 'sip:bob@example.org', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** A response to `req`: its Vias, From, Call-ID and CSeq; its To plus `toTag` if given. */
export function response(req: SipRequest, status: number, toTag?: string): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of req.headers) {
    const n = h.name.toLowerCase();
    if (n === 'via' || n === 'from' || n === 'call-id' || n === 'cseq') headers.push({ ...h });
    if (n === 'to') headers.push({ name: 'To', value: toTag && !h.value.includes(';tag=') ? `${h.value};tag=${toTag}` : h.value });
  }
  headers.push({ name: 'Content-Length', value: '0' });
  return { type: 'response', status, reason: String(status), version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

export function header(m: SipMessage, name: string): string[] {
  return m.headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
}

export interface Sent {
  at: number;
  msg: SipMessage;
  dest: Destination;
  tx: ServerTransaction | ClientTransaction;
}

export class RecordingTU implements TransactionUser {
  readonly requests: Array<{ req: SipRequest; src: Source; stx: ServerTransaction }> = [];
  readonly acks: SipRequest[] = [];
  readonly cancels: Array<{ cancel: SipRequest; stx: ServerTransaction; invite: ServerTransaction | undefined }> = [];
  readonly strays: SipResponse[] = [];
  /** Server transactions as onServerTerminated reported them, with the clock's time. */
  readonly ended: Array<{ stx: ServerTransaction; state: string }> = [];
  /** Runs inside onRequest, e.g. to respond at once. */
  onRequestHook: ((req: SipRequest, stx: ServerTransaction) => void) | undefined;

  onRequest(req: SipRequest, src: Source, stx: ServerTransaction): void {
    this.requests.push({ req, src, stx });
    this.onRequestHook?.(req, stx);
  }
  onAck(req: SipRequest): void {
    this.acks.push(req);
  }
  onCancel(cancel: SipRequest, _src: Source, stx: ServerTransaction, invite: ServerTransaction | undefined): void {
    this.cancels.push({ cancel, stx, invite });
  }
  onStrayResponse(res: SipResponse): void {
    this.strays.push(res);
  }
  onServerTerminated(stx: ServerTransaction): void {
    this.ended.push({ stx, state: stx.state });
  }
}

export class RecordingHandler implements ClientTransactionHandler {
  readonly responses: Array<{ at: number; res: SipResponse }> = [];
  readonly timeouts: number[] = [];
  readonly transportErrors: string[] = [];
  readonly terminated: number[] = [];

  constructor(private readonly clock: FakeClock) {}

  onResponse(res: SipResponse): void {
    this.responses.push({ at: this.clock.now(), res });
  }
  onTimeout(): void {
    this.timeouts.push(this.clock.now());
  }
  onTransportError(error: string): void {
    this.transportErrors.push(error);
  }
  onTerminated(): void {
    this.terminated.push(this.clock.now());
  }
}

export interface Harness {
  clock: FakeClock;
  tu: RecordingTU;
  sent: Sent[];
  layer: TransactionLayer;
  handler(): RecordingHandler;
  /** Transmission times of messages matching `pred`. */
  times(pred: (s: Sent) => boolean): number[];
}

export function harness(options: Partial<TransactionLayerOptions> = {}): Harness {
  const clock = new FakeClock();
  const tu = new RecordingTU();
  const sent: Sent[] = [];
  const layer = new TransactionLayer(
    { clock, transmit: (msg, dest, tx) => sent.push({ at: clock.now(), msg, dest, tx }), ...options },
    tu,
  );
  return {
    clock,
    tu,
    sent,
    layer,
    handler: () => new RecordingHandler(clock),
    times: (pred) => sent.filter(pred).map((s) => s.at),
  };
}

export const isRequest = (method: string) => (s: Sent): boolean => s.msg.type === 'request' && s.msg.method === method;
export const isStatus = (status: number) => (s: Sent): boolean => s.msg.type === 'response' && s.msg.status === status;

/** With T1 = 500 and T2 = 4000: T1 doubling capped at T2, up to 64·T1 = 32000 (timers E, G, 2xx). */
export const CAPPED_SCHEDULE = [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500];
/** With T1 = 500: T1 doubling without a cap, up to 64·T1 (timer A). */
export const TIMER_A_SCHEDULE = [500, 1500, 3500, 7500, 15500, 31500];
