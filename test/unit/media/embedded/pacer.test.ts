import assert from 'node:assert/strict';
import { Pacer } from '../../../../src/media/embedded/pacer.js';
import type { Clock } from '../../../../src/shared/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** A clock whose timers always fire `lateMs` after they were due, like a busy event loop. */
class LateClock implements Clock {
  constructor(
    private readonly inner: FakeClock,
    private readonly lateMs: number,
  ) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number) {
    return this.inner.setTimeout(fn, ms + this.lateMs);
  }
  clearTimeout(h: Parameters<Clock['clearTimeout']>[0]): void {
    this.inner.clearTimeout(h);
  }
}

describe('embedded Pacer (absolute deadlines)', () => {
  it('ticks at start + n × interval and stops cleanly', () => {
    const clock = new FakeClock(1000);
    const at: number[] = [];
    const pacer = new Pacer(clock, 20, (i) => {
      at.push(clock.now());
      return i < 4;
    });
    pacer.start();
    assert.deepEqual(at, [1000], 'tick 0 runs at once');
    clock.advance(200);
    assert.deepEqual(at, [1000, 1020, 1040, 1060, 1080]);
    assert.equal(pacer.active, false);
    assert.equal(clock.pending(), 0, 'no timer left behind');
  });

  it('does not drift when every wake-up is late: it catches up on the next one', () => {
    const fake = new FakeClock(0);
    const clock = new LateClock(fake, 7);
    const due: number[] = [];
    const pacer = new Pacer(clock, 20, (_i, dueAt) => {
      due.push(dueAt);
    });
    pacer.start();
    fake.advance(10_000);
    pacer.stop();
    // 10 s of 20 ms ticks: 501 ticks (0 … 10 000), despite 7 ms lateness on every timer.
    assert.ok(due.length >= 500 && due.length <= 501, `got ${due.length} ticks`);
    due.forEach((d, i) => assert.equal(d, i * 20));
    assert.equal(fake.pending(), 0);
  });

  it('stop() from outside cancels the pending timer', () => {
    const clock = new FakeClock();
    let n = 0;
    const pacer = new Pacer(clock, 20, () => {
      n++;
    });
    pacer.start();
    clock.advance(50);
    pacer.stop();
    clock.advance(100);
    assert.equal(n, 3);
    assert.equal(clock.pending(), 0);
  });
});
