import assert from 'node:assert/strict';
import { DigitCollector } from '../../../../src/media/fsmrf/digit-collector.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** Lets the collector's promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('fsmrf: DigitCollector (collectDigits from DTMF events)', () => {
  let clock: FakeClock;
  let collector: DigitCollector;
  beforeEach(() => {
    clock = new FakeClock();
    collector = new DigitCollector(clock);
  });
  afterEach(() => {
    assert.equal(clock.pending(), 0, 'no timer left behind');
  });

  it('gives up after timeoutMs without a first digit', async () => {
    let result: string | undefined;
    void collector.collect({ maxDigits: 4, timeoutMs: 1_000 }).then((d) => (result = d));
    clock.advance(999);
    await settle();
    assert.equal(result, undefined);
    clock.advance(1);
    await settle();
    assert.equal(result, '');
  });

  it('switches to the inter-digit timeout after the first digit', async () => {
    let result: string | undefined;
    void collector.collect({ maxDigits: 4, timeoutMs: 5_000, interDigitTimeoutMs: 300 }).then((d) => (result = d));
    clock.advance(4_000);
    collector.push('1');
    clock.advance(299);
    collector.push('2');
    clock.advance(299);
    await settle();
    assert.equal(result, undefined);
    clock.advance(1);
    await settle();
    assert.equal(result, '12');
  });

  it('ends on maxDigits or a terminator, which is not part of the result', async () => {
    const two = collector.collect({ maxDigits: 2 });
    collector.push('4');
    collector.push('5');
    assert.equal(await two, '45');
    const pin = collector.collect({ maxDigits: 10, terminators: '*#' });
    for (const d of ['9', '9', '*']) collector.push(d);
    assert.equal(await pin, '99');
  });

  it('keeps digits nobody collects (type-ahead) until cleared, the last 32 at most', async () => {
    collector.push('1');
    collector.clearTypeAhead(); // a play() started
    collector.push('2');
    collector.push('3');
    assert.equal(await collector.collect({ maxDigits: 1 }), '2');
    const rest = collector.collect({ maxDigits: 1, timeoutMs: 10 });
    clock.advance(10);
    assert.equal(await rest, '', 'the rest of the type-ahead went with the first collect');
    for (let i = 0; i < 40; i++) collector.push(String(i % 10));
    const all = collector.collect({ maxDigits: 40, interDigitTimeoutMs: 10 });
    clock.advance(10);
    assert.equal((await all).length, 32);
  });

  it('a type-ahead terminator ends the next collection at once', async () => {
    collector.push('#');
    collector.push('7');
    assert.equal(await collector.collect({ maxDigits: 3 }), '');
  });

  it('a second collect() while one runs is MEDIA_BUSY; finish() ends the first with what it has', async () => {
    const first = collector.collect({ maxDigits: 4 });
    collector.push('8');
    await assert.rejects(collector.collect({ maxDigits: 1 }), (err: unknown) => err instanceof LinegateError && err.code === 'MEDIA_BUSY');
    collector.finish();
    assert.equal(await first, '8');
  });
});
