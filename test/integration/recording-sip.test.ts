/**
 * A recorded call through SIP: a small drachtio-srf B2BUA on the embedded engine anchors a
 * call's media with MediaAnchor exactly where the CallShell hooks go (docs/recording.md):
 *   INVITE in → MediaAnchor.create(offer) → createUAC(callee, localSdp: offerToCallee)
 *   → answerFromCallee(200's SDP) → createUAS(localSdp: A's answer) → callAnswered(...)
 *   re-INVITE from either side → callerOffered / calleeOffered (answered at the anchor)
 *   BYE → callEnded(callId), then anchor.close().
 * The caller and the callee are srf user agents on engines of their own, with RtpPeers
 * sending real RTP (440 Hz from the caller, 1 kHz from the callee). Judged by signal.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/recording-sip.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Srf from 'drachtio-srf';
import pino from 'pino';
import { MediaAnchor, RecordingService, type RecordingAvailableEvent } from '../../src/b2bua/recording/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort } from '../../src/media/embedded/index.js';
import { encodeWav, readWav } from '../../src/media/wav/index.js';
import { systemClock } from '../../src/shared/index.js';
import { RtpPeer, runtimePortRange } from '../helpers/rtp-peer.js';
import { sleep } from '../helpers/until.js';
import { until, useTestBed, withTimeout } from './test-bed.js';

const CONSENT_HZ = 2000;

function toneShare(samples: Int16Array, freqHz: number, rate = 8000): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freqHz) / rate);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as number;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return total > 0 ? (2 * power) / (samples.length * total) : 0;
}

/** Median tone share over 100 ms windows: robust to one late packet on a loaded machine. */
function medianShare(x: Int16Array, freqHz: number): number {
  const shares: number[] = [];
  for (let i = 0; i + 800 <= x.length; i += 800) shares.push(toneShare(x.subarray(i, i + 800), freqHz));
  shares.sort((a, b) => a - b);
  return shares[Math.floor(shares.length / 2)] ?? 0;
}

function channel(interleaved: Int16Array, c: number): Int16Array {
  return interleaved.filter((_s, i) => i % 2 === c);
}

/** Only the loud part of a channel (100 ms windows above a floor). */
function loudPart(x: Int16Array): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0; i + 800 <= x.length; i += 800) {
    const w = x.subarray(i, i + 800);
    if (w.some((v) => Math.abs(v) > 3000)) parts.push(w);
  }
  const out = new Int16Array(parts.length * 800);
  parts.forEach((p, i) => out.set(p, i * 800));
  return out;
}

/** What the B2BUA app saw. */
interface AppLog {
  calls: { callId: string; anchor: MediaAnchor }[];
  reinvitesAnswered: ('caller' | 'callee')[];
  failures: string[];
  ended: string[];
}

describe('recording through SIP: srf B2BUA on the embedded engine, MediaAnchor, real RTP (integration)', function () {
  this.timeout(30_000);
  const bed = useTestBed();
  let dir: string;
  let media: EmbeddedMediaPort;
  let recordings: RecordingService;
  let events: CallEvent[];
  const peers: RtpPeer[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-recording-sip-'));
    media = new EmbeddedMediaPort({ portRange: runtimePortRange() });
    events = [];
    const consent = join(dir, 'consent.wav');
    await writeFile(consent, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(CONSENT_HZ, 400) }));
    const lastSeq = new Map<string, number>();
    recordings = new RecordingService({
      clock: systemClock, logger: pino({ level: 'silent' }),
      events: { append: async (e) => void events.push(e) },
      sequence: { next: async (id) => { const n = (lastSeq.get(id) ?? 4) + 1; lastSeq.set(id, n); return n; } },
      users: [{ id: 'alice', recording: 'always' }], dir: join(dir, 'recordings'), consentPrompt: consent,
    });
  });

  afterEach(async () => {
    await recordings.close();
    await media.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });

  /** The B2BUA under test: the CallShell's hook points, in the same order. */
  async function b2buaApp(calleeUri: () => string): Promise<{ udp: string; log: AppLog }> {
    const eut = await bed().startEngine();
    const log: AppLog = { calls: [], reinvitesAnswered: [], failures: [], ended: [] };
    await bed().connectApp(eut, (srf) => {
      srf.invite((req, res) => {
        void (async () => {
          const callId = req.get('Call-ID') as string;
          // Hook 1 (CallShell.onInvite, before the legs go out): the offer every leg gets.
          const anchor = await MediaAnchor.create(media, req.body || undefined);
          const uac = await srf.createUAC(calleeUri(), { localSdp: anchor.offerToCallee });
          // Hook 2 (CallSession.bridge): the caller's 200 carries A's answer, not the callee's.
          const forCaller = await anchor.answerFromCallee(uac.remote.sdp);
          const uas = await srf.createUAS(req, res, { localSdp: forCaller });
          log.calls.push({ callId, anchor });
          // Hook 3 (once bridged): the recording policy runs.
          void recordings.callAnswered({ callId, userIds: ['alice'], media: anchor });
          // Hook 4 (BridgeRelay): re-offers are answered at the anchor, not relayed.
          const answerAt = (d: Srf.Dialog, side: 'caller' | 'callee', answer: (sdp: string) => Promise<string>): void => {
            d.on('modify', (r: Srf.SrfRequest, s: Srf.SrfResponse) => {
              answer(r.body ?? '').then((sdp) => {
                log.reinvitesAnswered.push(side);
                s.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } });
              }, () => s.send(488));
            });
          };
          answerAt(uas, 'caller', (sdp) => anchor.callerOffered(sdp));
          answerAt(uac, 'callee', (sdp) => anchor.calleeOffered(sdp));
          // Hook 5 (the call settled): recording ends, then the media goes.
          const end = (): void => {
            log.ended.push(callId);
            void recordings.callEnded(callId).finally(() => anchor.close());
          };
          uas.on('destroy', () => { end(); void uac.destroy(); });
          uac.on('destroy', () => { end(); void uas.destroy(); });
        })().catch((err: unknown) => {
          log.failures.push(String(err));
          if (!res.finalResponseSent) res.send(500);
        });
      });
    });
    return { udp: eut.udp, log };
  }

  it('caller on the left, callee on the right, re-INVITE answered at the anchor, recording.available after BYE', async () => {
    const callerPeer = await RtpPeer.start({ codec: 'PCMU' });
    const calleePeer = await RtpPeer.start({ codec: 'PCMA' });
    peers.push(callerPeer, calleePeer);

    // The callee: an srf UAS on an engine of its own, answering with its RtpPeer's SDP.
    const calleeEngine = await bed().startEngine();
    const calleeDialogs: Srf.Dialog[] = [];
    let calleeReinvites = 0;
    await bed().connectApp(calleeEngine, (srf) => {
      srf.invite((req, res) => {
        calleePeer.useRemoteSdp(req.body);
        void srf.createUAS(req, res, { localSdp: calleePeer.sdp() }).then((d) => {
          calleeDialogs.push(d);
          d.on('modify', (_r: Srf.SrfRequest, s: Srf.SrfResponse) => { calleeReinvites++; s.send(200, { body: calleePeer.sdp() }); });
        });
      });
    });
    const app = await b2buaApp(() => `sip:desk@${calleeEngine.udp}`);

    // The caller: an srf UAC on a third engine.
    const callerEngine = await bed().startEngine();
    const callerSrf = await bed().connectApp(callerEngine, () => undefined);
    const invitedAt = performance.now();
    const dialog = await withTimeout(
      callerSrf.createUAC(`sip:+14155550100@${app.udp}`, { localSdp: callerPeer.sdp() }), 5000, 'the call was not answered');
    callerPeer.useRemoteSdp(dialog.remote.sdp);
    assert.equal(app.log.calls.length, 1, app.log.failures.join('\n'));
    const { callId, anchor } = app.log.calls[0]!;
    assert.equal(dialog.remote.sdp, anchor.caller.localSdp, 'the caller talks to A');
    assert.notEqual(dialog.remote.sdp, calleePeer.sdp(), 'not to the callee: media is anchored');

    // The consent announcement, then the recording.
    await until(() => recordings.state(callId) === 'recording', 3000, 'the recording to start');
    const consentHeard = (p: RtpPeer): Int16Array => p.receivedPcm(invitedAt);
    assert.ok(toneShare(consentHeard(callerPeer), CONSENT_HZ) > 0.8, 'the caller heard the notice');
    assert.ok(toneShare(consentHeard(calleePeer), CONSENT_HZ) > 0.8, 'the callee heard the notice');

    const t0 = performance.now();
    await Promise.all([callerPeer.sendTone(440, 1000), calleePeer.sendTone(1000, 1000)]);
    // A re-INVITE from the caller (a session refresh with the same offer) is answered by A.
    const refreshed = await withTimeout(dialog.modify(callerPeer.sdp()), 3000, 'no answer to the re-INVITE');
    assert.equal(refreshed.length > 0, true);
    assert.deepEqual(app.log.reinvitesAnswered, ['caller']);
    assert.equal(calleeReinvites, 0, 'the callee never saw it');
    // Media still flows after the re-INVITE.
    const t1 = performance.now();
    await Promise.all([callerPeer.sendTone(440, 600), calleePeer.sendTone(1000, 600)]);
    await sleep(60);
    const heardByCallee = calleePeer.receivedPcm(t0);
    const heardByCaller = callerPeer.receivedPcm(t0);
    const heardByCalleeAfter = calleePeer.receivedPcm(t1);

    await dialog.destroy(); // BYE from the caller
    await until(() => events.length === 1, 5000, 'recording.available');
    await until(() => calleeDialogs.length === 1 && media.activeEndpoints === 0, 3000, 'the call torn down');

    assert.ok(medianShare(heardByCallee, 440) > 0.9, `the callee heard the caller (${medianShare(heardByCallee, 440)})`);
    assert.ok(medianShare(heardByCaller, 1000) > 0.9, `the caller heard the callee (${medianShare(heardByCaller, 1000)})`);
    assert.ok(medianShare(heardByCalleeAfter, 440) > 0.9, 'still after the re-INVITE');

    const ev = events[0] as RecordingAvailableEvent;
    assert.equal(ev.type, 'recording.available');
    assert.equal(ev.callId, callId);
    assert.equal(ev.seq, 5);
    assert.equal(ev.layout, 'caller-left,callee-right');
    const wav = readWav(await readFile(ev.path));
    assert.ok(wav.ok);
    assert.equal(wav.channels, 2);
    const left = loudPart(channel(wav.samples, 0));
    const right = loudPart(channel(wav.samples, 1));
    assert.ok(left.length >= 8 * 1200 && right.length >= 8 * 1200, `about 1.6 s of each tone: ${left.length / 8} / ${right.length / 8} ms`);
    assert.ok(medianShare(left, 440) > 0.9 && toneShare(left, 1000) < 0.02, `left: the caller's 440 Hz only (${medianShare(left, 440)})`);
    assert.ok(medianShare(right, 1000) > 0.9 && toneShare(right, 440) < 0.02, `right: the callee's 1 kHz only (${medianShare(right, 1000)})`);
    assert.deepEqual(app.log.failures, []);
  });
});
