/**
 * Bridging two embedded endpoints on loopback: audio relayed both ways (also across
 * PCMU/PCMA), telephone-events relayed, forwarding delay, and the stereo call recording
 * (left = the recording endpoint's remote party, right = the peer's), compared by signal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyEnvelope, generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort, type EmbeddedEndpoint } from '../../src/media/embedded/index.js';
import type { MediaEndpoint } from '../../src/media/index.js';
import { readWav } from '../../src/media/wav/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { RtpPeer, runtimePortRange, type PeerCodec } from '../helpers/rtp-peer.js';
import { sleep, until } from '../helpers/until.js';

/** Power of one frequency relative to the signal's total power (Goertzel), 0–1 for a steady signal. */
function toneShare(samples: Int16Array, freqHz: number, rate = 8000): number {
  const k = (2 * Math.PI * freqHz) / rate;
  const coeff = 2 * Math.cos(k);
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

function channel(interleaved: Int16Array, c: number): Int16Array {
  return interleaved.filter((_s, i) => i % 2 === c);
}

describe('embedded media bridge and call recording (integration)', function () {
  this.timeout(15_000);
  let dir: string;
  let port: EmbeddedMediaPort;
  const peers: RtpPeer[] = [];

  async function leg(codec: PeerCodec = 'PCMU', te: number | null = 101): Promise<{ peer: RtpPeer; ep: EmbeddedEndpoint }> {
    const peer = await RtpPeer.start({ codec, telephoneEventPt: te });
    peers.push(peer);
    const ep = (await port.createEndpoint({ remoteSdp: peer.sdp() })) as EmbeddedEndpoint;
    peer.useRemoteSdp(ep.localSdp);
    return { peer, ep };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-bridge-'));
    port = new EmbeddedMediaPort({ portRange: runtimePortRange() });
  });

  afterEach(async () => {
    await port.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("relays each side's tone to the other, transcoding PCMU ↔ PCMA", async () => {
    const a = await leg('PCMU');
    const b = await leg('PCMA');
    await a.ep.bridge(b.ep);
    await Promise.all([a.peer.sendTone(440, 1000), b.peer.sendTone(1000, 1000)]);
    await sleep(50);
    const atB = b.peer.receivedPcm();
    const atA = a.peer.receivedPcm();
    assert.ok(atB.length >= 7600 && atA.length >= 7600, `received ${atA.length} / ${atB.length} samples`);
    assert.ok(b.peer.audioPackets().every((r) => r.packet.payloadType === 8), 'B hears PCMA');
    assert.ok(a.peer.audioPackets().every((r) => r.packet.payloadType === 0), 'A hears PCMU');
    assert.ok(toneShare(atB, 440) > 0.8, `B hears A's 440 Hz (${toneShare(atB, 440)})`);
    assert.ok(toneShare(atB, 1000) < 0.05, 'B does not hear itself');
    assert.ok(toneShare(atA, 1000) > 0.8, `A hears B's 1 kHz (${toneShare(atA, 1000)})`);
    assert.ok(toneShare(atA, 440) < 0.05);
    // The relayed stream is a well-formed stream of its own: one SSRC, consecutive sequence numbers.
    const rx = b.peer.audioPackets();
    rx.forEach((r, i) => i > 0 && assert.equal(r.packet.sequence, (rx[i - 1]!.packet.sequence + 1) & 0xffff));
    assert.equal(new Set(rx.map((r) => r.packet.ssrc)).size, 1);
    assert.equal(rx[0]!.packet.marker, true);
  });

  it('forwards each packet as it arrives (no added delay beyond one packet)', async () => {
    const a = await leg();
    const b = await leg();
    await a.ep.bridge(b.ep);
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = b.peer.received.length;
      const sentAt = performance.now();
      a.peer.sendRtp(0, i === 0, 1000 + i * 160, new Uint8Array(160).fill(0x55));
      await until(() => b.peer.received.length > before, 1000, `packet ${i} at B`);
      delays.push(b.peer.received[b.peer.received.length - 1]!.at - sentAt);
      await sleep(20);
    }
    delays.sort((x, y) => x - y);
    // Forwarding is synchronous in the receive handler: typically well under 1 ms on loopback.
    // A busy machine can stall the event loop once in a while, hence the median and the 90th percentile.
    assert.ok(delays[10]! < 5, `median relay delay ${delays[10]} ms (${delays.map((d) => d.toFixed(1)).join(", ")})`);
    assert.ok(delays[17]! < 20, `90th percentile relay delay ${delays[17]} ms, under one packet`);
  });

  it('relays RFC 4733 telephone-events with the other leg’s payload type', async () => {
    const a = await leg('PCMU', 101);
    const b = await leg('PCMA', 96);
    await a.ep.bridge(b.ep);
    const heardOnA: string[] = [];
    a.ep.onDtmf((e) => heardOnA.push(e.digit));
    await a.peer.sendDigits('12#');
    await until(() => b.peer.digits.length === 3, 2000, 'three digits at B');
    assert.deepEqual(b.peer.digits.map((d) => d.digit), ['1', '2', '#']);
    assert.ok(b.peer.received.filter((r) => r.packet.payloadType === 96).length >= 9);
    assert.deepEqual(heardOnA, ['1', '2', '#'], 'the bridged endpoint still reports the digits');
  });

  it('records a bridged call in stereo: 440 Hz left, 1 kHz right, aligned', async () => {
    const a = await leg('PCMU');
    const b = await leg('PCMA');
    await a.ep.bridge(b.ep);
    const path = join(dir, 'call.wav');
    const rec = await a.ep.recordCall(path);
    await sleep(200);
    // Both start their tone at the same moment after 200 ms of silence.
    await Promise.all([a.peer.sendTone(440, 1000), b.peer.sendTone(1000, 1000)]);
    await sleep(100);
    const { durationMs } = await rec.stop();
    assert.ok(durationMs >= 1250 && durationMs <= 1450, `durationMs ${durationMs}`);
    const wav = readWav(await readFile(path));
    assert.ok(wav.ok);
    assert.equal(wav.channels, 2);
    assert.equal(wav.sampleRate, 8000);
    const left = channel(wav.samples, 0);
    const right = channel(wav.samples, 1);
    const onset = (x: Int16Array): number => [...energyEnvelope(x, 20)].findIndex((e) => e > 0.05);
    const lo = onset(left);
    const ro = onset(right);
    assert.ok(lo >= 8 && lo <= 14, `left starts at window ${lo} (≈ 200 ms)`);
    assert.ok(Math.abs(lo - ro) <= 2, `channels aligned: onsets at ${lo} and ${ro} (20 ms windows)`);
    // The tones themselves, over 900 ms from the onset: each on its own channel, whole.
    const l = left.subarray(lo * 160, lo * 160 + 7200);
    const r = right.subarray(ro * 160, ro * 160 + 7200);
    assert.ok(toneShare(l, 440) > 0.9, `left is 440 Hz (${toneShare(l, 440)})`);
    assert.ok(toneShare(l, 1000) < 0.02, 'no 1 kHz on the left');
    assert.ok(toneShare(r, 1000) > 0.9, `right is 1 kHz (${toneShare(r, 1000)})`);
    assert.ok(toneShare(r, 440) < 0.02, 'no 440 Hz on the right');
  });

  it('pause() writes silence on both channels and keeps time; resume() picks up', async () => {
    const a = await leg();
    const b = await leg();
    await a.ep.bridge(b.ep);
    const path = join(dir, 'paused.wav');
    const rec = await a.ep.recordCall(path);
    const sending = Promise.all([a.peer.sendTone(440, 1500), b.peer.sendTone(1000, 1500)]);
    await sleep(500);
    await rec.pause();
    await sleep(500);
    await rec.resume();
    await sending;
    const { durationMs } = await rec.stop();
    assert.ok(durationMs >= 1400 && durationMs <= 1700, `durationMs ${durationMs} (wall time kept while paused)`);
    const wav = readWav(await readFile(path));
    assert.ok(wav.ok);
    for (const c of [0, 1]) {
      const env = [...energyEnvelope(channel(wav.samples, c), 100)];
      assert.ok(env.slice(1, 4).every((e) => e > 0.1), `channel ${c} loud before the pause: ${env.slice(1, 4)}`);
      assert.ok(env.slice(6, 9).every((e) => e === 0), `channel ${c} silent while paused: ${env.slice(6, 9)}`);
      assert.ok(env.slice(11, 14).every((e) => e > 0.1), `channel ${c} loud after resume: ${env.slice(11, 14)}`);
    }
  });

  it('unbridge() stops the relay and ends a call recording; bridging needs two embedded endpoints', async () => {
    const a = await leg();
    const b = await leg();
    await assert.rejects(a.ep.recordCall(join(dir, 'x.wav')), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_NOT_BRIDGED');
    await a.ep.bridge(b.ep);
    const rec = await b.ep.recordCall(join(dir, 'y.wav'));
    await assert.rejects(a.ep.recordCall(join(dir, 'z.wav')), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BUSY');
    await a.peer.sendTone(440, 200);
    await sleep(30);
    const relayed = b.peer.audioPackets().length;
    assert.ok(relayed >= 9, `relayed ${relayed}`);
    await b.ep.unbridge();
    const { durationMs } = await rec.stop();
    assert.ok(durationMs > 100);
    await a.peer.sendTone(440, 200);
    await sleep(30);
    assert.equal(b.peer.audioPackets().length, relayed, 'nothing relayed after unbridge');
    const fake = { id: 'x' } as unknown as MediaEndpoint;
    await assert.rejects(a.ep.bridge(fake), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BAD_BRIDGE');
    await assert.rejects(a.ep.bridge(a.ep), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BAD_BRIDGE');
  });

  it('a prompt played into a bridged leg takes over that direction, then the relay resumes', async () => {
    const a = await leg();
    const b = await leg();
    await a.ep.bridge(b.ep);
    const { encodeWav } = await import('../../src/media/wav/index.js');
    const { writeFile } = await import('node:fs/promises');
    const prompt = join(dir, 'consent.wav');
    await writeFile(prompt, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(2000, 300) }));
    const sending = a.peer.sendTone(440, 800);
    await sleep(200);
    await b.ep.play(prompt);
    await sending;
    await sleep(30);
    const atB = b.peer.receivedPcm();
    const env440 = toneShare(atB.subarray(0, 1200), 440);
    assert.ok(env440 > 0.5, 'the relay ran before the prompt');
    const mid = atB.subarray(1800, 3800);
    assert.ok(toneShare(mid, 2000) > 0.7, `the prompt replaced the relay meanwhile (${toneShare(mid, 2000)})`);
    assert.ok(toneShare(atB.subarray(atB.length - 1200), 440) > 0.5, 'the relay resumed after it');
    const rx = b.peer.audioPackets();
    for (let i = 1; i < rx.length; i++) {
      assert.ok(((rx[i]!.packet.timestamp - rx[i - 1]!.packet.timestamp) | 0) > 0, `timestamps move forward at packet ${i}`);
    }
  });
});
