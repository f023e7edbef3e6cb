import assert from 'node:assert/strict';
import { systemClock } from '../../../src/shared/index.js';

describe('systemClock', () => {
  it('fires a timer after at least the delay and can cancel another', async () => {
    const start = systemClock.now();
    let cancelledFired = false;
    const h = systemClock.setTimeout(() => { cancelledFired = true; }, 5);
    systemClock.clearTimeout(h);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 20));
    assert.ok(systemClock.now() - start >= 19);
    assert.equal(cancelledFired, false);
  });
});
