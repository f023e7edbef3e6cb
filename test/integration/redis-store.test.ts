/** RedisStore against a real redis-server started for this file (test/helpers/redis-server.ts). */
import assert from 'node:assert/strict';
import { RedisStore } from '../../src/state/index.js';
import { storeContract } from '../contract/store.contract.js';
import { useRedisServer } from '../helpers/redis-server.js';

describe('RedisStore (redis-server)', function () {
  this.timeout(20_000);
  let prefix = '';
  let n = 0;
  const client = useRedisServer();

  describe('Store contract', () => {
    storeContract(() => ({
      async reset() {
        prefix = `test${++n}:`;
      },
      async open() {
        const store = new RedisStore({ redis: client(), prefix });
        await store.start();
        return store;
      },
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }));
  });

  it('writes the keys of the key table under its prefix, with their TTLs', async () => {
    const redis = client();
    const store = new RedisStore({ redis: client(), prefix: 'keys:' });
    await store.start();
    try {
      await store.putSettings('u1', { a: 1 }, 0);
      await store.putBinding('sip:a@x', { contact: 'sip:a@h', callId: 'c', cseq: 1 }, 60_000);
      await store.putNonce('abc', 30_000, 30_000);
      await store.incrCounter('authfail.source', '10.0.0.1');
      await store.pushRecentCall('u1', { callId: 'c', direction: 'inbound', from: 'a', to: 'b', startedAt: '2024-05-01T12:00:00Z' });
      await store.kvSet('x', 1, 5000);
      const keys = (await redis.keys('keys:*')).sort();
      assert.deepEqual(keys, ['keys:counter:authfail:source:10.0.0.1', 'keys:kv:x', 'keys:nonce:abc', 'keys:recent:u1', 'keys:reg:sip:a@x', 'keys:settings:u1']);
      assert.equal(await redis.pttl('keys:settings:u1'), -1, 'settings never expire');
      const regTtl = await redis.pttl('keys:reg:sip:a@x');
      assert.ok(regTtl > 50_000 && regTtl <= 60_000, `reg ttl ${regTtl}`);
      const nonceTtl = await redis.pttl('keys:nonce:abc');
      assert.ok(nonceTtl > 55_000 && nonceTtl <= 60_000, `nonce ttl ${nonceTtl}`);
    } finally {
      await store.close();
      await redis.quit();
    }
  });

  it('skips a recent-call entry that is not what it wrote', async () => {
    const redis = client();
    const store = new RedisStore({ redis: client(), prefix: 'junk:' });
    await store.start();
    try {
      await store.pushRecentCall('u1', { callId: 'c1', direction: 'inbound', from: 'a', to: 'b', startedAt: '2024-05-01T12:00:00Z' });
      await redis.lpush('junk:recent:u1', 'not json', '{"callId":5}');
      assert.deepEqual((await store.listRecentCalls('u1')).map((c) => c.callId), ['c1']);
    } finally {
      await store.close();
      await redis.quit();
    }
  });
});
