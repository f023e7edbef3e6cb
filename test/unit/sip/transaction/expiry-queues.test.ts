import assert from 'node:assert/strict';
import { ExpiryQueues } from '../../../../src/sip/transaction/expiry-queues.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

class Owner {
  expiryGen = 0;
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly clock: FakeClock,
  ) {}

  fire(this: Owner): void {
    this.log.push(`${this.name}@${this.clock.now()}`);
  }
}

describe('ExpiryQueues: the waits after a final response, one Clock timer per duration', () => {
  let clock: FakeClock;
  let log: string[];
  let q: ExpiryQueues;
  const owner = (name: string): Owner => new Owner(name, log, clock);
  beforeEach(() => {
    clock = new FakeClock();
    log = [];
    q = new ExpiryQueues(clock);
  });

  it('fires each owner at its own time, in order, with one timer per duration', () => {
    const a = owner('a');
    const b = owner('b');
    const c = owner('c');
    q.after(a, 32_000, Owner.prototype.fire);
    clock.advance(10);
    q.after(b, 32_000, Owner.prototype.fire);
    q.after(c, 5_000, Owner.prototype.fire);
    assert.equal(clock.pending(), 2, 'one timer for 32 s, one for 5 s');
    clock.advance(40_000);
    assert.deepEqual(log, ['c@5010', 'a@32000', 'b@32010']);
    assert.equal(clock.pending(), 0);
    assert.equal(q.size(), 0);
  });

  it('cancel() and a newer after() supersede an entry; stale entries are skipped, not fired', () => {
    const a = owner('a');
    const b = owner('b');
    q.after(a, 1000, Owner.prototype.fire);
    q.after(b, 1000, Owner.prototype.fire);
    q.cancel(a);
    clock.advance(500);
    q.after(b, 1000, Owner.prototype.fire); // restarted: fires at 1500, not 1000
    clock.advance(2000);
    assert.deepEqual(log, ['b@1500']);
    assert.equal(clock.pending(), 0);
  });

  it('a fire may schedule again (the same queue included)', () => {
    const a = owner('a');
    const again = function (this: Owner): void {
      log.push(`again@${clock.now()}`);
      q.after(this, 1000, Owner.prototype.fire);
    };
    q.after(a, 1000, again);
    clock.advance(3000);
    assert.deepEqual(log, ['again@1000', 'a@2000']);
  });

  it('an owner that throws does not stall the others; the error surfaces from the timer', () => {
    const bad = owner('bad');
    const good = owner('good');
    const late = owner('late');
    q.after(bad, 1000, () => {
      throw new Error('boom');
    });
    q.after(good, 1000, Owner.prototype.fire);
    clock.advance(100);
    q.after(late, 1000, Owner.prototype.fire);
    assert.throws(() => clock.advance(1000), /boom/);
    assert.deepEqual(log, ['good@1000']);
    clock.advance(1000);
    assert.deepEqual(log, ['good@1000', 'late@1100'], 'the queue was re-armed before the error surfaced');
  });

  it('close() drops everything without firing and leaves no timer', () => {
    q.after(owner('a'), 1000, Owner.prototype.fire);
    q.after(owner('b'), 5000, Owner.prototype.fire);
    q.close();
    assert.equal(clock.pending(), 0);
    clock.advance(10_000);
    assert.deepEqual(log, []);
  });

  it('holds a long run of entries and drops the ones it has run (compaction)', () => {
    const owners = Array.from({ length: 5000 }, (_, i) => owner(`o${i}`));
    for (const o of owners) {
      q.after(o, 1000, Owner.prototype.fire);
      clock.advance(1);
      assert.ok(q.size() <= 1000, `${q.size()} entries held: the ones run are dropped`);
    }
    clock.advance(1000);
    assert.deepEqual(log.slice(0, 2), ['o0@1000', 'o1@1001']);
    assert.equal(log.length, 5000);
    assert.equal(log[4999], 'o4999@5999');
    assert.equal(q.size(), 0);
  });
});
