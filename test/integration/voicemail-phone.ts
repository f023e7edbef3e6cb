/**
 * A raw UDP SIP phone on 127.0.0.1 for the voicemail tests, doing what sipp scenarios make
 * awkward: Digest-authenticated SUBSCRIBE (message-summary) and REGISTER, keeping every
 * NOTIFY it receives (answered 200), an INVITE with an RTP peer's SDP (2xx ACKed; a 401
 * ACKed and answered with Digest), keys sent as SIP INFO, BYE in either direction, and an
 * in-dialog unsubscribe. Every request goes to the engine's UDP port.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { FinalWaiters } from './final-waiters.js';

export interface SipMessage {
  readonly start: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  get(name: string): string | undefined;
}

export interface Notify {
  readonly inDialog: boolean;
  readonly subscriptionState: string | undefined;
  readonly body: string;
  readonly message: SipMessage;
}

interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  remoteTarget: string;
  cseq: number;
}

export function parseSip(text: string): SipMessage {
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const [start = '', ...lines] = head.split('\r\n');
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as const;
  });
  const compact: Record<string, string> = { i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', c: 'content-type', e: 'content-encoding', l: 'content-length', o: 'event' };
  const full = (n: string): string => compact[n.toLowerCase()] ?? n.toLowerCase();
  return {
    start, headers, body: split >= 0 ? text.slice(split + 4) : '',
    get: (name) => headers.find(([n]) => full(n) === name.toLowerCase())?.[1],
  };
}

const tag = (): string => randomBytes(4).toString('hex');
const uriOf = (nameAddr: string): string => /<([^>]+)>/.exec(nameAddr)?.[1] ?? nameAddr.split(';')[0]!;

export class VoicemailPhone {
  readonly notifies: Notify[] = [];
  readonly byes: string[] = [];
  private readonly finals = new FinalWaiters();
  private subscription: Dialog | undefined;
  private call: Dialog | undefined;

  private constructor(private readonly socket: Socket, readonly port: number, private readonly enginePort: number, private readonly user: string, private readonly password: string) {
    socket.on('message', (buf) => this.onMessage(buf.toString('utf8')));
  }

  static async open(enginePort: number, user: string, password: string): Promise<VoicemailPhone> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new VoicemailPhone(s, s.address().port, enginePort, user, password);
  }

  get contact(): string {
    return `sip:${this.user}@127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** REGISTER (Digest) for `expiresS`. */
  async register(domain: string, expiresS = 600): Promise<number> {
    const d = { callId: `reg-${tag()}`, localTag: tag(), remoteTag: '', remoteTarget: `sip:${domain}`, cseq: 0 };
    const r = await this.authed('REGISTER', `sip:${domain}`, d, { To: `<sip:${this.user}@${domain}>`, Contact: `<${this.contact}>`, Expires: String(expiresS) });
    return status(r);
  }

  /** SUBSCRIBE message-summary (Digest); resolves with the final status. */
  async subscribe(domain: string, expiresS: number): Promise<number> {
    const d: Dialog = { callId: `sub-${tag()}`, localTag: tag(), remoteTag: '', remoteTarget: `sip:${this.user}@${domain}`, cseq: 0 };
    const r = await this.authed('SUBSCRIBE', d.remoteTarget, d, {
      To: `<sip:${this.user}@${domain}>`, Contact: `<${this.contact}>`, Event: 'message-summary',
      Accept: 'application/simple-message-summary', Expires: String(expiresS),
    });
    d.remoteTag = /;\s*tag=([^;\s]+)/.exec(r.get('To') ?? '')?.[1] ?? '';
    d.remoteTarget = uriOf(r.get('Contact') ?? '') || d.remoteTarget;
    this.subscription = d;
    return status(r);
  }

  /** In-dialog SUBSCRIBE with Expires: 0. */
  async unsubscribe(): Promise<number> {
    const d = this.subscription;
    if (!d) throw new Error('not subscribed');
    d.cseq++;
    const r = await this.send(this.request('SUBSCRIBE', d.remoteTarget, d, { Event: 'message-summary', Expires: '0', Contact: `<${this.contact}>` }), d);
    return status(r);
  }

  /**
   * INVITE with `sdp`; resolves with the answer once the 200 is ACKed. A 401 (a device's
   * call) is ACKed and the INVITE sent again with Digest, when the phone has a password
   * (RFC 3261 §22.2; the ACK of a non-2xx reuses the INVITE's branch, §17.1.1.3).
   */
  async invite(target: string, fromUser: string, sdp: string): Promise<string> {
    const d: Dialog = { callId: `call-${tag()}`, localTag: tag(), remoteTag: '', remoteTarget: target, cseq: 1 };
    const from = `<sip:${fromUser}@127.0.0.1>;tag=${d.localTag}`;
    const headers = { From: from, To: `<${target}>`, Contact: `<sip:${fromUser}@127.0.0.1:${this.port}>`, 'Content-Type': 'application/sdp' };
    const via = `SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${tag()}${tag()};rport`;
    let r = await this.send(this.request('INVITE', target, d, { Via: via, ...headers }, sdp), d, 10_000);
    if (status(r) === 401 && this.password !== '') {
      this.transmit(this.request('ACK', target, d, { Via: via, From: from, To: r.get('To') ?? `<${target}>` }));
      const auth = authorization(parseChallenge(r.get('WWW-Authenticate') ?? ''), { username: this.user, password: this.password, method: 'INVITE', uri: target });
      d.cseq++;
      r = await this.send(this.request('INVITE', target, d, { ...headers, Authorization: auth }, sdp), d, 10_000);
    }
    if (status(r) !== 200) throw new Error(`INVITE answered ${r.start}`);
    d.remoteTag = /;\s*tag=([^;\s]+)/.exec(r.get('To') ?? '')?.[1] ?? '';
    d.remoteTarget = uriOf(r.get('Contact') ?? target);
    this.call = d;
    this.transmit(this.request('ACK', d.remoteTarget, d, { From: `<sip:${fromUser}@127.0.0.1>;tag=${d.localTag}`, To: `<${target}>;tag=${d.remoteTag}` }));
    return r.body;
  }

  /** An in-dialog INFO on the call (a key as application/dtmf-relay or application/dtmf); resolves with its status. */
  async info(contentType: string, body: string, headers: Record<string, string> = {}): Promise<number> {
    const d = this.call;
    if (!d) throw new Error('no call');
    d.cseq++;
    return status(await this.send(this.request('INFO', d.remoteTarget, d, { 'Content-Type': contentType, ...headers }, body), d));
  }

  async bye(): Promise<number> {
    const d = this.call;
    if (!d) throw new Error('no call');
    d.cseq++;
    return status(await this.send(this.request('BYE', d.remoteTarget, d, {}), d));
  }

  /** NOTIFYs whose body says Messages-Waiting: yes|no, in order. */
  waitingStates(): string[] {
    return this.notifies.map((n) => /Messages-Waiting:\s*(\w+)/i.exec(n.body)?.[1]?.toLowerCase() ?? '?');
  }

  private async authed(method: string, uri: string, d: Dialog, headers: Record<string, string>): Promise<SipMessage> {
    d.cseq++;
    const first = await this.send(this.request(method, uri, d, headers), d);
    if (status(first) !== 401) return first;
    const challenge = parseChallenge(first.get('WWW-Authenticate') ?? '');
    d.cseq++;
    const auth = authorization(challenge, { username: this.user, password: this.password, method, uri });
    return this.send(this.request(method, uri, d, { ...headers, Authorization: auth }), d);
  }

  private request(method: string, uri: string, d: Dialog, headers: Record<string, string>, body = ''): string {
    const cseq = method === 'ACK' ? d.cseq : d.cseq;
    const base: Record<string, string> = {
      Via: `SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${tag()}${tag()};rport`,
      'Max-Forwards': '70',
      From: `<sip:${this.user}@127.0.0.1>;tag=${d.localTag}`,
      To: d.remoteTag ? `<${uri}>;tag=${d.remoteTag}` : `<${uri}>`,
      'Call-ID': d.callId,
      CSeq: `${cseq} ${method}`,
      ...headers,
      'Content-Length': String(Buffer.byteLength(body)),
    };
    return [`${method} ${uri} SIP/2.0`, ...Object.entries(base).map(([k, v]) => `${k}: ${v}`), '', body].join('\r\n');
  }

  private send(text: string, d: Dialog, timeoutMs = 5000): Promise<SipMessage> {
    const method = /^(\S+)/.exec(text)![1]!;
    const key = `${d.callId} ${d.cseq} ${method}`;
    return this.finals.wait(key, `${method} (${key})`, timeoutMs, () => this.transmit(text));
  }

  private transmit(text: string): void {
    this.socket.send(Buffer.from(text), this.enginePort, '127.0.0.1');
  }

  private onMessage(text: string): void {
    const m = parseSip(text);
    if (m.start.startsWith('SIP/2.0 ')) {
      if (status(m) < 200) return;
      const [n, method] = (m.get('CSeq') ?? '').split(/\s+/);
      const key = `${m.get('Call-ID')} ${n} ${method}`;
      this.finals.deliver(key, m);
      return;
    }
    const method = m.start.split(' ')[0];
    if (method === 'ACK') return;
    if (method === 'NOTIFY') {
      const inDialog = m.get('Call-ID') === this.subscription?.callId;
      if (!this.notifies.some((x) => x.message.get('CSeq') === m.get('CSeq') && x.message.get('Call-ID') === m.get('Call-ID'))) {
        this.notifies.push({ inDialog, subscriptionState: m.get('Subscription-State'), body: m.body, message: m });
      }
    }
    if (method === 'BYE') this.byes.push(m.get('Call-ID') ?? '');
    this.transmit(okFor(m));
  }
}

function status(m: SipMessage): number {
  return Number(/^SIP\/2\.0 (\d{3})/.exec(m.start)?.[1] ?? 0);
}

function okFor(req: SipMessage): string {
  const all = (name: string): string[] => req.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([n, v]) => `${n}: ${v}`);
  const to = req.get('To') ?? '';
  const toLine = /;\s*tag=/i.test(to) ? `To: ${to}` : `To: ${to};tag=${tag()}`;
  return ['SIP/2.0 200 OK', ...all('Via'), ...all('From'), toLine, ...all('Call-ID'), ...all('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
}
