import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type Mrf from 'drachtio-fsmrf';
import { MediaServerPool } from '../../../../src/media/fsmrf/media-server-pool.js';
import { SILENT_LOGGER } from '../../../../src/media/fsmrf/fsmrf-logger.js';
import { LinegateError, systemClock } from '../../../../src/shared/index.js';

/** The parts of an fsmrf MediaServer the pool reads. */
class StubServer extends EventEmitter {
  maxSessions = 0;
  currentSessions = NaN;
  up = true;
  disconnected = false;
  constructor(readonly address: string) {
    super();
  }
  connected(): boolean {
    return this.up;
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

/** An Mrf whose connect() answers from a table (a missing address fails). */
function stubMrf(servers: Record<string, StubServer>): Mrf {
  return {
    connect: (o: Mrf.ConnectOptions) => {
      const s = servers[`${o.address}:${o.port}`];
      return s ? Promise.resolve(s as unknown as Mrf.MediaServer) : Promise.reject(new Error('connect ECONNREFUSED'));
    },
  } as unknown as Mrf;
}

describe('fsmrf: MediaServerPool (which FreeSWITCH gets the next endpoint)', () => {
  const a = (): StubServer => new StubServer('a');
  const options = { clock: systemClock, timeoutMs: 1_000, logger: SILENT_LOGGER };

  it('round robin while loads are equal, least loaded otherwise', async () => {
    const s = { 'a:8021': a(), 'b:8021': a(), 'c:8021': a() };
    const pool = new MediaServerPool([{ address: 'a' }, { address: 'b' }, { address: 'c' }]);
    await pool.connect(stubMrf(s), options);
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = pool.pick();
      assert.ok(m);
      picks.push(m.key);
      m.endpoints++;
    }
    assert.deepEqual(picks, ['a:8021', 'b:8021', 'c:8021', 'a:8021', 'b:8021', 'c:8021']);
    s['b:8021'].currentSessions = 1; // heartbeat lower than our own count: ours counts
    s['c:8021'].currentSessions = 50; // another app loads c
    assert.deepEqual([pool.pick()?.key, pool.pick()?.key], ['a:8021', 'b:8021']);
  });

  it('skips servers that are disconnected or full by their heartbeat', async () => {
    const s = { 'a:8021': a(), 'b:8021': a() };
    const pool = new MediaServerPool([{ address: 'a' }, { address: 'b' }]);
    await pool.connect(stubMrf(s), options);
    s['a:8021'].up = false;
    assert.equal(pool.pick()?.key, 'b:8021');
    s['b:8021'].maxSessions = 10;
    s['b:8021'].currentSessions = 10;
    assert.equal(pool.pick(), undefined);
  });

  it('connect() succeeds with one server out of two, fails with none, and disconnect() releases them', async () => {
    const s = { 'a:8021': a() };
    const pool = new MediaServerPool([{ address: 'a' }, { address: 'down' }]);
    await pool.connect(stubMrf(s), options);
    assert.equal(pool.pick()?.key, 'a:8021');
    pool.disconnect();
    assert.equal(s['a:8021'].disconnected, true);
    assert.equal(pool.pick(), undefined);
    const none = new MediaServerPool([{ address: 'down', port: 9 }]);
    await assert.rejects(none.connect(stubMrf(s), options), (err: unknown) => {
      return err instanceof LinegateError && err.code === 'MEDIA_SERVER_UNAVAILABLE' && /down:9: connect ECONNREFUSED/.test(err.message);
    });
  });

  it('a connect() that never settles is bounded by the timeout', async () => {
    const pool = new MediaServerPool([{ address: 'slow' }]);
    const never = { connect: () => new Promise(() => undefined) } as unknown as Mrf;
    await assert.rejects(pool.connect(never, { ...options, timeoutMs: 30 }), /no answer within 30 ms/);
  });
});
