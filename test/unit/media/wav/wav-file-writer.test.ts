import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WavFileWriter, readWav } from '../../../../src/media/wav/index.js';

function ramp(n: number, from = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((from + i) % 30000) - 15000);
}

async function readBack(path: string): Promise<{ sampleRate: number; channels: number; samples: Int16Array }> {
  const result = readWav(await readFile(path));
  if (!result.ok) assert.fail(result.reason);
  return result;
}

describe('WavFileWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-wav-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes what it was given, in order, and reports frames and duration on close', async () => {
    const path = join(dir, 'a.wav');
    const writer = await WavFileWriter.open(path, { sampleRate: 8000, channels: 1, flushBytes: 1000 });
    const chunks = [ramp(160), ramp(160, 160), ramp(1000, 320), ramp(40, 1320)];
    for (const c of chunks) writer.write(c);
    assert.equal(writer.frames, 1360);
    const summary = await writer.close();
    assert.deepEqual(summary, { frames: 1360, durationMs: 170 });
    const read = await readBack(path);
    assert.equal(read.sampleRate, 8000);
    assert.deepEqual([...read.samples], [...ramp(1360)]);
    const raw = await readFile(path);
    assert.equal(raw.readUInt32LE(4), 36 + 2720);
    assert.equal(raw.readUInt32LE(40), 2720);
  });

  it('writes interleaved stereo and counts frames, not samples', async () => {
    const path = join(dir, 'stereo.wav');
    const writer = await WavFileWriter.open(path, { sampleRate: 8000, channels: 2 });
    writer.write(Int16Array.from([1, -1, 2, -2, 3, -3, 4, -4]));
    assert.deepEqual(await writer.close(), { frames: 4, durationMs: 1 });
    const read = await readBack(path);
    assert.equal(read.channels, 2);
    assert.deepEqual([...read.samples], [1, -1, 2, -2, 3, -3, 4, -4]);
  });

  it('leaves a readable file up to the last flushed write if the process dies before close', async () => {
    const path = join(dir, 'crash.wav');
    const writer = await WavFileWriter.open(path, { sampleRate: 8000, channels: 1, flushBytes: 320 });
    // Before any flush: only the placeholder header, which reads as an empty recording.
    assert.deepEqual([...(await readBack(path)).samples], []);
    writer.write(ramp(160)); // 320 bytes: triggers a flush
    await writer.flush(); // nothing more buffered: waits for that flush to complete
    writer.write(ramp(100, 160)); // stays buffered: lost in the "crash"
    // Simulate the crash: read the file as it is on disk now, without close().
    const onDisk = await readFile(path);
    assert.deepEqual([...(readWav(onDisk) as { samples: Int16Array }).samples], [...ramp(160)]);
    // A torn write (data of the next flush partly on disk, header not yet patched) is ignored.
    const torn = Buffer.concat([onDisk, Buffer.from([1, 2, 3, 4, 5])]);
    const tornRead = readWav(torn);
    assert.ok(tornRead.ok);
    assert.deepEqual([...tornRead.samples], [...ramp(160)]);
    await writer.close();
  });

  it('closes idempotently, and an empty recording is a valid empty WAV', async () => {
    const path = join(dir, 'empty.wav');
    const writer = await WavFileWriter.open(path, { sampleRate: 8000, channels: 1 });
    const [a, b] = await Promise.all([writer.close(), writer.close()]);
    assert.deepEqual(a, { frames: 0, durationMs: 0 });
    assert.equal(a, b);
    const raw = await readFile(path);
    assert.equal(raw.length, 44);
    assert.equal(raw.readUInt32LE(40), 0);
    assert.equal(raw.readUInt32LE(4), 36);
  });

  it('refuses writes after close and writes of partial frames', async () => {
    const writer = await WavFileWriter.open(join(dir, 'x.wav'), { sampleRate: 8000, channels: 2 });
    assert.throws(() => writer.write(new Int16Array(3)), RangeError);
    await writer.close();
    assert.throws(() => writer.write(new Int16Array(2)), /after close/);
  });

  it('rejects open() for a path it cannot create, and bad formats', async () => {
    await assert.rejects(WavFileWriter.open(join(dir, 'missing', 'x.wav'), { sampleRate: 8000, channels: 1 }), /ENOENT/);
    await assert.rejects(WavFileWriter.open(join(dir, 'y.wav'), { sampleRate: 0, channels: 1 }), RangeError);
  });
});
