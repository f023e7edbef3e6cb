/**
 * Call recording on the real embedded media endpoint: two RTP peers stand for the caller and
 * the callee, their media anchored through a MediaAnchor exactly as the shell hook does it
 * (A answers the caller's offer, B's offer goes to the callee, the callee's answer completes
 * B and bridges), and the RecordingService records it. Everything is judged by signal
 * (Goertzel tone shares, energy envelopes), never by bytes:
 *   - the stereo WAV has the caller's 440 Hz on the left only and the callee's 1 kHz on the
 *     right only, and tone bursts started 500 ms apart land in the file as far apart as they
 *     reached the anchor, ±40 ms (the reference is each burst's first relayed packet, so a
 *     busy machine's scheduling of the senders does not count against the recorder);
 *   - the consent announcement (a 2 kHz test prompt) reaches both peers, at the same time,
 *     before the recording starts, and is not in the file;
 *   - pause leaves silence on both channels for the paused stretch, the file keeps time;
 *   - both peers hear each other through the bridge the whole time, paused or not;
 *   - hang-up ends the file and recording.available describes it.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/recording-anchor.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MediaAnchor, RecordingService, type RecordingAvailableEvent } from '../../src/b2bua/recording/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { g711Codec } from '../../src/media/codec/index.js';
import { energyEnvelope, generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort } from '../../src/media/embedded/index.js';
import { encodeWav, readWav } from '../../src/media/wav/index.js';
import { systemClock } from '../../src/shared/index.js';
import { RtpPeer, runtimePortRange, type PeerCodec } from '../helpers/rtp-peer.js';
import { sleep, until } from '../helpers/until.js';

const CONSENT_HZ = 2000;
const CONSENT_MS = 600;

/** Power at one frequency relative to the signal's total power (Goertzel), 0–1 for a steady tone. */
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

/**
 * Whether `x` carries `freqHz` throughout: the tone share of each 100 ms window. A window
 * can hold a gap of one packet (the recorder writes silence for a packet that arrives after
 * its frame was written, and a loaded test machine delays some), which smears that window's
 * spectrum, so most windows must be clean rather than all.
 */
function carries(x: Int16Array, freqHz: number): { ok: boolean; shares: string } {
  const shares: number[] = [];
  for (let i = 0; i + 800 <= x.length; i += 800) shares.push(toneShare(x.subarray(i, i + 800), freqHz));
  const sorted = [...shares].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const clean = shares.filter((v) => v > 0.8).length;
  return { ok: shares.length > 0 && median > 0.9 && clean >= 0.75 * shares.length, shares: shares.map((v) => v.toFixed(2)).join(' ') };
}

function channel(interleaved: Int16Array, c: number): Int16Array {
  return interleaved.filter((_s, i) => i % 2 === c);
}

/** Milliseconds from the start of `x` to its first 5 ms window above -30 dBFS-ish. */
function onsetMs(x: Int16Array, from = 0): number {
  const env = [...energyEnvelope(x, 5)];
  const i = env.findIndex((e, w) => w * 5 >= from && e > 0.03);
  return i < 0 ? -1 : i * 5;
}

/** Audio the peer received between `since` and `until` (performance.now()), decoded in arrival order. */
function heardSince(peer: RtpPeer, since: number, until = Infinity): Int16Array {
  const parts = peer.audioPackets()
    .filter((r) => r.at >= since && r.at < until)
    .map((r) => g711Codec(r.packet.payloadType === 8 ? 'PCMA' : 'PCMU').decode(r.packet.payload));
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    pcm.set(p, offset);
    offset += p.length;
  }
  return pcm;
}

describe('recording: MediaAnchor + RecordingService on the embedded endpoint (integration)', function () {
  this.timeout(20_000);
  let dir: string;
  let port: EmbeddedMediaPort;
  let service: RecordingService | undefined;
  let events: CallEvent[];
  const peers: RtpPeer[] = [];
  const lastSeq = new Map<string, number>();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-recording-'));
    port = new EmbeddedMediaPort({ portRange: runtimePortRange() });
    events = [];
    lastSeq.clear();
  });

  afterEach(async () => {
    service?.destroy();
    service = undefined;
    await port.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function consentPrompt(): Promise<string> {
    const path = join(dir, 'consent.wav');
    await writeFile(path, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(CONSENT_HZ, CONSENT_MS) }));
    return path;
  }

  function makeService(policy: 'always' | 'on-demand', consent?: string): RecordingService {
    service = new RecordingService({
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      events: { append: async (e) => void events.push(e) },
      sequence: {
        next: async (callId) => {
          const last = lastSeq.get(callId) ?? 0;
          lastSeq.set(callId, last + 1);
          return last + 1;
        },
      },
      users: [{ id: 'alice', recording: policy }],
      dir: join(dir, 'recordings'),
      ...(consent ? { consentPrompt: consent } : {}),
    });
    return service;
  }

  /** Caller and callee peers, their media anchored the way the shell hook does it. */
  async function anchoredCall(callerCodec: PeerCodec = 'PCMU', calleeCodec: PeerCodec = 'PCMU'): Promise<{ caller: RtpPeer; callee: RtpPeer; anchor: MediaAnchor }> {
    const caller = await RtpPeer.start({ codec: callerCodec });
    const callee = await RtpPeer.start({ codec: calleeCodec });
    peers.push(caller, callee);
    const anchor = await MediaAnchor.create(port, caller.sdp());
    callee.useRemoteSdp(anchor.offerToCallee); // the INVITE to the callee carries B's offer
    const forCaller = await anchor.answerFromCallee(callee.sdp()); // the callee's 200
    caller.useRemoteSdp(forCaller); // our 200 to the caller
    return { caller, callee, anchor };
  }

  it('stereo WAV: caller left, callee right, aligned; consent first to both; both hear each other; event at hang-up', async () => {
    const consent = await consentPrompt();
    const s = makeService('always', consent);
    const { caller, callee, anchor } = await anchoredCall('PCMU', 'PCMA');
    let recordAt = 0;
    const recordCall = anchor.caller.recordCall.bind(anchor.caller);
    anchor.caller.recordCall = (path: string) => {
      recordAt = performance.now();
      return recordCall(path);
    };
    const answeredAt = performance.now();
    const started = await s.callAnswered({ callId: 'call-1', userIds: ['alice'], media: anchor });
    assert.ok(started?.ok, JSON.stringify(started));

    // The consent announcement: both peers got it, together, all of it before the recording began.
    for (const [name, peer] of [['caller', caller], ['callee', callee]] as const) {
      const got = peer.audioPackets();
      assert.ok(got.length >= CONSENT_MS / 20 - 1, `${name} received the announcement (${got.length} packets)`);
      assert.ok(toneShare(heardSince(peer, answeredAt), CONSENT_HZ) > 0.8, `${name} heard the ${CONSENT_HZ} Hz notice`);
      assert.ok(got[got.length - 1]!.at <= recordAt, `${name}: the notice ended before recordCall()`);
    }
    const firstAt = (p: RtpPeer): number => p.audioPackets()[0]!.at;
    assert.ok(Math.abs(firstAt(caller) - firstAt(callee)) < 40, 'the notice starts on both legs at the same time');
    assert.ok(recordAt - answeredAt >= CONSENT_MS - 40, `recording began ${recordAt - answeredAt} ms after the answer`);

    // Bursts at known moments: the caller's 440 Hz at +200 ms, the callee's 1 kHz at +700 ms.
    const t0 = performance.now();
    const bursts: number[] = [];
    await Promise.all([
      sleep(200).then(() => { bursts[0] = performance.now(); return caller.sendTone(440, 1500); }),
      sleep(700).then(() => { bursts[1] = performance.now(); return callee.sendTone(1000, 1000); }),
    ]);
    await sleep(100);
    const heardByCallee = heardSince(callee, t0 + 250, t0 + 650);
    const heardByCaller = heardSince(caller, t0 + 800, t0 + 1600);
    await s.callEnded('call-1'); // the shell's hang-up hook
    await anchor.close();

    // Both heard each other through the bridge (PCMU caller, PCMA callee: transcoded).
    assert.ok(toneShare(heardByCallee, 440) > 0.8, `the callee hears the caller (${toneShare(heardByCallee, 440)})`);
    assert.ok(toneShare(heardByCaller, 1000) > 0.8, `the caller hears the callee (${toneShare(heardByCaller, 1000)})`);

    const available = events.filter((e): e is RecordingAvailableEvent => e.type === 'recording.available');
    assert.equal(available.length, 1);
    const ev = available[0]!;
    assert.equal(ev.channels, 2);
    assert.equal(ev.layout, 'caller-left,callee-right');
    assert.equal(ev.userId, 'alice');
    assert.ok(ev.path.startsWith(join(dir, 'recordings', 'alice')), ev.path);
    const wav = readWav(await readFile(ev.path));
    assert.ok(wav.ok, 'a readable WAV');
    assert.equal(wav.channels, 2);
    assert.equal(wav.sampleRate, 8000);
    const fileMs = (wav.samples.length / 2 / 8000) * 1000;
    assert.ok(Math.abs(fileMs - ev.durationMs) <= 20, `event duration ${ev.durationMs} ms vs file ${fileMs} ms`);
    const left = channel(wav.samples, 0);
    const right = channel(wav.samples, 1);
    assert.ok(toneShare(left, CONSENT_HZ) < 0.01 && toneShare(right, CONSENT_HZ) < 0.01, 'the notice is not recorded');

    // Alignment: the gap between the two onsets in the file is the gap between the bursts.
    const lo = onsetMs(left);
    const ro = onsetMs(right);
    assert.ok(lo >= 0 && ro >= 0, `onsets found: ${lo} / ${ro}`);
    // When each burst reached the anchor: its first packet relayed to the other party (the
    // relay forwards as it receives), so a sender or a loopback delayed by a busy machine
    // does not count against the recorder.
    const relayedAt = (to: RtpPeer): number => to.audioPackets().find((r) => r.at >= t0)!.at;
    const gap = relayedAt(caller) - relayedAt(callee);
    assert.ok(Math.abs(gap - (bursts[1]! - bursts[0]!)) < 100, `bursts reached the anchor ${gap.toFixed(1)} ms apart`);
    assert.ok(Math.abs(ro - lo - gap) <= 40, `right starts ${ro - lo} ms after left; the bursts came ${gap.toFixed(1)} ms apart`);
    const rightEnd = ro + 1000;
    // Each tone on its own channel only, checked over stretches well inside the bursts.
    const span = (x: Int16Array, fromMs: number, toMs: number): Int16Array => x.subarray(fromMs * 8, toMs * 8);
    const leftTone = carries(span(left, lo + 40, lo + 1460), 440);
    assert.ok(leftTone.ok, `left is 440 Hz: ${leftTone.shares}`);
    assert.ok(toneShare(span(left, lo, left.length / 8), 1000) < 0.02, 'no 1 kHz on the left');
    const rightTone = carries(span(right, ro + 40, rightEnd - 40), 1000);
    assert.ok(rightTone.ok, `right is 1 kHz: ${rightTone.shares}`);
    assert.ok(toneShare(span(right, 0, right.length / 8), 440) < 0.02, 'no 440 Hz on the right');
    const quietRight = [...energyEnvelope(span(right, lo + 40, ro - 40), 20)];
    assert.ok(quietRight.every((e) => e < 0.01), 'the right channel is silent while only the caller speaks');
  });

  it('pause: silence on both channels for the paused stretch, the file keeps time, the parties still hear each other', async () => {
    const s = makeService('on-demand');
    const { caller, callee, anchor } = await anchoredCall();
    await s.callAnswered({ callId: 'call-2', userIds: ['alice'], media: anchor });
    const r = await s.startRecording('alice', 'call-2');
    assert.ok(r.ok, JSON.stringify(r));
    const t0 = performance.now();
    const sending = Promise.all([caller.sendTone(440, 2400), callee.sendTone(1000, 2400)]);
    await sleep(800);
    const pausedAt = performance.now() - t0;
    assert.ok((await s.pauseRecording('alice', 'call-2')).ok);
    await sleep(800);
    const resumedAt = performance.now() - t0;
    assert.ok((await s.resumeRecording('alice', 'call-2')).ok);
    await sending;
    const stopped = await s.stopRecording('alice', 'call-2');
    assert.ok(stopped.ok && stopped.recordingId, JSON.stringify(stopped));
    const pausedHeardByCallee = heardSince(callee, t0 + pausedAt + 100, t0 + resumedAt - 100);
    const pausedHeardByCaller = heardSince(caller, t0 + pausedAt + 100, t0 + resumedAt - 100);
    await s.callEnded('call-2');
    await anchor.close();

    assert.ok(toneShare(pausedHeardByCallee, 440) > 0.8, 'the callee hears the caller while the recording is paused');
    assert.ok(toneShare(pausedHeardByCaller, 1000) > 0.8, 'the caller hears the callee while the recording is paused');
    const [ev] = events.filter((e): e is RecordingAvailableEvent => e.type === 'recording.available');
    assert.ok(ev, 'recording.available');
    assert.ok(ev.durationMs >= 2200 && ev.durationMs <= 2700, `the paused stretch keeps its time: ${ev.durationMs} ms`);
    const wav = readWav(await readFile(ev.path));
    assert.ok(wav.ok);
    for (const c of [0, 1]) {
      const env = [...energyEnvelope(channel(wav.samples, c), 100)];
      const at = (fromMs: number, toMs: number): number[] => env.slice(Math.ceil(fromMs / 100), Math.floor(toMs / 100));
      const before = at(150, pausedAt - 100);
      const during = at(pausedAt + 100, resumedAt - 100);
      const after = at(resumedAt + 150, 2300);
      assert.ok(before.length >= 4 && before.every((e) => e > 0.1), `channel ${c} loud before the pause: ${before}`);
      assert.ok(during.length >= 5 && during.every((e) => e === 0), `channel ${c} silent while paused: ${during}`);
      assert.ok(after.length >= 4 && after.every((e) => e > 0.1), `channel ${c} loud after resume: ${after}`);
    }
    // Each stretch on its own: resuming may shift the tone's phase by a packet or two, so one
    // Goertzel over the whole file would partly cancel itself.
    for (const [fromMs, toMs] of [[150, pausedAt - 100], [resumedAt + 150, 2300]] as const) {
      const left = channel(wav.samples, 0).subarray(Math.round(fromMs * 8), Math.round(toMs * 8));
      const right = channel(wav.samples, 1).subarray(Math.round(fromMs * 8), Math.round(toMs * 8));
      const l = carries(left, 440);
      const r = carries(right, 1000);
      assert.ok(l.ok && toneShare(left, 1000) < 0.02, `left: the caller only (${l.shares})`);
      assert.ok(r.ok && toneShare(right, 440) < 0.02, `right: the callee only (${r.shares})`);
    }
  });

  it('on-demand stop then start: two files, two events once the call ends, the anchor closing ends the second', async () => {
    const s = makeService('on-demand');
    const { caller, callee, anchor } = await anchoredCall();
    await s.callAnswered({ callId: 'call-3', userIds: ['alice'], media: anchor });
    assert.ok((await s.startRecording('alice', 'call-3')).ok);
    await caller.sendTone(440, 1000);
    assert.ok((await s.stopRecording('alice', 'call-3')).ok);
    assert.equal(events.length, 0, 'announced when the call ends');
    assert.ok((await s.startRecording('alice', 'call-3')).ok);
    await callee.sendTone(1000, 1000);
    await anchor.close(); // media gone: the service ends the call's recording by itself
    await until(() => events.length === 2, 3000, 'two recording.available');
    const files = await Promise.all(events.map(async (e) => {
      assert.equal(e.type, 'recording.available');
      const wav = readWav(await readFile((e as RecordingAvailableEvent).path));
      assert.ok(wav.ok);
      return wav.samples;
    }));
    assert.deepEqual(events.map((e) => e.seq), [1, 2]);
    // Where each tone is, within each file.
    const loud = (x: Int16Array): Int16Array => x.subarray(onsetMs(x) * 8 + 160, onsetMs(x) * 8 + 7200);
    const first = carries(loud(channel(files[0]!, 0)), 440);
    const second = carries(loud(channel(files[1]!, 1)), 1000);
    assert.ok(onsetMs(channel(files[0]!, 0)) >= 0 && first.ok, `first file: the caller’s tone on the left (${first.shares})`);
    assert.ok(onsetMs(channel(files[1]!, 1)) >= 0 && second.ok, `second file: the callee’s tone on the right (${second.shares})`);
    assert.equal(onsetMs(channel(files[0]!, 1)), -1, 'first file: nothing on the right');
    assert.equal(onsetMs(channel(files[1]!, 0)), -1, 'second file: nothing on the left');
    assert.equal(port.activeEndpoints, 0);
  });
});
