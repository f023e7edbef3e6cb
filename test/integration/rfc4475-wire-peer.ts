/**
 * Delivery of RFC 4475 torture messages to the engine, and reading what comes back.
 *
 * Over UDP with no `rport`, the engine answers at the packet's source address but the Via
 * sent-by port (RFC 3261 §18.2.2), 5060 when the Via names none. ViaPortUdpPeer binds
 * 127.0.0.1 on that port so the answer reaches it; when the port is taken (another test
 * run, a local SIP stack) it binds a free port instead and rewrites the top Via's sent-by
 * port to it — the only edit ever made to corpus bytes, and it is reported.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { getHeader, getHeaderValues, parseMessage, type SipMessage, type SipResponse } from '../../src/sip/message/index.js';
import { ResponseTally } from '../helpers/response-tally.js';

/** A message from the engine as read by the engine's own parser (kept raw when that fails). */
export interface Heard {
  raw: Buffer;
  message?: SipMessage;
}

export function hear(raw: Buffer): Heard {
  const r = parseMessage(raw, { datagram: true });
  return r.ok ? { raw, message: r.message } : { raw };
}

export function responseOf(h: Heard): SipResponse | undefined {
  return h.message?.type === 'response' ? h.message : undefined;
}

export function statusOf(h: Heard): number | undefined {
  return responseOf(h)?.status;
}

/** e.g. "100 Trying | 200 OK", or "(nothing)". */
export function summary(heard: readonly Heard[]): string {
  if (heard.length === 0) return '(nothing)';
  return heard.map((h) => h.raw.toString('latin1').split('\r\n', 1)[0]).join(' | ');
}

/** Distinct statuses heard, ascending. */
export function statuses(heard: readonly Heard[]): number[] {
  return [...new Set(heard.map(statusOf).filter((s): s is number => s !== undefined))].sort((a, b) => a - b);
}

export function header(m: SipMessage, name: string): string | undefined {
  return getHeader(m, name);
}

export function headerValues(m: SipMessage, name: string): string[] {
  return getHeaderValues(m, name);
}

/** The first Call-ID of a corpus message (the REGISTER's, in dblreq), read without a parser. */
export function corpusCallId(buf: Buffer): string | undefined {
  const head = buf.toString('latin1').split('\r\n\r\n', 1)[0] ?? '';
  return /\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head)?.[1]?.trim();
}

export function callIdOf(h: Heard): string | undefined {
  return h.message ? getHeader(h.message, 'Call-ID')?.trim() : undefined;
}

/**
 * The ACK for a non-2xx final response to an INVITE (RFC 3261 §17.1.1.3): the original
 * Request-URI, the response's top Via (same branch), From, To (with its tag) and Call-ID.
 */
export function ackForNon2xx(invite: Buffer, h: Heard): Buffer | undefined {
  const res = responseOf(h);
  if (!res || res.status < 300) return undefined;
  const requestUri = invite.toString('latin1').split('\r\n', 1)[0]?.split(' ')[1];
  const via = getHeaderValues(res, 'Via')[0];
  const cseq = getHeader(res, 'CSeq')?.trim().split(/\s+/);
  if (!requestUri || !via || !cseq || cseq[1] !== 'INVITE') return undefined;
  return Buffer.from([
    `ACK ${requestUri} SIP/2.0`, `Via: ${via}`, 'Max-Forwards: 70',
    `From: ${getHeader(res, 'From') ?? ''}`, `To: ${getHeader(res, 'To') ?? ''}`, `Call-ID: ${getHeader(res, 'Call-ID') ?? ''}`,
    `CSeq: ${cseq[0] ?? ''} ACK`, 'Content-Length: 0', '', '',
  ].join('\r\n'), 'latin1');
}

/** Top Via port of a corpus message (5060 when it names none, RFC 3261 §18.2.2 / §19.1.2). */
export function topViaPort(buf: Buffer): number {
  const head = buf.toString('latin1').split('\r\n\r\n', 1)[0] ?? '';
  const via = /\r\n(?:Via|v)[ \t]*:[ \t]*SIP\/2\.0\/[A-Z]+[ \t]+[^;,\s:]+(?::(\d+))?/i.exec(head);
  return Number(via?.[1] ?? 5060);
}

/** The same bytes with the top Via's sent-by port set to `port` (nothing else changes). */
export function withTopViaPort(buf: Buffer, port: number): Buffer {
  const text = buf.toString('latin1');
  const re = /(\r\n(?:Via|v)[ \t]*:[ \t]*SIP\/2\.0\/[A-Z]+[ \t]+)([^;,\s:]+)(?::\d+)?/i;
  if (!re.test(text)) throw new Error('no simple top Via to rewrite');
  return Buffer.from(text.replace(re, `$1$2:${port}`), 'latin1');
}

export class ViaPortUdpPeer {
  readonly heard: Heard[] = [];
  private readonly tally = new ResponseTally();

  private constructor(private readonly socket: Socket, readonly port: number, readonly rewritesVia: boolean) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => undefined);
  }

  /** Binds 127.0.0.1:`viaPort`, or a free port (then `rewritesVia` is true) when that one is taken. */
  static async open(viaPort: number | undefined): Promise<ViaPortUdpPeer> {
    if (viaPort !== undefined) {
      const socket = await bind(viaPort);
      if (socket) return new ViaPortUdpPeer(socket, viaPort, false);
    }
    const socket = await bind(0);
    if (!socket) throw new Error('cannot bind a UDP socket on 127.0.0.1');
    return new ViaPortUdpPeer(socket, socket.address().port, viaPort !== undefined);
  }

  /** Sends `buf`, with the top Via port rewritten if this peer could not bind the Via's. */
  sendCorpus(buf: Buffer, enginePort: number): Promise<void> {
    return this.send(this.rewritesVia ? withTopViaPort(buf, this.port) : buf, enginePort);
  }

  send(buf: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(buf, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  heardFor(callId: string | undefined): Heard[] {
    return this.heard.filter((h) => callIdOf(h) === callId);
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
    this.heard.push(hear(msg));
    // ACK every 2xx to an INVITE, so the engine stops retransmitting it (RFC 3261 §13.3.1.4).
    const ack = this.tally.record(msg, { transport: 'UDP', localPort: this.port });
    if (ack) this.socket.send(ack, rinfo.port, rinfo.address);
  }
}

function bind(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
