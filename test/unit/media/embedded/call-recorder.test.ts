import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyEnvelope, generateTone } from '../../../../src/media/dsp/index.js';
import { CallRecorder } from '../../../../src/media/embedded/call-recorder.js';
import type { EndpointCore, InboundTap } from '../../../../src/media/embedded/endpoint-core.js';
import type { RtpPacket } from '../../../../src/media/rtp/index.js';
import { readWav } from '../../../../src/media/wav/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

function fakeEndpoint(id: string) {
  const taps = new Set<InboundTap>();
  const ep = { id, busySending: false, addTap: (t: InboundTap) => (taps.add(t), () => taps.delete(t)) } as unknown as EndpointCore;
  const deliver = (pcm: Int16Array) => {
    for (const t of taps) t.onAudio?.({} as RtpPacket, 'PCMU', () => pcm);
  };
  return { ep, deliver, taps };
}

describe('embedded CallRecorder (fake clock)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-callrec-'));
    clock = new FakeClock(0);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function channels(path: string): Promise<[Int16Array, Int16Array]> {
    const w = readWav(await readFile(path));
    assert.ok(w.ok);
    assert.equal(w.channels, 2);
    return [w.samples.filter((_s, i) => i % 2 === 0), w.samples.filter((_s, i) => i % 2 === 1)];
  }

  /**
   * Left packets arrive 1 ms after each tick, right ones with 0–17 ms of jitter; both
   * parties start talking 200 ms in and stop 1 s later.
   */
  it('keeps the two sides aligned and gap-free despite different arrival jitter', async () => {
    const left = fakeEndpoint('a');
    const right = fakeEndpoint('b');
    const path = join(dir, 'c.wav');
    let stopped = 0;
    const rec = await CallRecorder.start(path, clock, left.ep, right.ep, () => stopped++);
    const l = generateTone(440, 1000);
    const r = generateTone(1000, 1000);
    const jitter = [0, 17, 3, 12, 9, 15, 1, 6];
    const events: Array<{ at: number; run: () => void }> = [];
    for (let i = 0; i < 50; i++) {
      const at = 200 + 20 * i;
      events.push({ at: at + 1, run: () => left.deliver(l.subarray(i * 160, (i + 1) * 160)) });
      events.push({ at: at + jitter[i % jitter.length]!, run: () => right.deliver(r.subarray(i * 160, (i + 1) * 160)) });
    }
    events.sort((x, y) => x.at - y.at);
    for (const e of events) {
      clock.advanceTo(e.at);
      e.run();
    }
    clock.advanceTo(1400);
    const { durationMs } = await rec.stop();
    assert.equal(stopped, 1);
    assert.equal(left.taps.size + right.taps.size, 0, 'taps removed');
    assert.equal(clock.pending(), 0);
    assert.equal(durationMs, 1420, 'one 20 ms frame per tick from 0 to 1400 ms');
    const [lc, rc] = await channels(path);
    const loudL = [...energyEnvelope(lc, 20)].map((e) => e > 0.1);
    const loudR = [...energyEnvelope(rc, 20)].map((e) => e > 0.1);
    const onL = loudL.indexOf(true);
    const onR = loudR.indexOf(true);
    assert.ok(Math.abs(onL - onR) <= 1, `onsets ${onL} / ${onR}`);
    assert.equal(loudL.filter(Boolean).length, 50, 'left: every frame, no holes');
    assert.equal(loudR.filter(Boolean).length, 50, 'right: every frame, no holes');
    assert.equal(loudL.lastIndexOf(true) - onL, 49);
    assert.equal(loudR.lastIndexOf(true) - onR, 49);
  });

  it('writes silence on both sides while paused, keeping wall-clock time', async () => {
    const left = fakeEndpoint('a');
    const right = fakeEndpoint('b');
    const path = join(dir, 'p.wav');
    const rec = await CallRecorder.start(path, clock, left.ep, right.ep, () => {});
    const frame = generateTone(440, 20);
    for (let i = 0; i < 75; i++) {
      if (i === 25) await rec.pause();
      if (i === 50) await rec.resume();
      clock.advanceTo(20 * i + 5);
      left.deliver(frame);
      right.deliver(frame);
    }
    clock.advanceTo(1500);
    assert.equal((await rec.stop()).durationMs, 1520);
    const [lc, rc] = await channels(path);
    for (const c of [lc, rc]) {
      const loud = [...energyEnvelope(c, 100)].map((e) => e > 0.1);
      assert.deepEqual(loud.slice(1, 5), [true, true, true, true]);
      assert.deepEqual(loud.slice(6, 10), [false, false, false, false]);
      assert.deepEqual(loud.slice(11, 14), [true, true, true]);
    }
  });

  it('drops the oldest audio of a side that bursts, so it cannot fall behind', async () => {
    const left = fakeEndpoint('a');
    const right = fakeEndpoint('b');
    const path = join(dir, 'b.wav');
    const rec = await CallRecorder.start(path, clock, left.ep, right.ep, () => {});
    clock.advanceTo(100);
    for (let i = 0; i < 50; i++) left.deliver(generateTone(440, 20)); // one second arrives at once
    clock.advanceTo(1000);
    await rec.stop();
    const [lc] = await channels(path);
    const loud = [...energyEnvelope(lc, 20)].filter((e) => e > 0.1).length;
    assert.ok(loud <= 11, `at most ~200 ms of the burst is kept (${loud} frames)`);
  });
});
