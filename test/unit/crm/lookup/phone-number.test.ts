import assert from 'node:assert/strict';
import {
  callerSosl, escapeSoql, escapeSosl, nationalDigits, phoneDigits, phoneFieldsFor, pickCaller, samePhoneNumber, soslPhoneTerm, toE164,
} from '../../../../src/crm/index.js';

describe('phone numbers for Salesforce', () => {
  it('normalises callers and stored numbers to E.164', () => {
    for (const raw of ['(415) 555-0100', '+1 415-555-0100', '4155550100', '1-415-555-0100', '+14155550100', '415.555.0100 x12']) {
      assert.equal(toE164(raw, 'US'), '+14155550100', raw);
    }
    assert.equal(toE164('030 1234567', 'DE'), '+49301234567');
    assert.equal(toE164('anonymous', 'US'), undefined);
    assert.equal(toE164('12', 'US'), undefined);
    assert.equal(toE164('+14155550100', 'XX'), '+14155550100');
  });

  it('takes digits and national numbers', () => {
    assert.equal(phoneDigits('+1 (415) 555-0100'), '14155550100');
    assert.equal(nationalDigits('+14155550100'), '4155550100');
    assert.equal(nationalDigits('+442079460958'), '2079460958');
  });

  it('matches stored numbers whatever their formatting', () => {
    for (const stored of ['(415) 555-0100', '+1 415-555-0100', '4155550100', '001 415 555 0100', '011-1-415-555-0100', '(415) 555-0100 ext. 7']) {
      assert.ok(samePhoneNumber(stored, '+14155550100', 'US'), stored);
    }
    assert.ok(samePhoneNumber('020 7946 0958', '+442079460958', 'US'), 'foreign number written nationally');
    assert.ok(!samePhoneNumber('(415) 555-0101', '+14155550100', 'US'));
    assert.ok(!samePhoneNumber('+44 415 555 0100', '+14155550100', 'US'));
    assert.ok(!samePhoneNumber('9 4155550100', '+14155550100', 'US'));
  });

  it('escapes SOSL and SOQL reserved characters', () => {
    assert.equal(escapeSosl('a?b&c|d!e{f}g[h]i(j)k^l~m*n:o\\p"q\'r+s-t'), 'a\\?b\\&c\\|d\\!e\\{f\\}g\\[h\\]i\\(j\\)k\\^l\\~m\\*n\\:o\\\\p\\"q\\\'r\\+s\\-t');
    assert.equal(escapeSoql("Bob's \\ BBQ"), "Bob\\'s \\\\ BBQ");
    assert.equal(soslPhoneTerm('+14155550100'), '4155550100');
  });
});

describe('caller SOSL', () => {
  it('asks once for Contact, Account and Lead with their phone fields', () => {
    const fields = phoneFieldsFor(['Contact.HomePhone', 'Direct_Line__c']);
    assert.equal(callerSosl('+14155550100', fields),
      'FIND {4155550100} IN PHONE FIELDS RETURNING '
      + 'Contact(Id, Name, AccountId, LastModifiedDate, Phone, MobilePhone, HomePhone, Direct_Line__c), '
      + 'Account(Id, Name, LastModifiedDate, Phone, Direct_Line__c), '
      + 'Lead(Id, Name, LastModifiedDate, Phone, MobilePhone, Direct_Line__c)');
  });

  it('refuses field names that could inject SOSL', () => {
    assert.throws(() => phoneFieldsFor(['Phone) , User(Id']), /INVALID_CONFIG|extra phone field/);
    assert.throws(() => phoneFieldsFor(['Opportunity.Phone']), /extra phone field/);
  });

  it('prefers Contact over Account over Lead, and the newest within an object', () => {
    const fields = phoneFieldsFor();
    const row = (type: string, Id: string, Name: string, LastModifiedDate: string, extra: Record<string, unknown> = {}) =>
      ({ attributes: { type }, Id, Name, LastModifiedDate, Phone: '(415) 555-0100', ...extra });
    const rows = [
      row('Lead', '00Q1', 'Lena Lead', '2024-05-01T00:00:00.000+0000'),
      row('Account', '0011', 'Acme', '2024-05-01T00:00:00.000+0000'),
      row('Contact', '0031', 'Old Contact', '2023-01-01T00:00:00.000+0000', { AccountId: '0011' }),
      row('Contact', '0032', 'Jane Doe', '2024-02-01T10:00:00.000+0000', { AccountId: '0012' }),
    ];
    assert.deepEqual(pickCaller(rows, '+14155550100', 'US', fields),
      { e164: '+14155550100', whoId: '0032', whoType: 'Contact', name: 'Jane Doe', accountId: '0012' });
    assert.deepEqual(pickCaller(rows.slice(0, 2), '+14155550100', 'US', fields), { e164: '+14155550100', accountId: '0011', name: 'Acme' });
    assert.deepEqual(pickCaller(rows.slice(0, 1), '+14155550100', 'US', fields), { e164: '+14155550100', whoId: '00Q1', whoType: 'Lead', name: 'Lena Lead' });
  });

  it('ignores rows whose searched fields do not hold the number', () => {
    const fields = phoneFieldsFor();
    const rows = [{ attributes: { type: 'Contact' }, Id: '0031', Name: 'Home Only', Phone: '(212) 555-0199', HomePhone: '(415) 555-0100' }];
    assert.equal(pickCaller(rows, '+14155550100', 'US', fields), undefined);
    const withHome = phoneFieldsFor(['Contact.HomePhone']);
    assert.equal(pickCaller(rows, '+14155550100', 'US', withHome)?.whoId, '0031');
  });
});
