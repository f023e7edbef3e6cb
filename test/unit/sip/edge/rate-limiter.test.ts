import assert from 'node:assert/strict';
import { AddressRangeSet, RateLimiter, createEdgeCounters, type RateLimiterOptions } from '../../../../src/sip/edge/index.js';

function limiter(overrides: Partial<RateLimiterOptions> = {}): RateLimiter {
  return new RateLimiter({ requestsPerSecond: 10, burst: 5, banMs: 60_000, maxTrackedAddresses: 1000, ...overrides });
}

function exemptSet(entries: string[]): AddressRangeSet {
  const built = AddressRangeSet.from(entries);
  assert.ok(built.ok, 'exempt entries parse');
  return built.set;
}

/** Sends `n` requests at time `now` and returns the decisions. */
function burstAt(l: RateLimiter, address: string, now: number, n: number): string[] {
  return Array.from({ length: n }, () => l.check(address, now));
}

describe('RateLimiter', () => {
  const A = '192.0.2.1';
  const B = '192.0.2.2';

  describe('token bucket', () => {
    it('a new source may send `burst` requests at once; the next one overflows', () => {
      const l = limiter();
      assert.deepEqual(burstAt(l, A, 1000, 5), ['allow', 'allow', 'allow', 'allow', 'allow']);
      assert.equal(l.check(A, 1000), 'ban');
    });

    it('refills at requestsPerSecond: 10/s gives one token per 100 ms, exactly', () => {
      const l = limiter({ banMs: 1 });
      burstAt(l, A, 0, 5); // bucket empty at t=0
      assert.equal(l.check(A, 100), 'allow'); // +1 token at 100 ms
      assert.equal(l.check(A, 199), 'ban'); // only 0.99 token by then
    });

    it('partial tokens carry over: 150 ms = 1.5 tokens → one request, 0.5 left', () => {
      const l = limiter({ banMs: 1 });
      burstAt(l, A, 0, 5);
      assert.equal(l.check(A, 150), 'allow'); // 1.5 tokens → 0.5
      assert.equal(l.check(A, 200), 'allow'); // 0.5 + 0.5 = 1 → 0
      assert.equal(l.check(A, 200), 'ban');
    });

    it('never holds more than `burst` tokens however long the source was quiet', () => {
      const l = limiter();
      burstAt(l, A, 0, 5);
      assert.deepEqual(burstAt(l, A, 3_600_000, 5), Array(5).fill('allow'));
      assert.equal(l.check(A, 3_600_000), 'ban');
    });

    it('a source sending exactly at the rate is never limited', () => {
      const l = limiter({ burst: 1 });
      for (let t = 0; t <= 10_000; t += 100) assert.equal(l.check(A, t), 'allow', `at ${t} ms`);
    });

    it('a clock stepping backwards refills nothing', () => {
      const l = limiter();
      burstAt(l, A, 10_000, 5);
      assert.equal(l.check(A, 5_000), 'ban');
    });
  });

  describe('bans', () => {
    it('"ban" once when it starts, then "drop" until banMs has passed, then a fresh bucket', () => {
      const counters = createEdgeCounters();
      const l = limiter({ banMs: 30_000, counters });
      burstAt(l, A, 1000, 5);
      assert.equal(l.check(A, 1000), 'ban');
      assert.equal(l.isBanned(A, 1000), true);
      assert.equal(l.check(A, 1000), 'drop');
      assert.equal(l.check(A, 30_999), 'drop'); // last millisecond of the ban
      assert.equal(l.isBanned(A, 30_999), true);
      assert.equal(l.isBanned(A, 31_000), false);
      assert.deepEqual(burstAt(l, A, 31_000, 5), Array(5).fill('allow')); // ban over: full bucket
      assert.equal(l.check(A, 31_000), 'ban'); // and a second overflow bans again
      assert.deepEqual(counters, { scannerRejected: 0, scannerDropped: 0, rateLimited: 4, bansStarted: 2, activeBans: 1 });
    });

    it('requests during a ban do not extend it', () => {
      const l = limiter({ banMs: 10_000 });
      burstAt(l, A, 0, 6);
      for (let t = 0; t < 10_000; t += 500) assert.equal(l.check(A, t), 'drop');
      assert.equal(l.check(A, 10_000), 'allow');
    });

    it('the ban is per source: another address is unaffected', () => {
      const l = limiter();
      burstAt(l, A, 0, 6);
      assert.equal(l.check(A, 1), 'drop');
      assert.deepEqual(burstAt(l, B, 1, 5), Array(5).fill('allow'));
      assert.equal(l.isBanned(B, 1), false);
    });
  });

  describe('exemptions', () => {
    const cases: Array<[string, string[], string, string]> = [
      ['IPv4 CIDR', ['10.0.0.0/8'], '10.200.3.4', '11.0.0.1'],
      ['IPv6 CIDR', ['2001:db8::/32'], '2001:db8:ffff::1', '2001:db9::1'],
      ['exact IPv4', ['127.0.0.1'], '127.0.0.1', '127.0.0.2'],
      ['exact IPv6', ['::1'], '::1', '::2'],
      ['IPv4 CIDR vs an IPv4-mapped peer', ['198.51.100.0/24'], '::ffff:198.51.100.7', '::ffff:198.51.101.7'],
    ];
    for (const [name, entries, inside, outside] of cases) {
      it(`${name}: ${inside} is never limited, ${outside} is`, () => {
        const l = limiter({ exempt: exemptSet(entries) });
        assert.deepEqual(burstAt(l, inside, 0, 1000), Array(1000).fill('allow'));
        assert.equal(l.trackedAddresses, 0, 'exempt sources are not tracked');
        assert.deepEqual(burstAt(l, outside, 0, 6), [...Array(5).fill('allow'), 'ban']);
      });
    }
  });

  describe('bounded memory', () => {
    it('tracks at most maxTrackedAddresses under 100k distinct sources', () => {
      const l = limiter({ maxTrackedAddresses: 5000 });
      for (let i = 0; i < 100_000; i++) {
        const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        assert.equal(l.check(address, i), 'allow');
        if (l.trackedAddresses > 5000) assert.fail(`tracked ${l.trackedAddresses} after ${i + 1} sources`);
      }
      assert.equal(l.trackedAddresses, 5000);
    });

    it('evicts the least recently seen source, and a ban evicted with it stops counting', () => {
      const counters = createEdgeCounters();
      const l = limiter({ maxTrackedAddresses: 2, counters });
      burstAt(l, A, 0, 6); // A banned
      assert.equal(counters.activeBans, 1);
      l.check(B, 1);
      l.check(A, 2); // A touched: now B is the oldest
      l.check('192.0.2.3', 3); // evicts B, not A
      assert.equal(l.isBanned(A, 3), true);
      l.check('192.0.2.4', 4); // evicts A (oldest now) with its ban
      assert.equal(l.isBanned(A, 4), false);
      assert.equal(counters.activeBans, 0);
      assert.equal(l.trackedAddresses, 2);
    });

    it('sweep forgets only sources indistinguishable from new ones, and ends expired bans', () => {
      const counters = createEdgeCounters();
      const l = limiter({ banMs: 10_000, counters });
      burstAt(l, A, 0, 6); // A banned until 10 000
      burstAt(l, B, 0, 2); // B has 3 tokens; full again at 200 ms
      l.check('192.0.2.3', 0); // 4 tokens; full at 100 ms
      assert.equal(l.sweep(100), 1);
      assert.equal(l.trackedAddresses, 2);
      assert.equal(l.sweep(200), 1);
      assert.equal(l.sweep(9_999), 0);
      assert.equal(counters.activeBans, 1);
      assert.equal(l.sweep(10_000), 1);
      assert.equal(l.trackedAddresses, 0);
      assert.equal(counters.activeBans, 0);
      assert.equal(counters.bansStarted, 1);
    });
  });
});
