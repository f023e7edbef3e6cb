/**
 * A tiny SIP UAS on UDP 127.0.0.1 standing in for FreeSWITCH's `drachtio_mrf` Sofia
 * profile in the fsmrf contract tests. It answers INVITEs (initial and re-INVITE) with
 * what the test's `answer` function returns, answers BYE with 200, and can send an
 * in-dialog BYE itself (RFC 3261 §12.2.1.1: Request-URI = the remote Contact, From/To
 * swapped from the INVITE with our tag, same Call-ID, our own CSeq). It is not a general
 * UAS: it does not retransmit 200 OK (loopback does not lose datagrams) and it trusts the
 * engine's messages to be well formed.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

export interface SipRequestIn {
  readonly method: string;
  readonly uri: string;
  readonly callId: string;
  /** Header values by lower-case name, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  header(name: string): string | undefined;
}

export interface InviteAnswer {
  readonly status: number;
  readonly sdp?: string;
}

interface Dialog {
  readonly invite: SipRequestIn;
  readonly from: RemoteInfo;
  readonly localTag: string;
  cseq: number;
}

export class FakeSofia {
  readonly requests: SipRequestIn[] = [];
  private readonly dialogs = new Map<string, Dialog>();
  private readonly pending = new Map<string, (status: number) => void>();
  private readonly answered = new Map<string, { status: number; sdp: string; tag: string }>();

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly answer: (invite: SipRequestIn, initial: boolean) => InviteAnswer,
    private readonly onAnswered: (invite: SipRequestIn, initial: boolean, sdp: string) => void,
    private readonly onBye: (callId: string) => void,
  ) {
    socket.on('message', (buf, from) => this.onMessage(buf.toString('utf8'), from));
  }

  static async start(o: {
    answer: (invite: SipRequestIn, initial: boolean) => InviteAnswer;
    onAnswered: (invite: SipRequestIn, initial: boolean, sdp: string) => void;
    onBye: (callId: string) => void;
  }): Promise<FakeSofia> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new FakeSofia(socket, socket.address().port, o.answer, o.onAnswered, o.onBye);
  }

  /** Sends BYE in the dialog of `callId`; resolves with the final status (0 if no dialog). */
  bye(callId: string): Promise<number> {
    const d = this.dialogs.get(callId);
    if (!d) return Promise.resolve(0);
    this.dialogs.delete(callId);
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const cseq = ++d.cseq;
    const contact = /<([^>]+)>/.exec(d.invite.header('contact') ?? '')?.[1] ?? d.invite.uri;
    const text = [
      `BYE ${contact} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: ${d.invite.header('to') ?? ''};tag=${d.localTag}`,
      `To: ${d.invite.header('from') ?? ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} BYE`,
      'Content-Length: 0', '', '',
    ].join('\r\n');
    return new Promise<number>((resolve) => {
      this.pending.set(`${callId} ${cseq}`, resolve);
      this.socket.send(text, d.from.port, d.from.address);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(text: string, from: RemoteInfo): void {
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (status) return this.onResponse(text, Number(status[1]));
    const req = parseRequest(text);
    if (!req) return;
    this.requests.push(req);
    if (req.method === 'INVITE') this.onInvite(req, from);
    else if (req.method === 'BYE') {
      this.dialogs.delete(req.callId);
      this.respond(req, from, 200, '');
      this.onBye(req.callId);
    } else if (req.method !== 'ACK') {
      this.respond(req, from, 200, '');
    }
  }

  private onInvite(req: SipRequestIn, from: RemoteInfo): void {
    const key = `${req.callId} ${req.header('cseq') ?? ''}`;
    const prior = this.answered.get(key);
    if (prior) return this.respond(req, from, prior.status, prior.sdp, prior.tag); // a retransmission
    const existing = this.dialogs.get(req.callId);
    const a = this.answer(req, !existing);
    const d = existing ?? { invite: req, from, localTag: randomBytes(4).toString('hex'), cseq: 0 };
    if (a.status === 200 && !existing) this.dialogs.set(req.callId, d);
    this.answered.set(key, { status: a.status, sdp: a.sdp ?? '', tag: d.localTag });
    this.respond(req, from, a.status, a.sdp ?? '', d.localTag);
    if (a.status === 200) this.onAnswered(req, !existing, a.sdp ?? '');
  }

  private onResponse(text: string, status: number): void {
    if (status < 200) return;
    const req = parseHeaders(text);
    const cseq = /^(\d+)/.exec(req.get('cseq')?.[0] ?? '')?.[1];
    const key = `${req.get('call-id')?.[0] ?? ''} ${cseq ?? ''}`;
    this.pending.get(key)?.(status);
    this.pending.delete(key);
  }

  private respond(req: SipRequestIn, to: RemoteInfo, status: number, sdp: string, tag?: string): void {
    const toHeader = req.header('to') ?? '';
    const lines = [
      `SIP/2.0 ${status} ${REASONS[status] ?? 'Response'}`,
      ...(req.headers.get('via') ?? []).map((v) => `Via: ${v}`),
      `From: ${req.header('from') ?? ''}`,
      `To: ${tag && !/;tag=/.test(toHeader) ? `${toHeader};tag=${tag}` : toHeader}`,
      `Call-ID: ${req.callId}`,
      `CSeq: ${req.header('cseq') ?? ''}`,
      `Contact: <sip:mod_sofia@127.0.0.1:${this.port}>`,
      'Server: FakeSofia (linegate contract test)',
      ...(sdp ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
    ];
    this.socket.send(lines.join('\r\n'), to.port, to.address);
  }
}

function parseRequest(text: string): SipRequestIn | undefined {
  const start = /^([A-Z]+) (\S+) SIP\/2\.0\r\n/.exec(text);
  if (!start) return undefined;
  const headers = parseHeaders(text);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return {
    method: start[1] as string, uri: start[2] as string, callId: headers.get('call-id')?.[0] ?? '', headers, body,
    header: (name) => headers.get(name.toLowerCase())?.[0],
  };
}

const REASONS: Record<number, string> = { 200: 'OK', 486: 'Busy Here', 488: 'Not Acceptable Here', 500: 'Server Internal Error' };

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

function parseHeaders(text: string): Map<string, string[]> {
  const head = text.split('\r\n\r\n')[0] ?? '';
  const headers = new Map<string, string[]>();
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const raw = line.slice(0, i).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return headers;
}
