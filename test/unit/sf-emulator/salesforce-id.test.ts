import assert from 'node:assert/strict';
import { IdFactory, idSuffix, normalizeId, typeOfId } from '../../../src/sf-emulator/salesforce-id.js';
import { phoneMatches } from '../../../src/sf-emulator/phone-match.js';

describe('sf-emulator: Salesforce Ids', () => {
  it('computes the case-safe suffix of a known Id (001R00000033I6A → IAU, from the REST guide example)', () => {
    assert.equal(idSuffix('001R00000033I6A'), 'IAU');
    assert.equal(normalizeId('001R00000033I6A'), '001R00000033I6AIAU');
  });

  it('accepts an 18-character Id with either case of suffix and rejects a wrong suffix or a non-Id', () => {
    assert.equal(normalizeId('001R00000033I6AIAU'), '001R00000033I6AIAU');
    assert.equal(normalizeId('001R00000033I6Aiau'), '001R00000033I6AIAU');
    assert.equal(normalizeId('001R00000033I6AAAA'), undefined);
    assert.equal(normalizeId('NotReal'), undefined);
    assert.equal(normalizeId('001R00000033I6-IAU'), undefined);
  });

  it('hands out 18-character Ids with each object key prefix, and maps them back to the type', () => {
    const ids = new IdFactory();
    const expected: Record<string, string> = { Contact: '003', Account: '001', Lead: '00Q', Task: '00T', Opportunity: '006', User: '005' };
    for (const [type, prefix] of Object.entries(expected)) {
      const id = ids.next(type);
      assert.equal(id.length, 18);
      assert.equal(id.slice(0, 3), prefix);
      assert.equal(normalizeId(id), id, 'a generated Id is well formed');
      assert.equal(typeOfId(id), type);
    }
    assert.notEqual(ids.next('Task'), ids.next('Task'));
  });
});

describe('sf-emulator: phone matching', () => {
  it('matches the same digits and the same number with a country code, nothing looser', () => {
    assert.equal(phoneMatches('4155550100', '4155550100'), true);
    assert.equal(phoneMatches('14155550100', '4155550100'), true);
    assert.equal(phoneMatches('4155550100', '14155550100'), true);
    assert.equal(phoneMatches('4155550101', '4155550100'), false);
    assert.equal(phoneMatches('5550100', '4155550100'), false, 'a local number without area code is not the same number');
    assert.equal(phoneMatches('', '4155550100'), false);
  });
});
