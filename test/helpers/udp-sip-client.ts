/**
 * A minimal raw SIP client over UDP on 127.0.0.1 for tests that need what sipp cannot do
 * (SHA-256 Digest, a chosen nonce-count): sends a request text and resolves with the
 * final response of that transaction (same Call-ID and CSeq), header lines kept apart.
 * A non-2xx final response to an INVITE is ACKed (RFC 3261 §17.1.1.3), so the server
 * transaction ends without retransmitting.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface SipReply {
  readonly status: number;
  readonly reason: string;
  /** Every header line, in order, names as received. */
  readonly lines: readonly (readonly [string, string])[];
  /** Values of every line named `name` (case-insensitive). */
  all(name: string): string[];
}

export function parseReply(text: string): SipReply | undefined {
  const [head] = text.split('\r\n\r\n');
  const [start, ...rest] = (head ?? '').split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start ?? '');
  if (!m) return undefined;
  const lines = rest.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as const;
  });
  return {
    status: Number(m[1]), reason: m[2] as string, lines,
    all: (name) => lines.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
  };
}

export class UdpSipClient {
  private readonly waiting = new Map<string, (r: SipReply) => void>();
  /** Answer OPTIONS with 200 (a phone that is there); otherwise requests are ignored. */
  answerOptions = false;
  /** Request methods received, in order. */
  readonly requestsIn: string[] = [];

  private constructor(private readonly socket: Socket, readonly port: number) {
    socket.on('message', (buf, from) => this.onMessage(buf.toString('utf8'), from.port));
  }

  static async open(): Promise<UdpSipClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpSipClient(socket, socket.address().port);
  }

  /** Sends `request` and resolves with its final response; rejects after `timeoutMs`. */
  request(request: string, port: number, timeoutMs = 3000): Promise<SipReply> {
    const key = transactionKey(request);
    return new Promise<SipReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no final response to ${request.split('\r\n')[0]} (${key}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (r) => {
        clearTimeout(timer);
        if (request.startsWith('INVITE ') && r.status >= 300) this.socket.send(Buffer.from(ackFor(request, r)), port, '127.0.0.1');
        resolve(r);
      });
      this.socket.send(Buffer.from(request), port, '127.0.0.1');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(text: string, fromPort: number): void {
    const method = /^([A-Z]+) \S+ SIP\/2\.0\r\n/.exec(text)?.[1];
    if (method) {
      this.requestsIn.push(method);
      if (method === 'OPTIONS' && this.answerOptions) this.socket.send(Buffer.from(okFor(text)), fromPort, '127.0.0.1');
      return;
    }
    const reply = parseReply(text);
    if (!reply || reply.status < 200) return;
    const done = this.waiting.get(transactionKey(text));
    if (!done) return;
    this.waiting.delete(transactionKey(text));
    done(reply);
  }
}

function transactionKey(message: string): string {
  const callId = /\r\nCall-ID:\s*(\S+)/i.exec(message)?.[1];
  const cseq = /\r\nCSeq:\s*(\d+)/i.exec(message)?.[1];
  return `${callId} ${cseq}`;
}

/** The ACK of a non-2xx final response: same branch, From, Call-ID, CSeq number; the response's To. */
function ackFor(invite: string, reply: SipReply): string {
  const lines = invite.split('\r\n');
  const pick = (name: string): string => lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? '';
  const uri = (lines[0] ?? '').split(' ')[1];
  const cseq = /(\d+)/.exec(pick('CSeq'))?.[1];
  return [
    `ACK ${uri} SIP/2.0`, pick('Via'), 'Max-Forwards: 70', pick('From'), `To: ${reply.all('To')[0] ?? ''}`,
    pick('Call-ID'), `CSeq: ${cseq} ACK`, 'Content-Length: 0', '', '',
  ].join('\r\n');
}

/** 200 to a request: its Via, From, Call-ID and CSeq, its To with a tag (RFC 3261 §8.2.6.2). */
function okFor(request: string): string {
  const lines = request.split('\r\n');
  const all = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const to = all('To')[0] ?? 'To: <sip:unknown@invalid>';
  return ['SIP/2.0 200 OK', ...all('Via'), ...all('From'), /;\s*tag=/i.test(to) ? to : `${to};tag=udp-client`, ...all('Call-ID'), ...all('CSeq'),
    'Content-Length: 0', '', ''].join('\r\n');
}
