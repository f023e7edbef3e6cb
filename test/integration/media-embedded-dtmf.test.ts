/**
 * DTMF on the embedded endpoint over loopback: RFC 4733 events received (also with lost end
 * packets) and sent, in-band tones when telephone-event was not negotiated, collectDigits()
 * and barge-in.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDtmf, generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort, type EmbeddedEndpoint } from '../../src/media/embedded/index.js';
import { encodeWav } from '../../src/media/wav/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { RtpPeer, runtimePortRange } from '../helpers/rtp-peer.js';
import { sleep, until } from '../helpers/until.js';

describe('embedded media DTMF (integration)', function () {
  this.timeout(15_000);
  let dir: string;
  let port: EmbeddedMediaPort;
  const peers: RtpPeer[] = [];

  async function leg(te: number | null = 101): Promise<{ peer: RtpPeer; ep: EmbeddedEndpoint }> {
    const peer = await RtpPeer.start({ telephoneEventPt: te });
    peers.push(peer);
    const ep = (await port.createEndpoint({ remoteSdp: peer.sdp() })) as EmbeddedEndpoint;
    peer.useRemoteSdp(ep.localSdp);
    return { peer, ep };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-dtmf-'));
    port = new EmbeddedMediaPort({ portRange: runtimePortRange() });
  });

  afterEach(async () => {
    await port.close();
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reports RFC 4733 digits once each, with durations, and collects them up to the terminator', async () => {
    const { peer, ep } = await leg();
    const heard: Array<{ digit: string; durationMs: number }> = [];
    ep.onDtmf((e) => heard.push(e));
    const collected = ep.collectDigits({ maxDigits: 10, timeoutMs: 3000 });
    await peer.sendDigits('1234#', { durationMs: 120 });
    assert.equal(await collected, '1234');
    assert.deepEqual(heard.map((h) => h.digit), ['1', '2', '3', '4', '#']);
    assert.ok(heard.every((h) => h.durationMs === 120), JSON.stringify(heard));
  });

  it('ends digits whose end packets were lost, without reporting any twice', async () => {
    const { peer, ep } = await leg();
    const heard: string[] = [];
    ep.onDtmf((e) => heard.push(e.digit));
    await peer.sendDigits('5', { dropEnd: 2 });
    await peer.sendDigits('6', { dropEnd: 3, gapMs: 700 }); // all three lost: ended by the receiver's timeout
    await until(() => heard.length === 2, 2000, 'two digits');
    await sleep(100);
    assert.deepEqual(heard, ['5', '6']);
  });

  it('sends digits as RFC 4733 events the peer decodes', async () => {
    const { peer, ep } = await leg();
    const t = performance.now();
    await ep.sendDtmf('9*#', { durationMs: 100 });
    const took = performance.now() - t;
    assert.ok(took >= 3 * 100 && took < 1500, `sendDtmf took ${took} ms`);
    await until(() => peer.digits.length === 3, 1000, 'three digits at the peer');
    assert.deepEqual(peer.digits.map((d) => d.digit), ['9', '*', '#']);
    assert.ok(peer.digits.every((d) => d.durationMs >= 100 && d.durationMs <= 120), JSON.stringify(peer.digits));
    const events = peer.received.filter((r) => r.packet.payloadType === 101);
    assert.equal(events.filter((r) => r.packet.marker).length, 3, 'one marker per event');
    await assert.rejects(ep.sendDtmf('x'), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BAD_DIGITS');
  });

  it('detects in-band DTMF when telephone-event was not negotiated, and refuses to send events', async () => {
    const { peer, ep } = await leg(null);
    assert.doesNotMatch(ep.localSdp, /telephone-event/);
    const heard: string[] = [];
    ep.onDtmf((e) => heard.push(e.digit));
    const gap = new Int16Array(800);
    const parts = [generateDtmf('7', 100), gap, generateDtmf('0', 100), gap, generateTone(1000, 300), gap];
    const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      pcm.set(p, offset);
      offset += p.length;
    }
    await peer.sendPcm(pcm);
    await sleep(50);
    assert.deepEqual(heard, ['7', '0'], 'a single 1 kHz tone is not a digit');
    await assert.rejects(ep.sendDtmf('1'), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_NO_TELEPHONE_EVENT');
  });

  it('barge-in: a digit stops the prompt and is there for the next collectDigits()', async () => {
    const { peer, ep } = await leg();
    const prompt = join(dir, 'menu.wav');
    await writeFile(prompt, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(600, 2000) }));
    const t = performance.now();
    const playing = ep.play(prompt, { bargeIn: true });
    await sleep(300);
    void peer.sendDigits('3');
    const r = await playing;
    const took = performance.now() - t;
    assert.equal(r.interrupted, true);
    assert.ok(took < 600, `the prompt stopped ${took} ms in`);
    assert.equal(await ep.collectDigits({ maxDigits: 1, timeoutMs: 1000 }), '3');
    // Without barge-in the prompt plays to the end; the digit waits in the buffer.
    await writeFile(prompt, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(600, 500) }));
    const full = ep.play(prompt);
    await sleep(100);
    await peer.sendDigits('8');
    assert.deepEqual(await full, { playedMs: 500, interrupted: false });
    assert.equal(await ep.collectDigits({ maxDigits: 1, timeoutMs: 1000 }), '8');
  });

  it('collectDigits() gives up after its timeouts with what it has', async () => {
    const { peer, ep } = await leg();
    const t = performance.now();
    assert.equal(await ep.collectDigits({ maxDigits: 4, timeoutMs: 300 }), '');
    assert.ok(performance.now() - t >= 290);
    const c = ep.collectDigits({ maxDigits: 4, timeoutMs: 2000, interDigitTimeoutMs: 400 });
    await peer.sendDigits('42');
    assert.equal(await c, '42');
    await assert.rejects(
      Promise.all([ep.collectDigits({ maxDigits: 1, timeoutMs: 100 }), ep.collectDigits({ maxDigits: 1, timeoutMs: 100 })]),
      (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BUSY',
    );
    await sleep(150);
  });
});
