import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameEnergyDb, generateTone } from '../../../../src/media/dsp/index.js';
import { Recorder } from '../../../../src/media/embedded/recorder.js';
import type { RecordOptions } from '../../../../src/media/media-port.js';
import { readWav } from '../../../../src/media/wav/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const TONE = generateTone(1000, 20);
const QUIET = new Int16Array(160);

describe('embedded Recorder (fake clock)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-rec-'));
    clock = new FakeClock(0);
  });
  afterEach(async () => {
    assert.equal(clock.pending(), 0, 'the recorder left a timer behind');
    await rm(dir, { recursive: true, force: true });
  });

  /** Feeds frames 20 ms apart with consecutive timestamps; returns the next timestamp. */
  function feed(rec: Recorder, frames: Int16Array[], ts = 0, ssrc = 1): number {
    for (const f of frames) {
      rec.onAudio(f, ts, ssrc);
      ts += f.length;
      clock.advance(20);
    }
    return ts;
  }

  async function open(o: RecordOptions) {
    const path = join(dir, 'r.wav');
    return { path, rec: await Recorder.open(path, o, clock) };
  }

  async function samples(path: string): Promise<Int16Array> {
    const w = readWav(await readFile(path));
    assert.ok(w.ok);
    return w.samples;
  }

  const times = (n: number, f: Int16Array) => Array.from({ length: n }, () => f);

  it('ends after the silence timeout and trims the trailing silence', async () => {
    const { path, rec } = await open({ silenceTimeoutMs: 500 });
    feed(rec, [...times(30, TONE), ...times(40, QUIET)]);
    const r = await rec.done;
    assert.equal(r.reason, 'silence');
    assert.equal(r.durationMs, 600);
    const s = await samples(path);
    assert.equal(s.length, 4800);
    assert.ok(frameEnergyDb(s.subarray(4640)) > -20, 'the file ends on the tone');
  });

  it('keeps pauses between words, and ends on silence when packets stop altogether', async () => {
    const { rec } = await open({ silenceTimeoutMs: 1000 });
    feed(rec, [...times(10, TONE), ...times(20, QUIET), ...times(10, TONE)]);
    clock.advance(1000);
    const r = await rec.done;
    assert.equal(r.reason, 'silence');
    assert.equal(r.durationMs, 800, 'the 400 ms pause inside is kept');
  });

  it('fills lost packets with silence from the RTP timestamps, and drops late duplicates', async () => {
    const { path, rec } = await open({ silenceTimeoutMs: 2000 });
    let ts = feed(rec, times(5, TONE));
    ts += 2 * 160; // two packets lost
    ts = feed(rec, times(5, TONE), ts);
    rec.onAudio(TONE, ts - 160, 1); // a duplicate of the last one
    rec.stop('stopped');
    const r = await rec.done;
    assert.equal(r.durationMs, 240);
    const s = await samples(path);
    assert.equal(frameEnergyDb(s.subarray(800, 1120)), frameEnergyDb(new Int16Array(320)), 'the gap is silence');
  });

  it('drops the audio under a terminator digit and reports it', async () => {
    const { rec } = await open({ terminators: '#' });
    feed(rec, times(20, TONE));
    rec.onDigitStart();
    feed(rec, times(5, TONE), 20 * 160);
    assert.equal(rec.onDigit('#'), true, 'the terminator is consumed');
    const r = await rec.done;
    assert.deepEqual([r.reason, r.digit, r.durationMs], ['terminator', '#', 400]);
  });

  it('keeps audio under a digit that is not a terminator', async () => {
    const { rec } = await open({ terminators: '#' });
    feed(rec, times(10, TONE));
    rec.onDigitStart();
    feed(rec, times(5, TONE), 10 * 160);
    assert.equal(rec.onDigit('5'), false);
    feed(rec, times(5, TONE), 15 * 160);
    rec.stop('hangup');
    const r = await rec.done;
    assert.deepEqual([r.reason, r.durationMs], ['hangup', 400]);
  });

  it('stops at the maximum duration, by audio received or by the clock', async () => {
    const a = await open({ maxDurationMs: 300 });
    feed(a.rec, times(20, TONE));
    const r = await a.rec.done;
    assert.deepEqual([r.reason, r.durationMs], ['max-duration', 300]);
    const b = await Recorder.open(join(dir, 'b.wav'), { maxDurationMs: 300 }, clock);
    clock.advance(300);
    const rb = await b.done;
    assert.deepEqual([rb.reason, rb.durationMs], ['max-duration', 0]);
  });

  it('writes everything, silence included, when silence detection is off', async () => {
    const { rec } = await open({ silenceTimeoutMs: 0 });
    feed(rec, [...times(5, TONE), ...times(5, QUIET)]);
    rec.stop('stopped');
    assert.equal((await rec.done).durationMs, 200);
  });
});
