/** RedisEventLog against a real redis-server started for this file (test/helpers/redis-server.ts). */
import assert from 'node:assert/strict';
import { RedisEventLog, type UnreadableEntry } from '../../src/events/index.js';
import { eventLogContract } from '../contract/event-log.contract.js';
import { callStarted } from '../contract/call-event-samples.js';
import { useRedisServer } from '../helpers/redis-server.js';

describe('RedisEventLog (redis-server)', function () {
  this.timeout(20_000);
  let stream = '';
  let n = 0;
  const client = useRedisServer();

  describe('EventLog contract', () => {
    eventLogContract(() => ({
      async reset() {
        stream = `test:events:${++n}`;
      },
      async open() {
        const log = new RedisEventLog({ redis: client(), stream });
        await log.start();
        return log;
      },
    }));
  });

  it('trims the stream to about maxLen and reports trimmed pending entries as unreadable', async () => {
    const unreadable: UnreadableEntry[] = [];
    const key = `test:events:trim:${++n}`;
    const log = new RedisEventLog({ redis: client(), stream: key, maxLen: 10, onUnreadable: (u) => unreadable.push(u) });
    await log.start();
    try {
      const first = await log.append(callStarted(0));
      assert.equal((await log.read('g', 'c1', 1, 0)).length, 1);
      for (let i = 1; i < 300; i++) await log.append(callStarted(i));
      const probe = client();
      const len = await probe.xlen(key);
      await probe.quit();
      assert.ok(len < 300, `stream holds ${len} entries`);
      // The first entry was delivered and then trimmed: XAUTOCLAIM finds it gone.
      assert.deepEqual(await log.claimStale('g', 'c2', 0, 10), []);
      assert.deepEqual(unreadable.map((u) => u.id), [first.id]);
      assert.equal(await log.pending('g'), len, 'only what is left in the stream is pending');
      assert.equal((await log.read('g', 'c1', 1000, 0)).length, len);
    } finally {
      await log.close();
    }
  });

  it('recreates its consumer group when Redis lost it', async () => {
    const key = `test:events:nogroup:${++n}`;
    const log = new RedisEventLog({ redis: client(), stream: key });
    await log.start();
    try {
      await log.append(callStarted(1));
      assert.equal((await log.read('g', 'c1', 10, 0)).length, 1);
      const probe = client();
      await probe.call('XGROUP', 'DESTROY', key, 'g');
      await probe.quit();
      const again = await log.read('g', 'c1', 10, 0);
      assert.deepEqual(again.map((x) => x.event.callId), ['call-1']);
    } finally {
      await log.close();
    }
  });
});
