/**
 * The numbers cache of src/b2bua/call/numbers.ts: bounded, and the same answers as
 * libphonenumber-js without it, per default country.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/numbers-cache.test.ts
 */
import assert from 'node:assert/strict';
import { NANP_NUMBERING } from '../../../../src/call/index.js';
import { normaliseDialled, numberingFor, trunkNumber } from '../../../../src/b2bua/call/index.js';
import {
  BoundedCache,
  MAX_CACHED_LENGTH,
  NUMBER_CACHE_SIZE,
  normaliseDialledUncached,
  numberCache,
} from '../../../../src/b2bua/call/numbers.js';

const INPUTS = [
  '+14155550100', '(415) 555-0100', '415.555.0100', '14155550100', '4155550100', '011442079460018',
  '+442079460018', '020 7946 0018', '02079460018', '+33 1 42 68 53 00', '01 42 68 53 00',
  '911', '933', '112', '101', '*98', '', ' ', 'anonymous', '+', '+1', '555', '1234567', 'abc-def',
  '+999999999999999', `+1${'5'.repeat(80)}`,
];
const COUNTRIES = ['US', 'GB', 'FR', 'CA', 'ZZ', ''];

describe('b2bua/call numbers cache', () => {
  describe('BoundedCache', () => {
    it('never holds more than its capacity', () => {
      for (const capacity of [1, 2, 3, 10, 101]) {
        const cache = new BoundedCache<string>(capacity);
        for (let i = 0; i < capacity * 10; i++) {
          cache.set(`k${i}`, `v${i}`);
          assert.ok(cache.size <= capacity, `capacity ${capacity}: ${cache.size} entries after ${i + 1} sets`);
        }
        assert.equal(cache.get(`k${capacity * 10 - 1}`), `v${capacity * 10 - 1}`, 'the newest entry is kept');
      }
    });

    it('keeps an entry that is read between turnovers, drops one that is not', () => {
      const cache = new BoundedCache<number>(10);
      cache.set('hot', 1);
      cache.set('cold', 2);
      for (let i = 0; i < 100; i++) {
        cache.set(`filler${i}`, i);
        assert.equal(cache.get('hot'), 1, `hot entry lost after ${i + 1} fillers`);
      }
      assert.equal(cache.get('cold'), undefined);
    });

    it('answers what was set last for a key', () => {
      const cache = new BoundedCache<string>(4);
      cache.set('a', '1');
      cache.set('b', '2');
      cache.set('a', '3');
      assert.equal(cache.get('a'), '3');
      assert.equal(cache.get('b'), '2');
      assert.equal(cache.get('c'), undefined);
    });

    it('refuses a capacity below 1', () => {
      assert.throws(() => new BoundedCache(0), RangeError);
      assert.throws(() => new BoundedCache(1.5), RangeError);
    });
  });

  describe('normaliseDialled', () => {
    it('gives the uncached answer, on a miss and on a hit, in every country', () => {
      for (const country of COUNTRIES) {
        for (const raw of INPUTS) {
          const expected = normaliseDialledUncached(raw, country);
          assert.equal(normaliseDialled(raw, country), expected, `${country} ${raw} (first)`);
          assert.equal(normaliseDialled(raw, country), expected, `${country} ${raw} (cached)`);
        }
      }
    });

    it('keeps one entry per default country: the same digits read differently', () => {
      const raw = '020 7946 0977';
      normaliseDialled(raw, 'GB');
      const before = numberCache.size;
      assert.equal(normaliseDialled(raw, 'GB'), '+442079460977');
      assert.equal(numberCache.size, before, 'a hit adds nothing');
      assert.equal(normaliseDialled(raw, 'US'), '02079460977');
      assert.equal(numberCache.size, before + 1, 'the other country is its own entry');
      assert.equal(normaliseDialled(raw, 'GB'), '+442079460977');
    });

    it('does not cache inputs longer than any number', () => {
      const long = `+1${'4'.repeat(MAX_CACHED_LENGTH)}`;
      const before = numberCache.size;
      assert.equal(normaliseDialled(long, 'US'), normaliseDialledUncached(long, 'US'));
      assert.equal(numberCache.size, before);
    });

    it('stays within NUMBER_CACHE_SIZE whatever the callers', function () {
      this.timeout(20_000);
      for (let i = 0; i < NUMBER_CACHE_SIZE + 2000; i++) normaliseDialled(`+1212${2000000 + i}`, 'US');
      assert.ok(numberCache.size <= NUMBER_CACHE_SIZE, `${numberCache.size} entries`);
      assert.equal(normaliseDialled('(415) 555-0100', 'US'), '+14155550100');
    });
  });

  describe('trunkNumber and numberingFor', () => {
    it('national form per country, cached or not', () => {
      for (let i = 0; i < 2; i++) {
        assert.equal(trunkNumber('+14155550100', 'national', 'US'), '4155550100');
        assert.equal(trunkNumber('+442079460018', 'national', 'GB'), '2079460018');
        assert.equal(trunkNumber('+442079460018', 'national', 'US'), '442079460018', 'not the trunk country: digits without +');
        assert.equal(trunkNumber('+14155550100', 'national', 'ZZ'), '14155550100');
        assert.equal(trunkNumber('+14155550100', 'e164-without-plus', 'US'), '14155550100');
        assert.equal(trunkNumber('+14155550100', 'e164', 'US'), '+14155550100');
        assert.equal(trunkNumber('101', 'national', 'US'), '101');
      }
    });

    it('numbering plans by country, the same object on every call', () => {
      assert.equal(numberingFor('US'), NANP_NUMBERING);
      assert.equal(numberingFor('CA'), NANP_NUMBERING);
      assert.equal(numberingFor('ZZ'), NANP_NUMBERING);
      assert.deepEqual(numberingFor('GB'), { countryCode: '44', internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 });
      assert.deepEqual(numberingFor('FR'), { countryCode: '33', internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 });
      assert.equal(numberingFor('GB'), numberingFor('GB'));
      assert.ok(Object.isFrozen(numberingFor('GB')), 'shared between calls, so frozen');
    });
  });
});
