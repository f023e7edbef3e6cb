import assert from 'node:assert/strict';
import { worstLag } from '../../../../src/b2bua/call/index.js';
import type { LagReading, LagSource } from '../../../../src/b2bua/call/index.js';

/** A source that plays back readings and counts reads and closes. */
function scripted(readings: LagReading[]): LagSource & { reads: number; closed: number } {
  const s = {
    reads: 0,
    closed: 0,
    read(): LagReading {
      const r = readings[Math.min(s.reads, readings.length - 1)] as LagReading;
      s.reads++;
      return r;
    },
    close(): void {
      s.closed++;
    },
  };
  return s;
}

describe('b2bua/call: worstLag (the app loop and the engine thread together)', () => {
  it('takes the worse mean and the worse max of its sources, window by window', () => {
    const app = scripted([{ meanMs: 5, maxMs: 40 }, { meanMs: 180, maxMs: 200 }]);
    const engine = scripted([{ meanMs: 160, maxMs: 20 }, { meanMs: 1, maxMs: 2 }]);
    const lag = worstLag([app, engine]);
    assert.deepEqual(lag.read(), { meanMs: 160, maxMs: 40 });
    assert.deepEqual(lag.read(), { meanMs: 180, maxMs: 200 });
    assert.equal(app.reads, 2, 'every source is read each window (each starts its next one)');
    assert.equal(engine.reads, 2);
  });

  it('closes every source', () => {
    const a = scripted([{ meanMs: 0, maxMs: 0 }]);
    const b = scripted([{ meanMs: 0, maxMs: 0 }]);
    worstLag([a, b]).close();
    assert.deepEqual([a.closed, b.closed], [1, 1]);
  });
});
