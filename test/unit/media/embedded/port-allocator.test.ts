import assert from 'node:assert/strict';
import { PortAllocator } from '../../../../src/media/embedded/port-allocator.js';

describe('embedded PortAllocator', () => {
  it('hands out even RTP ports whose RTCP port (+1) stays in the range', () => {
    const a = new PortAllocator({ min: 10001, max: 10006 });
    assert.equal(a.capacity, 2);
    assert.deepEqual([a.allocate(), a.allocate(), a.allocate()], [10002, 10004, undefined]);
    assert.equal(a.inUse, 2);
  });

  it('does not reuse a released port before the rest of the range', () => {
    const a = new PortAllocator({ min: 20000, max: 20005 });
    const p1 = a.allocate();
    const p2 = a.allocate();
    a.release(p1!);
    assert.equal(a.allocate(), 20004, 'the unused port comes first');
    assert.equal(a.allocate(), p1, 'then the released one');
    assert.equal(a.allocate(), undefined);
    a.release(p2!);
    assert.equal(a.allocate(), p2);
  });

  it('rejects ranges without a single pair', () => {
    assert.throws(() => new PortAllocator({ min: 30001, max: 30001 }), RangeError);
    assert.throws(() => new PortAllocator({ min: 0, max: 70000 }), RangeError);
  });
});
