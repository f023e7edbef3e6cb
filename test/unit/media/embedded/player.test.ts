/**
 * play() scheduling with a fake clock: packets leave exactly on their ptime deadlines, with
 * consecutive sequence numbers and timestamps across files, one marker per talkspurt, and
 * the media clock keeps running between prompts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { g711Codec } from '../../../../src/media/codec/index.js';
import { generateTone } from '../../../../src/media/dsp/index.js';
import { Player } from '../../../../src/media/embedded/player.js';
import { RtpSender } from '../../../../src/media/embedded/rtp-sender.js';
import { parseRtp, type RtpPacket } from '../../../../src/media/rtp/index.js';
import { encodeWav } from '../../../../src/media/wav/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

interface Sent {
  readonly at: number;
  readonly packet: RtpPacket;
}

function rig(start = 10_000, ids = { ssrc: 0xabcdef01, sequence: 65530, timestamp: 0xfffff000 }) {
  const clock = new FakeClock(start);
  const sent: Sent[] = [];
  const sender = new RtpSender(
    clock,
    (d) => {
      const r = parseRtp(d);
      assert.ok(r.ok);
      sent.push({ at: clock.now(), packet: r.packet });
    },
    8000,
    ids,
  );
  let held = false;
  const player = new Player({
    clock,
    sender,
    format: () => ({ codec: g711Codec('PCMA'), payloadType: 8, ptimeMs: 20 }),
    audioHeld: () => held,
  });
  return { clock, sender, sent, player, hold: (h: boolean) => (held = h) };
}

/** Lets the file reads finish (real I/O) without moving the fake clock. */
async function loaded(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'playback did not start');
}

describe('embedded Player (fake clock)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-player-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function wav(name: string, ms: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, encodeWav({ sampleRate: 8000, channels: 1, samples: generateTone(440, ms) }));
    return path;
  }

  it('sends one packet per 20 ms deadline, numbering continuously across files and wraps', async () => {
    const { clock, sent, player } = rig();
    const files = [await wav('a.wav', 130), await wav('b.wav', 70)]; // 200 ms: the join is mid-packet
    const done = player.play(files, 20);
    await loaded(() => sent.length === 1);
    clock.advance(1000);
    assert.deepEqual(await done, { playedMs: 200, interrupted: false });
    assert.equal(sent.length, 10);
    const t0 = sent[0]!.at;
    sent.forEach((s, i) => {
      assert.equal(s.at, t0 + 20 * i, `packet ${i} leaves on its deadline`);
      assert.equal(s.packet.sequence, (65530 + i) & 0xffff);
      assert.equal(s.packet.timestamp, (sent[0]!.packet.timestamp + 160 * i) >>> 0);
      assert.equal(s.packet.marker, i === 0);
      assert.equal(s.packet.payloadType, 8);
      assert.equal(s.packet.payload.length, 160);
    });
    assert.equal(clock.pending(), 0, 'no timer left after the play');
  });

  it('resolves after the last packet has played out, not when it is sent', async () => {
    const { clock, sent, player } = rig();
    let finished = false;
    const done = player.play([await wav('a.wav', 100)], 20).then((r) => ((finished = true), r));
    await loaded(() => sent.length === 1);
    clock.advance(80);
    await Promise.resolve();
    assert.equal(sent.length, 5);
    assert.equal(finished, false);
    clock.advance(20);
    assert.equal((await done).playedMs, 100);
  });

  it('stop() interrupts; the next play starts a talkspurt where the media clock is', async () => {
    const { clock, sent, player, sender } = rig();
    const first = player.play([await wav('long.wav', 1000)], 20);
    await loaded(() => sent.length === 1);
    clock.advance(290);
    player.stop();
    assert.deepEqual(await first, { playedMs: 300, interrupted: true });
    assert.equal(sent.length, 15);
    clock.advance(500); // half a second of silence
    const tsAtStart = sender.timestampNow();
    const second = player.play([await wav('short.wav', 40)], 20);
    await loaded(() => sent.length === 16);
    clock.advance(100);
    await second;
    const last = sent[14]!.packet;
    const next = sent[15]!.packet;
    assert.equal(next.sequence, (last.sequence + 1) & 0xffff);
    assert.equal(next.marker, true);
    assert.equal(next.timestamp, tsAtStart, 'the new talkspurt sits on the running media clock');
    // The last packet left 280 ms in, the next one 790 ms in: 510 ms on the 8 kHz clock.
    assert.equal((next.timestamp - last.timestamp) >>> 0, (790 - 280) * 8);
  });

  it('holds audio back while DTMF is being sent, and marks the packet after the hold', async () => {
    const { clock, sent, player, hold } = rig();
    const done = player.play([await wav('a.wav', 200)], 20);
    await loaded(() => sent.length === 1);
    clock.advance(40);
    hold(true);
    clock.advance(60);
    hold(false);
    clock.advance(200);
    assert.equal((await done).playedMs, 200);
    assert.equal(sent.length, 7, '3 packets were held back');
    assert.deepEqual(sent.map((s) => s.packet.marker), [true, false, false, true, false, false, false]);
    assert.equal((sent[3]!.packet.timestamp - sent[2]!.packet.timestamp) >>> 0, 4 * 160, 'timestamps keep real time');
  });

  it('a second play() interrupts the first', async () => {
    const { clock, sent, player } = rig();
    const first = player.play([await wav('a.wav', 1000)], 20);
    await loaded(() => sent.length === 1);
    clock.advance(100);
    const second = player.play([await wav('b.wav', 60)], 20);
    assert.equal((await first).interrupted, true);
    await loaded(() => sent.length === 7);
    clock.advance(100);
    assert.deepEqual(await second, { playedMs: 60, interrupted: false });
    assert.equal(clock.pending(), 0);
  });
});
