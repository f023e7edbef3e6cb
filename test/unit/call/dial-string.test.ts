import assert from 'node:assert/strict';
import {
  NANP_NUMBERING,
  findCallee,
  isE164,
  isEmergencyNumber,
  isInternational,
  normaliseNumber,
} from '../../../src/call/index.js';
import { BOB, lineUser, policy } from './call-fixtures.js';

const UK = { countryCode: '44', internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 };

describe('call/dial-string', () => {
  it('passes E.164 through and strips visual separators', () => {
    assert.equal(normaliseNumber('+14155550100', NANP_NUMBERING), '+14155550100');
    assert.equal(normaliseNumber('+1 (415) 555-0100', NANP_NUMBERING), '+14155550100');
    assert.equal(normaliseNumber('415.555.0100', NANP_NUMBERING), '+14155550100');
  });

  it('applies the national and international prefixes of the numbering plan', () => {
    assert.equal(normaliseNumber('14155550100', NANP_NUMBERING), '+14155550100');
    assert.equal(normaliseNumber('011442071234567', NANP_NUMBERING), '+442071234567');
    assert.equal(normaliseNumber('02071234567', UK), '+442071234567');
    assert.equal(normaliseNumber('0033142685300', UK), '+33142685300');
  });

  it('refuses incomplete or malformed dial strings', () => {
    for (const bad of ['', '555', '4155550', '+0123', 'abc', '+1415555010012345', '1*23']) {
      assert.equal(normaliseNumber(bad, NANP_NUMBERING), null, bad);
    }
    assert.equal(isE164('+14155550100'), true);
    assert.equal(isE164('14155550100'), false);
  });

  it('calls numbers outside the home country code international', () => {
    assert.equal(isInternational('+442071234567', NANP_NUMBERING), true);
    assert.equal(isInternational('+14155550100', NANP_NUMBERING), false);
  });

  it('recognises emergency numbers, falling back to 911/933 when the policy lists none', () => {
    assert.equal(isEmergencyNumber('911', policy()), true);
    assert.equal(isEmergencyNumber('9-1-1', policy()), true);
    assert.equal(isEmergencyNumber('112', policy()), false);
    assert.equal(isEmergencyNumber('112', policy({ emergencyNumbers: ['112'] })), true);
    assert.equal(isEmergencyNumber('933', policy({ emergencyNumbers: [] })), true);
  });

  it('finds a callee by extension or by business number in any form', () => {
    const dir = [lineUser(), BOB];
    assert.equal(findCallee(dir, '101', NANP_NUMBERING)?.id, 'bob');
    assert.equal(findCallee(dir, '(415) 555-0101', NANP_NUMBERING)?.id, 'bob');
    assert.equal(findCallee(dir, '+14155550100', NANP_NUMBERING)?.id, 'alice');
    assert.equal(findCallee(dir, '+14155550199', NANP_NUMBERING), undefined);
  });
});
