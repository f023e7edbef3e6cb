import assert from 'node:assert/strict';
import { DEFAULT_RETRY, fullJitterDelay, parseLimitInfo } from '../../../../src/crm/index.js';

describe('fullJitterDelay', () => {
  it('draws from [0, base·2^(n−1)) capped at maxMs', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    assert.equal(fullJitterDelay(1, policy, () => 0), 0);
    assert.equal(fullJitterDelay(1, policy, () => 0.999), 99);
    assert.equal(fullJitterDelay(3, policy, () => 0.5), 200);
    assert.equal(fullJitterDelay(10, policy, () => 0.999), 999);
    assert.equal(fullJitterDelay(1000, policy, () => 0.5), 500);
  });

  it('has sane defaults', () => {
    assert.deepEqual(DEFAULT_RETRY, { baseMs: 500, maxMs: 30_000, maxAttempts: 5 });
  });
});

describe('parseLimitInfo', () => {
  it('reads api-usage with or without other entries', () => {
    assert.deepEqual(parseLimitInfo('api-usage=18/5000'), { used: 18, max: 5000 });
    assert.deepEqual(parseLimitInfo('api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)'), { used: 25, max: 5000 });
    assert.deepEqual(parseLimitInfo('api-usage=110018/100000; api-bursts=1/750'), { used: 110018, max: 100000 });
  });

  it('ignores missing or malformed headers', () => {
    assert.equal(parseLimitInfo(undefined), undefined);
    assert.equal(parseLimitInfo('per-app-api-usage=17/250'), undefined);
    assert.equal(parseLimitInfo('api-usage=5/0'), undefined);
    assert.equal(parseLimitInfo('api-usage=abc'), undefined);
  });
});
