/**
 * Admission control through what `linegate run` starts (startLineGate on a temp copy of
 * dialplans/example.yaml, overload section left to its defaults), the lag source injected
 * through LineGateOptions.lagSource: it reports a lag far over enterLagMs, so the guard
 * enters overload at its first 500 ms window on the real clock (no CPU is burnt).
 *
 * While overloaded: bob's phone still registers (REGISTER is never refused); a carrier call
 * to bob gets 503 + Retry-After: 5; bob's phone dials 911 (Digest-authenticated like any
 * device call) and the emergency trunk gets it with the PIDF-LO; the metrics say so.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/run-overload.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { LagReading, LagSource } from '../../src/b2bua/call/index.js';
import { createRegistry } from '../../src/observability/index.js';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { demoPassword, useExampleApp } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { parseSip, VoicemailPhone, type SipMessage } from './voicemail-phone.js';

class HighLag implements LagSource {
  closed = false;
  read(): LagReading {
    return { meanMs: 400, maxMs: 900 };
  }
  close(): void {
    this.closed = true;
  }
}

const SDP = ['v=0', 'o=dev 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** A device's call over raw UDP: INVITE, 401, ACK, INVITE with Digest (RFC 3261 §22.2), 2xx ACKed, BYE. */
class DigestCall {
  private readonly waiting = new Map<string, (m: SipMessage) => void>();
  private readonly callId = `ov-${randomBytes(6).toString('hex')}`;
  private readonly tag = randomBytes(4).toString('hex');
  private remoteTag = '';
  private cseq = 0;

  private constructor(private readonly socket: Socket, private readonly enginePort: number, private readonly user: string) {
    socket.on('message', (buf) => {
      const m = parseSip(buf.toString('utf8'));
      if (!m.start.startsWith('SIP/2.0 ') || Number(m.start.split(' ')[1]) < 200) return;
      const key = m.get('CSeq') ?? '';
      this.waiting.get(key)?.(m);
      this.waiting.delete(key);
    });
  }

  static async open(enginePort: number, user: string): Promise<DigestCall> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new DigestCall(s, enginePort, user);
  }

  /** Resolves with the final status of the authenticated INVITE (a 2xx is ACKed). */
  async invite(uri: string, password: string): Promise<number> {
    const first = await this.send(this.request('INVITE', uri, { }, SDP));
    assert.equal(status(first), 401, first.start);
    this.transmit(this.request('ACK', uri, { To: first.get('To') ?? '' }, '', this.cseq));
    const auth = authorization(parseChallenge(first.get('WWW-Authenticate') ?? ''), { username: this.user, password, method: 'INVITE', uri });
    const final = await this.send(this.request('INVITE', uri, { Authorization: auth }, SDP), 10_000);
    if (status(final) === 200) {
      this.remoteTag = /;\s*tag=([^;\s]+)/.exec(final.get('To') ?? '')?.[1] ?? '';
      this.transmit(this.request('ACK', uri, {}, '', this.cseq));
    }
    return status(final);
  }

  async bye(uri: string): Promise<number> {
    return status(await this.send(this.request('BYE', uri, {})));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private request(method: string, uri: string, extra: Record<string, string>, body = '', cseq = ++this.cseq): string {
    const port = this.socket.address().port;
    const headers: Record<string, string> = {
      Via: `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`, 'Max-Forwards': '70',
      From: `<sip:${this.user}@127.0.0.1>;tag=${this.tag}`, To: this.remoteTag ? `<${uri}>;tag=${this.remoteTag}` : `<${uri}>`,
      'Call-ID': this.callId, CSeq: `${cseq} ${method}`, Contact: `<sip:${this.user}@127.0.0.1:${port}>`,
      ...(body ? { 'Content-Type': 'application/sdp' } : {}), ...extra, 'Content-Length': String(Buffer.byteLength(body)),
    };
    return [`${method} ${uri} SIP/2.0`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', body].join('\r\n');
  }

  private send(text: string, timeoutMs = 5000): Promise<SipMessage> {
    const key = /\r\nCSeq: (\d+ \w+)/.exec(text)?.[1] ?? '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no final response to ${key}`));
      }, timeoutMs);
      this.waiting.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.transmit(text);
    });
  }

  private transmit(text: string): void {
    this.socket.send(Buffer.from(text), this.enginePort, '127.0.0.1');
  }
}

function status(m: SipMessage): number {
  return Number(m.start.split(' ')[1]);
}

function carrierInvite(client: UdpSipClient, sipPort: number): string {
  const uri = `sip:+14155550101@127.0.0.1:${sipPort}`;
  return [
    `INVITE ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-carrier-${client.port};rport`, 'Max-Forwards: 70',
    'From: <sip:+14155550177@127.0.0.1>;tag=carrier', `To: <${uri}>`, `Call-ID: carrier-${client.port}@127.0.0.1`, 'CSeq: 1 INVITE',
    `Contact: <sip:+14155550177@127.0.0.1:${client.port}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(SDP)}`, '', SDP,
  ].join('\r\n');
}

describe('linegate run: overload (lag source injected through startLineGate)', function () {
  this.timeout(30_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const example = useExampleApp(() => bed(), 'run-overload');
  const { closers } = example;
  const bed = useTestBed();

  it('REGISTER passes, a carrier call gets 503 + Retry-After, bob\'s 911 reaches the emergency trunk; metrics follow', async () => {
    const trunk = await bed().sipp({ scenario: 'b2bua-uas-expect-pidf-lo-answer.xml' });
    const registry = createRegistry();
    const lag = new HighLag();
    const { app, sipPort } = await example.start({
      registry, lagSource: lag,
      edit: (yaml) => {
        const edited = yaml.replace('uri: sip:127.0.0.1:5080', `uri: sip:127.0.0.1:${trunk.port}`);
        assert.ok(edited.includes(`sip:127.0.0.1:${trunk.port}`) && !/^overload:/m.test(edited), 'the trunk is the sipp UAS; overload is the default');
        return edited;
      },
    });
    assert.deepEqual(app.dialplan.overload, { enabled: true, enterLagMs: 150, leaveLagMs: 50, retryAfterS: 5 });
    let metrics = '';
    await until(() => /^linegate_overloaded 1$/m.test(metrics), 3000, 'linegate_overloaded 1', async () => { metrics = await registry.metrics(); });

    const phone = await VoicemailPhone.open(sipPort, 'bob', demoPassword('bob'));
    closers.push(() => phone.close());
    assert.equal(await phone.register('127.0.0.1'), 200, 'REGISTER is never refused for overload');

    const carrier = await UdpSipClient.open();
    closers.push(() => carrier.close());
    const refused = await carrier.request(carrierInvite(carrier, sipPort), sipPort);
    assert.equal(`${refused.status} ${refused.reason}`, '503 Service Unavailable (overload)');
    assert.deepEqual(refused.all('Retry-After'), ['5']);

    const device = await DigestCall.open(sipPort, 'bob');
    closers.push(() => device.close());
    const uri = 'sip:911@127.0.0.1';
    assert.equal(await device.invite(uri, demoPassword('bob')), 200, 'the emergency trunk answered');
    assert.equal(await device.bye(uri), 200);
    const run = await trunk.done;
    assert.equal(run.code, 0, run.output);

    metrics = await registry.metrics();
    assert.match(metrics, /^linegate_overloaded 1$/m);
    assert.match(metrics, /^linegate_calls_refused_overload_total 1$/m);
    assert.match(metrics, /^linegate_event_loop_lag_seconds 0\.4$/m);
    assert.match(metrics, /^linegate_call_decisions_total\{decision="reject-overload"\} 1$/m);
    assert.match(metrics, /^linegate_call_decisions_total\{decision="emergency"\} 1$/m);
    await app.close(); // before the test ends: afterEach's close() is then a no-op (idempotent)
    assert.equal(lag.closed, true, 'close() closes the guard and its source');
  });
});
