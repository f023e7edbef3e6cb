/**
 * A registered device's call over raw UDP, for the tests that need a device's INVITE to be
 * challenged (sipp cannot answer a Digest challenge on INVITE with a chosen password): the
 * INVITE answered 401 is ACKed and sent again with Digest (RFC 3261 §22.2), a 2xx is ACKed,
 * BYE ends the call; requests that arrive (a BYE from the far end, OPTIONS) are answered 200.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { FinalWaiters } from './final-waiters.js';
import { parseSip, type SipMessage } from './voicemail-phone.js';

/** An audio offer for tests whose call needs no real media. */
export const SILENT_OFFER = ['v=0', 'o=dev 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

export function statusOf(m: SipMessage): number {
  return Number(/^SIP\/2\.0 (\d{3})/.exec(m.start)?.[1] ?? 0);
}

export class DeviceCall {
  private readonly finals = new FinalWaiters();
  private readonly callId = `device-${randomBytes(6).toString('hex')}`;
  private readonly localTag = randomBytes(4).toString('hex');
  private remoteTag = '';
  private cseq = 0;

  private constructor(private readonly socket: Socket, private readonly enginePort: number, private readonly user: string) {
    socket.on('message', (buf) => this.onMessage(buf.toString('utf8')));
  }

  static async open(enginePort: number, user: string): Promise<DeviceCall> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new DeviceCall(s, enginePort, user);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** The final response to the authenticated INVITE (a 2xx is ACKed); the first must be a 401. */
  async invite(uri: string, password: string, sdp = SILENT_OFFER): Promise<SipMessage> {
    const branch = this.branch();
    const first = await this.send(this.request('INVITE', uri, branch, {}, sdp));
    assert.equal(statusOf(first), 401, `the device's INVITE is challenged: ${first.start}`);
    this.transmit(this.request('ACK', uri, branch, { To: first.get('To') ?? '' }, '', this.cseq));
    const auth = authorization(parseChallenge(first.get('WWW-Authenticate') ?? ''), { username: this.user, password, method: 'INVITE', uri });
    const final = await this.send(this.request('INVITE', uri, this.branch(), { Authorization: auth }, sdp), 10_000);
    if (statusOf(final) >= 200 && statusOf(final) < 300) {
      this.remoteTag = /;\s*tag=([^;\s]+)/.exec(final.get('To') ?? '')?.[1] ?? '';
      this.transmit(this.request('ACK', uri, this.branch(), {}, '', this.cseq));
    }
    return final;
  }

  async bye(uri: string): Promise<number> {
    return statusOf(await this.send(this.request('BYE', uri, this.branch(), {})));
  }

  private branch(): string {
    return `z9hG4bK${randomBytes(8).toString('hex')}`;
  }

  private request(method: string, uri: string, branch: string, extra: Record<string, string>, body = '', cseq = ++this.cseq): string {
    const headers: Record<string, string> = {
      Via: `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`, 'Max-Forwards': '70',
      From: `<sip:${this.user}@127.0.0.1>;tag=${this.localTag}`, To: this.remoteTag ? `<${uri}>;tag=${this.remoteTag}` : `<${uri}>`,
      'Call-ID': this.callId, CSeq: `${cseq} ${method}`, Contact: `<sip:${this.user}@127.0.0.1:${this.port}>`,
      ...(body ? { 'Content-Type': 'application/sdp' } : {}), ...extra, 'Content-Length': String(Buffer.byteLength(body)),
    };
    return [`${method} ${uri} SIP/2.0`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', body].join('\r\n');
  }

  private get port(): number {
    return this.socket.address().port;
  }

  private send(text: string, timeoutMs = 5000): Promise<SipMessage> {
    const key = /\r\nCSeq: (\d+ \w+)/.exec(text)?.[1] ?? '';
    return this.finals.wait(key, key, timeoutMs, () => this.transmit(text));
  }

  private transmit(text: string): void {
    this.socket.send(Buffer.from(text), this.enginePort, '127.0.0.1');
  }

  private onMessage(text: string): void {
    const m = parseSip(text);
    if (!m.start.startsWith('SIP/2.0 ')) {
      if (!m.start.startsWith('ACK ')) this.transmit(okFor(m));
      return;
    }
    if (statusOf(m) < 200) return;
    const key = (m.get('CSeq') ?? '').replace(/\s+/, ' ');
    this.finals.deliver(key, m);
  }
}

/** 200 to a request: its Via, From, To, Call-ID and CSeq. */
function okFor(req: SipMessage): string {
  const all = (name: string): string[] => req.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([n, v]) => `${n}: ${v}`);
  return ['SIP/2.0 200 OK', ...all('Via'), ...all('From'), ...all('To'), ...all('Call-ID'), ...all('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
}
