/**
 * Issue #5, voicemail retrieval by phone through the whole app: startLineGate on a temp copy
 * of dialplans/example.yaml (prompts and RTP ports changed), the engine from the TestBed,
 * the control API on port 0, LINEGATE_CRM=off.
 *
 * bob's phone registers and subscribes to message-summary; with DND on, a carrier caller
 * (raw SIP + RtpPeer) leaves three known tones. Then bob's device dials the dialplan's
 * retrievalCode (`*98`), Digest-authenticated like any call from a device: it hears "You
 * have 1 new message" (each prompt found in what it received by cross-correlation), presses
 * 1 (RFC 4733), and hears the message's tones in order; message waiting then goes to `no`.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-retrieval.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crossCorrelate } from '../../src/media/dsp/index.js';
import { readWav, resample } from '../../src/media/wav/index.js';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { controlApi, demoPassword, useExampleApp, usePrompts, type StartedExampleApp } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { awaitQuiet, awaitToneThenQuiet, knownSignal, signalToneRuns, SIGNAL_TONES } from './voicemail-bed.js';
import { parseSip, VoicemailPhone, type SipMessage } from './voicemail-phone.js';

/** A prompt of this run as 8 kHz mono PCM. */
function prompt(dir: string, name: string): Int16Array {
  const wav = readWav(readFileSync(path.join(dir, `${name}.wav`)));
  if (!wav.ok) throw new Error(`${name}.wav: ${wav.reason}`);
  const mono = wav.channels > 1 ? wav.samples.filter((_s, i) => i % wav.channels === 0) : wav.samples;
  return wav.sampleRate === 8000 ? mono : resample(mono, wav.sampleRate, 8000);
}

/**
 * A device's call over raw UDP: INVITE answered 401 is ACKed and sent again with Digest
 * (RFC 3261 §22.2), the 2xx is ACKed, BYE ends it; requests that arrive are answered 200.
 */
class DeviceCall {
  private readonly waiting = new Map<string, (m: SipMessage) => void>();
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

  /** Resolves with the answer SDP once the 200 is ACKed. */
  async invite(uri: string, secret: string, sdp: string): Promise<string> {
    const branch = this.branch();
    const first = await this.send(this.request('INVITE', uri, branch, {}, sdp));
    assert.equal(status(first), 401, `the device's INVITE is challenged: ${first.start}`);
    this.transmit(this.request('ACK', uri, branch, { To: first.get('To') ?? '' }, '', this.cseq));
    const auth = authorization(parseChallenge(first.get('WWW-Authenticate') ?? ''), { username: this.user, password: secret, method: 'INVITE', uri });
    const ok = await this.send(this.request('INVITE', uri, this.branch(), { Authorization: auth }, sdp), 10_000);
    assert.equal(status(ok), 200, `INVITE ${uri} answered ${ok.start}`);
    this.remoteTag = /;\s*tag=([^;\s]+)/.exec(ok.get('To') ?? '')?.[1] ?? '';
    this.transmit(this.request('ACK', uri, this.branch(), {}, '', this.cseq));
    return ok.body;
  }

  async bye(uri: string): Promise<number> {
    return status(await this.send(this.request('BYE', uri, this.branch(), {})));
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
    const key = /\r\nCSeq: (\d+ \w+)/.exec(text)![1]!;
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

  private onMessage(text: string): void {
    const m = parseSip(text);
    if (!m.start.startsWith('SIP/2.0 ')) {
      if (!m.start.startsWith('ACK ')) this.transmit(okFor(m));
      return;
    }
    if (status(m) < 200) return;
    const key = (m.get('CSeq') ?? '').replace(/\s+/, ' ');
    this.waiting.get(key)?.(m);
    this.waiting.delete(key);
  }
}

function status(m: SipMessage): number {
  return Number(/^SIP\/2\.0 (\d{3})/.exec(m.start)?.[1] ?? 0);
}

function okFor(req: SipMessage): string {
  const all = (name: string): string[] => req.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([n, v]) => `${n}: ${v}`);
  return ['SIP/2.0 200 OK', ...all('Via'), ...all('From'), ...all('To'), ...all('Call-ID'), ...all('CSeq'), 'Content-Length: 0', '', ''].join('\r\n');
}

describe('b2bua: voicemail retrieval (*98) from a registered device through `linegate run` (issue #5)', function () {
  this.timeout(50_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const run = useExampleApp(() => bed(), 'media-retrieval');
  const { closers } = run;
  const prompts = usePrompts('media-retrieval');
  const bed = useTestBed();

  async function startApp(): Promise<StartedExampleApp & { retrievalCode: string }> {
    const started = await run.start({ promptsDir: prompts() });
    const vm = started.app.dialplan.voicemail;
    const retrievalCode = vm?.service === 'internal' ? vm.retrievalCode : undefined;
    assert.equal(retrievalCode, '*98', 'the example\'s retrieval code');
    return { ...started, retrievalCode };
  }

  function api(method: string, urlPath: string, body?: unknown): Promise<Response> {
    const app = run.current();
    assert.ok(app, 'the app is started');
    return controlApi(app, method, urlPath, body);
  }

  async function opened<T extends { close(): Promise<void> }>(x: Promise<T>): Promise<T> {
    const it = await x;
    closers.push(() => it.close());
    return it;
  }

  it('bob dials *98: hears "You have 1 new message", presses 1, hears the message\'s tones; MWI goes to no', async () => {
    const { sipPort, retrievalCode } = await startApp();
    const bob = await opened(VoicemailPhone.open(sipPort, 'bob', demoPassword('bob')));
    assert.equal(await bob.register('127.0.0.1'), 200);
    const subscribed = await bob.subscribe('127.0.0.1', 600);
    assert.ok(subscribed === 200 || subscribed === 202, `SUBSCRIBE answered ${subscribed}`);
    const dnd = await api('PUT', '/users/bob/dnd', { enabled: true, version: 0 });
    assert.equal(dnd.status, 200, await dnd.clone().text());

    // A carrier caller leaves the known signal.
    const callerPeer = await opened(RtpPeer.start());
    const caller = await opened(VoicemailPhone.open(sipPort, 'carrier', ''));
    const t0 = performance.now();
    callerPeer.useRemoteSdp(await caller.invite(`sip:+14155550101@127.0.0.1:${sipPort}`, '+14155550177', callerPeer.sdp()));
    await awaitToneThenQuiet(callerPeer, 1000, t0);
    await callerPeer.sendPcm(knownSignal());
    assert.equal(await caller.bye(), 200);
    await until(() => bob.waitingStates().at(-1) === 'yes', 10_000, 'NOTIFY Messages-Waiting: yes');

    // bob's device calls its mailbox: no PIN, the INVITE's Digest says who it is.
    const peer = await opened(RtpPeer.start());
    const device = await opened(DeviceCall.open(sipPort, 'bob'));
    const uri = `sip:${retrievalCode}@127.0.0.1`;
    const answeredAt = performance.now();
    peer.useRemoteSdp(await device.invite(uri, demoPassword('bob'), peer.sdp()));
    const count = ['you-have', 'digit-1', 'new-message'].map((name) => ({ name, pcm: prompt(prompts(), name) }));
    const countMs = count.reduce((n, p) => n + p.pcm.length / 8, 0);
    await until(() => peer.receivedPcm(answeredAt).length >= (countMs + 300) * 8, 10_000, 'the count prompt');
    const heardCount = peer.receivedPcm(answeredAt).subarray(0, (countMs + 1500) * 8);
    let lastLag = -Infinity;
    for (const p of count) {
      const match = crossCorrelate(p.pcm, heardCount, heardCount.length);
      assert.ok(match.coefficient > 0.8, `"${p.name}" heard (correlation ${match.coefficient.toFixed(2)} at ${match.lag})`);
      assert.ok(match.lag > lastLag, `"${p.name}" after the prompt before it`);
      lastLag = match.lag;
    }

    const pressed = performance.now();
    await peer.sendDigits('1');
    await until(() => signalToneRuns(peer.receivedPcm(pressed)).length >= 3, 15_000, 'the message played back');
    await awaitQuiet(peer, 150, 3000).catch(() => undefined); // the menu prompt may follow at once
    const heard = peer.receivedPcm(pressed);
    assert.deepEqual(signalToneRuns(heard).slice(0, 3), [...SIGNAL_TONES], 'the deposited tones, in order');
    const match = crossCorrelate(knownSignal(), heard, Math.min(heard.length, 8000 * 4));
    assert.ok(match.coefficient > 0.9, `the message itself (correlation ${match.coefficient.toFixed(3)} at ${match.lag})`);

    await until(() => bob.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no');
    const listed = (await (await api('GET', '/users/bob/voicemail')).json()) as { new: number; old: number };
    assert.deepEqual([listed.new, listed.old], [0, 1]);
    assert.equal(await device.bye(uri), 200);
  });
});
