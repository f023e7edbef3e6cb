/**
 * The embedded RTP endpoint on loopback with real UDP: offer/answer, play() pacing and RTP
 * numbering, media timeout, symmetric RTP latching, RTCP and port allocation.
 * Audio is compared by signal (correlation, energy), never by bytes.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crossCorrelate, energyEnvelope, generateTone } from '../../src/media/dsp/index.js';
import { EmbeddedMediaPort } from '../../src/media/embedded/index.js';
import type { EmbeddedEndpoint } from '../../src/media/embedded/index.js';
import type { MediaEndpoint } from '../../src/media/index.js';
import { serializeRtp } from '../../src/media/rtp/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { useEmbeddedMediaBed } from '../helpers/embedded-media-bed.js';
import { runtimePortRange } from '../helpers/rtp-peer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { sleep, until } from '../helpers/until.js';

describe('embedded media endpoint over UDP (integration)', function () {
  this.timeout(15_000);
  const { dir: tempDir, mediaPort, peer, answered, wav } = useEmbeddedMediaBed();

  it('plays WAV files in real time with continuous sequence numbers and timestamps', async () => {
    const { ep, peer: p } = await answered();
    const a = await wav('a.wav', generateTone(440, 500));
    // 16 kHz stereo: resampled to 8 kHz and mixed down to mono.
    const tone16k = generateTone(440, 300, 16000);
    const stereo = new Int16Array(tone16k.length * 2);
    tone16k.forEach((s, i) => ((stereo[2 * i] = s), (stereo[2 * i + 1] = s)));
    const b = await wav('b.wav', stereo, 16000, 2);
    const t0 = performance.now();
    const result = await ep.play([a, b]);
    const elapsed = performance.now() - t0;
    assert.deepEqual(result, { playedMs: 800, interrupted: false });
    assert.ok(Math.abs(elapsed - 800) <= 80, `play took ${elapsed} ms for 800 ms of audio`);
    await until(() => p.audioPackets().length >= 40, 1000, '40 packets');
    const got = p.audioPackets();
    assert.equal(got.length, 40);
    got.forEach((r, i) => {
      const first = got[0]!.packet;
      assert.equal(r.packet.ssrc, first.ssrc);
      assert.equal(r.packet.payloadType, 0);
      assert.equal(r.packet.sequence, (first.sequence + i) & 0xffff, `sequence of packet ${i}`);
      assert.equal(r.packet.timestamp, (first.timestamp + 160 * i) >>> 0, `timestamp of packet ${i}`);
      assert.equal(r.packet.marker, i === 0, `marker of packet ${i}`);
    });
    const span = got[39]!.at - got[0]!.at;
    assert.ok(Math.abs(span - 780) <= 78, `39 intervals took ${span} ms, expected 780 ± 10 %`);
    const pcm = p.receivedPcm();
    assert.ok(crossCorrelate(pcm.subarray(0, 4000), generateTone(440, 500), 40).coefficient > 0.9);
    assert.ok(crossCorrelate(pcm.subarray(4000), generateTone(440, 300), 40).coefficient > 0.8, 'the resampled file carries the tone');
  });

  it('stopPlay() interrupts; the next play continues the RTP timeline with a marker', async () => {
    const { ep, peer: p } = await answered();
    const long = await wav('long.wav', generateTone(500, 2000));
    const short = await wav('short.wav', generateTone(500, 200));
    const playing = ep.play(long);
    await sleep(300);
    ep.stopPlay();
    const r = await playing;
    assert.equal(r.interrupted, true);
    assert.ok(r.playedMs >= 200 && r.playedMs <= 420, `playedMs ${r.playedMs}`);
    await sleep(100);
    const before = p.audioPackets();
    const last = before[before.length - 1]!.packet;
    assert.deepEqual(await ep.play(short), { playedMs: 200, interrupted: false });
    await until(() => p.audioPackets().length >= before.length + 10, 1000, 'the second prompt');
    const next = p.audioPackets()[before.length]!.packet;
    assert.equal(next.sequence, (last.sequence + 1) & 0xffff);
    assert.equal(next.marker, true);
    const advance = (next.timestamp - last.timestamp) >>> 0;
    // ~100 ms of pause plus one packet: the media clock kept running while silent.
    assert.ok(advance >= 160 + 600 && advance <= 160 + 2400, `timestamp advanced by ${advance}`);
  });

  it('rejects play() of a missing or unreadable file', async () => {
    const { ep } = await answered();
    await assert.rejects(ep.play(join(tempDir(), 'nope.wav')), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_FILE_NOT_FOUND');
    const junk = join(tempDir(), 'junk.wav');
    await writeFile(junk, 'not a wav');
    await assert.rejects(ep.play(junk), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_BAD_FILE');
  });

  it('closes the endpoint when RTP stops for mediaTimeoutMs (not before it started), and sends an RTCP BYE', async () => {
    const { port, ep, peer: p } = await answered({ mediaTimeoutMs: 400 });
    let closedAt = 0;
    void ep.closed.then(() => (closedAt = performance.now()));
    // Nothing heard yet is not a timeout: the peer may not know our address yet (ringing).
    await sleep(600);
    assert.equal(closedAt, 0, 'no timeout before media has started');
    await p.sendTone(440, 700); // longer than the timeout: keeps it alive
    assert.equal(closedAt, 0, 'media kept the endpoint alive');
    const stoppedAt = performance.now();
    await ep.closed;
    const after = closedAt - stoppedAt;
    assert.ok(after >= 350 && after <= 700, `closed ${after} ms after the last packet`);
    assert.equal(port.activeEndpoints, 0);
    await until(() => p.rtcp.some((c) => c.some((x) => x.type === 'Bye')), 1000, 'an RTCP BYE');
  });

  it('suspends the media timeout while the peer holds the call', async () => {
    const { ep, peer: p } = await answered({ mediaTimeoutMs: 300 });
    let closed = false;
    void ep.closed.then(() => (closed = true));
    await p.sendTone(440, 100);
    await ep.modify(p.sdp({ direction: 'sendonly' }));
    await sleep(600);
    assert.equal(closed, false, 'a held call sends nothing and stays up');
    await ep.modify(p.sdp());
    await sleep(250);
    assert.equal(closed, false);
    await ep.closed;
  });

  it('latches onto the address RTP comes from (symmetric RTP), once per SSRC', async () => {
    const port = mediaPort();
    const p = await peer();
    const decoy = await peer(); // what the SDP says; the peer really sends from another port
    const ep = (await port.createEndpoint({ remoteSdp: p.sdp({ port: decoy.port }) })) as EmbeddedEndpoint;
    p.useRemoteSdp(ep.localSdp);
    assert.equal(ep.stats.remote?.port, decoy.port);
    await p.sendTone(440, 100);
    await until(() => ep.stats.remote?.port === p.port, 1000, 'the latch');
    await ep.play(await wav('t.wav', generateTone(440, 200)));
    await sleep(50);
    assert.equal(p.audioPackets().length, 10, 'our audio goes where the peer sends from');
    assert.equal(decoy.audioPackets().length, 0);
    // Another socket sending with the latched SSRC does not take the stream over.
    const intruder = createSocket('udp4');
    await new Promise<void>((resolve) => intruder.bind(0, '127.0.0.1', resolve));
    const hijack = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 0, ssrc: p.ssrc, payload: Buffer.alloc(160, 0xff) });
    intruder.send(hijack, ep.stats.localPort, '127.0.0.1');
    await until(() => ep.stats.counters.foreignSource === 1, 1000, 'the foreign packet');
    assert.equal(ep.stats.remote?.port, p.port);
    await new Promise<void>((resolve) => intruder.close(() => resolve()));
    assert.equal(ep.stats.counters.latches, 1);
  });

  it('keeps receive statistics and sends RTCP reports about the peer', async () => {
    const { ep, peer: p } = await answered({ rtcpIntervalMs: 200 });
    await p.sendPcm(generateTone(440, 1000), { drop: (i) => i === 10 || i === 20 });
    await until(() => ep.stats.received.packets === 48, 1000, 'the last packet');
    const rx = ep.stats.received;
    assert.equal(rx.ssrc, p.ssrc);
    assert.equal(rx.packets, 48);
    assert.equal(rx.lost, 2);
    assert.ok(rx.jitterMs < 10, `jitter ${rx.jitterMs} ms on loopback`);
    await until(() => p.rtcp.some((c) => c[0]?.type === 'ReceiverReport' && c[0].reports.some((b) => b.cumulativeLost === 2)), 2000, 'an RR reporting the loss');
    const rr = p.rtcp.find((c) => c[0]?.type === 'ReceiverReport')!;
    assert.ok(rr.some((x) => x.type === 'SourceDescription'), 'every compound carries SDES CNAME');
    await ep.play(await wav('x.wav', generateTone(440, 100)));
    await until(() => p.rtcp.some((c) => c[0]?.type === 'SenderReport'), 2000, 'an SR once we sent');
  });

  it('offers, completes the offer with modify(), and follows hold/resume re-offers', async () => {
    const port = mediaPort();
    const p = await peer();
    const ep = await port.createEndpoint();
    assert.match(ep.localSdp, /m=audio \d+ RTP\/AVP 0 8 101/);
    assert.equal(await ep.modify(p.sdp()), ep.localSdp);
    p.useRemoteSdp(ep.localSdp);
    const tone = await wav('h.wav', generateTone(440, 200));
    await ep.play(tone);
    await sleep(30);
    assert.equal(p.audioPackets().length, 10);
    const held = await ep.modify(p.sdp({ direction: 'recvonly' }));
    assert.match(held, /a=sendonly/);
    await ep.play(tone);
    await sleep(30);
    assert.equal(p.audioPackets().length, 20, 'a=recvonly peer still receives');
    const inactive = await ep.modify(p.sdp({ direction: 'inactive' }));
    assert.match(inactive, /a=inactive/);
    await ep.play(tone);
    await sleep(30);
    assert.equal(p.audioPackets().length, 20, 'nothing is sent on an inactive stream');
    const held0 = await ep.modify(p.sdp({ address: '0.0.0.0' }));
    assert.match(held0, /a=recvonly/);
    await ep.play(tone);
    assert.equal(p.audioPackets().length, 20, 'nothing goes to c=0.0.0.0');
    const resumed = await ep.modify(p.sdp());
    assert.match(resumed, /a=sendrecv/);
    await ep.play(tone);
    await sleep(30);
    assert.equal(p.audioPackets().length, 30);
    await assert.rejects(ep.modify('v=0\r\nm=audio 1 RTP/AVP 18\r\n'), (e: unknown) => e instanceof LinegateError && e.code.startsWith('MEDIA_'));
  });

  it('allocates even ports without reuse, and reports exhaustion as MEDIA_PORTS_EXHAUSTED', async () => {
    const range = runtimePortRange(4);
    const port = mediaPort({ portRange: range });
    const p = await peer();
    const a = (await port.createEndpoint({ remoteSdp: p.sdp() })) as EmbeddedEndpoint;
    const b = (await port.createEndpoint()) as EmbeddedEndpoint;
    assert.notEqual(a.stats.localPort, b.stats.localPort);
    for (const ep of [a, b]) {
      assert.equal(ep.stats.localPort % 2, 0);
      assert.ok(ep.stats.localPort >= range.min && ep.stats.localPort + 1 <= range.max);
    }
    await assert.rejects(port.createEndpoint(), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_PORTS_EXHAUSTED');
    assert.equal(port.activeEndpoints, 2);
    await a.destroy();
    assert.equal(port.activeEndpoints, 1);
    const c = (await port.createEndpoint()) as EmbeddedEndpoint;
    assert.equal(c.stats.localPort, a.stats.localPort, 'the released pair is free again');
    await c.destroy();
    await assert.rejects(
      port.createEndpoint({ remoteSdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 18\r\n' }),
      (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_NO_COMMON_CODEC',
    );
    assert.equal(port.activeEndpoints, 1, 'a refused offer leaves no endpoint behind');
    await port.close();
    await assert.rejects(port.createEndpoint(), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_PORT_CLOSED');
  });

  it('runs over IPv6 (c=IN IP6) on ::1', async () => {
    const port = mediaPort({ address: '::1' });
    const sdp6 = (p: number) => `v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio ${p} RTP/AVP 0\r\n`;
    const sock = createSocket('udp6');
    await new Promise<void>((resolve) => sock.bind(0, '::1', resolve));
    const got: Buffer[] = [];
    sock.on('message', (m) => got.push(m));
    const ep: MediaEndpoint = await port.createEndpoint({ remoteSdp: sdp6(sock.address().port) });
    assert.match(ep.localSdp, /c=IN IP6 ::1/);
    await ep.play(await wav('v6.wav', generateTone(440, 100)));
    await sleep(30);
    assert.equal(got.length, 5);
    await assert.rejects(
      port.createEndpoint({ remoteSdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n' }),
      (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_NO_COMMON_CODEC',
    );
    await new Promise<void>((resolve) => sock.close(() => resolve()));
  });

  it('refuses a wildcard bind address without an advertised address', () => {
    assert.throws(() => new EmbeddedMediaPort({ portRange: runtimePortRange(), address: '::' }), RangeError);
    assert.throws(() => new EmbeddedMediaPort({ portRange: runtimePortRange(), address: '0.0.0.0' }), RangeError);
  });

  it('energy envelope of a played prompt follows the file (no gaps, no doubling)', async () => {
    const { ep, peer: p } = await answered();
    const pulses = new Int16Array(8000);
    pulses.set(generateTone(800, 200), 0);
    pulses.set(generateTone(800, 200), 4000);
    await ep.play(await wav('pulses.wav', pulses));
    await sleep(30);
    const env = energyEnvelope(p.receivedPcm(), 100);
    const loud = [...env].map((e) => e > 0.01);
    assert.deepEqual(loud, [true, true, false, false, false, true, true, false, false, false]);
  });

  it('close() destroys every endpoint and leaves no socket or timer behind', async () => {
    const udp = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const before = udp();
    const clock = new FakeClock(0);
    const port = mediaPort({ clock });
    const p = await peer();
    const a = await port.createEndpoint({ remoteSdp: p.sdp() });
    const b = await port.createEndpoint();
    await a.bridge(b);
    const rec = await a.recordCall(join(tempDir(), 'leak.wav'));
    const recording = a.record(join(tempDir(), 'leak-mono.wav'));
    const collecting = a.collectDigits({ maxDigits: 3 });
    assert.equal(udp() - before, 2 * 2 + 2, 'two sockets per endpoint, two for the peer');
    assert.ok(clock.pending() > 0);
    await port.close();
    assert.equal((await recording).reason, 'hangup');
    assert.equal(await collecting, '');
    assert.ok((await rec.stop()).durationMs >= 0);
    await p.close();
    assert.equal(port.activeEndpoints, 0);
    assert.equal(clock.pending(), 0, 'no timer left');
    await sleep(10);
    assert.equal(udp(), before, 'no socket left');
    await port.close(); // idempotent
  });
});
