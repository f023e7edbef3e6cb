import assert from 'node:assert/strict';
import { FakeClock } from '../../../helpers/fake-clock.js';

describe('FakeClock (test/helpers)', () => {
  it('fires due timers in due order, ties in scheduling order, with now() at each due time', () => {
    const clock = new FakeClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`b2@${clock.now()}`), 20);
    clock.advance(25);
    assert.deepEqual(log, ['a@1010', 'b1@1020', 'b2@1020']);
    assert.equal(clock.now(), 1025);
    assert.equal(clock.pending(), 1);
    clock.advance(5);
    assert.deepEqual(log, ['a@1010', 'b1@1020', 'b2@1020', 'c@1030']);
    assert.equal(clock.pending(), 0);
  });

  it('fires timers scheduled by callbacks within the same advance, never synchronously', () => {
    const clock = new FakeClock();
    const log: number[] = [];
    let runs = 0;
    const rearm = (): void => {
      log.push(clock.now());
      if (++runs < 4) clock.setTimeout(rearm, 100);
    };
    clock.setTimeout(rearm, 100);
    clock.setTimeout(() => log.push(-1), 0);
    assert.deepEqual(log, [], 'a 0 ms timer waits for advance()');
    clock.advance(350);
    assert.deepEqual(log, [-1, 100, 200, 300]);
    clock.advance(50);
    assert.deepEqual(log, [-1, 100, 200, 300, 400]);
    assert.equal(clock.pending(), 0);
  });

  it('clearTimeout cancels, is idempotent, ignores foreign and fired handles', () => {
    const clock = new FakeClock();
    const other = new FakeClock();
    let fired = 0;
    const h = clock.setTimeout(() => fired++, 10);
    const keep = clock.setTimeout(() => fired++, 10);
    const foreign = other.setTimeout(() => fired++, 10);
    clock.clearTimeout(h);
    clock.clearTimeout(h);
    clock.clearTimeout(foreign);
    clock.clearTimeout(undefined);
    assert.equal(clock.pending(), 1);
    assert.equal(other.pending(), 1);
    clock.advance(10);
    clock.clearTimeout(keep);
    assert.equal(fired, 1);
    assert.equal(clock.pending(), 0);
  });

  it('a firing timer can cancel another one, even one due at the same instant', () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const victims: Array<{ h?: ReturnType<FakeClock['setTimeout']> }> = [{}, {}];
    clock.setTimeout(() => {
      log.push('early');
      clock.clearTimeout(victims[0]!.h);
    }, 10);
    clock.setTimeout(() => {
      log.push('same-instant');
      clock.clearTimeout(victims[1]!.h);
    }, 20);
    victims[0]!.h = clock.setTimeout(() => log.push('victim0'), 20);
    victims[1]!.h = clock.setTimeout(() => log.push('victim1'), 20);
    clock.advance(30);
    assert.deepEqual(log, ['early', 'same-instant']);
    assert.equal(clock.pending(), 0);
  });

  it('runAll drains, nextDue reports, and negative or backward moves are refused', () => {
    const clock = new FakeClock();
    let n = 0;
    clock.setTimeout(() => n++, 5000);
    clock.setTimeout(() => n++, -5);
    assert.equal(clock.nextDue(), 0);
    clock.runAll();
    assert.equal(n, 2);
    assert.equal(clock.now(), 5000);
    assert.equal(clock.nextDue(), undefined);
    assert.throws(() => clock.advance(-1), RangeError);
    assert.throws(() => clock.advanceTo(10), RangeError);
    const forever = (): void => void clock.setTimeout(forever, 1);
    forever();
    assert.throws(() => clock.runAll(50), /still 1 timer/);
  });
});
