import assert from 'node:assert/strict';
import { FakeClock } from '../../helpers/fake-clock.js';
import { get, list, passwordToken, patch, post, startOrg } from './sf-fixtures.js';
import type { J, Org } from './sf-fixtures.js';

const RETURNING = 'RETURNING Contact(Id, Name, AccountId, LastModifiedDate), Account(Id, Name, LastModifiedDate), Lead(Id, Name, LastModifiedDate)';

describe('sf-emulator: SOQL and SOSL', () => {
  let org: Org;
  let token: string;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock(0);
    org = await startOrg({ clock, wallClockStart: Date.UTC(2024, 4, 1) });
    token = await passwordToken(org.url);
  });
  afterEach(() => org.sf.close());

  const soql = (q: string) => get(org.url, token, `/query?q=${encodeURIComponent(q)}`);
  const sosl = (q: string) => get(org.url, token, `/search?q=${encodeURIComponent(q)}`);
  const found = (json: J) => list(json['searchRecords']).map((r) => `${String(r['attributes']!['type'])}:${String(r['Name'])}`);

  describe('SOQL', () => {
    it('SELECT … WHERE = AND IN … ORDER BY LastModifiedDate DESC LIMIT n', async () => {
      const a = org.sf.seed('Task', { Subject: 'a', CallObject: 'c1', Status: 'Completed' });
      clock.advance(1000);
      org.sf.seed('Task', { Subject: 'b', CallObject: 'c2', Status: 'Completed' });
      clock.advance(1000);
      org.sf.seed('Task', { Subject: 'c', CallObject: 'c3', Status: 'Not Started' });
      const res = await soql("SELECT Id, Subject, CallObject FROM Task WHERE CallObject IN ('c1','c2','c3') AND Status = 'completed' ORDER BY LastModifiedDate DESC LIMIT 5");
      assert.equal(res.status, 200);
      assert.equal(res.json['totalSize'], 2);
      assert.equal(res.json['done'], true);
      assert.deepEqual(list(res.json['records']).map((r) => r['Subject']), ['b', 'a']);
      assert.deepEqual(list(res.json['records'])[1]!['attributes'], { type: 'Task', url: `/services/data/v62.0/sobjects/Task/${a}` });
      const limited = await soql("SELECT Subject FROM Task WHERE Status != 'Not Started' ORDER BY LastModifiedDate ASC LIMIT 1");
      assert.deepEqual(list(limited.json['records']).map((r) => r['Subject']), ['a']);
    });

    it('text equality is case-insensitive; Ids match in 15- and 18-character form; null compares', async () => {
      const acct = org.sf.seed('Account', { Name: 'Unknown Callers' });
      assert.equal((await soql("SELECT Id FROM Account WHERE Name = 'UNKNOWN callers'")).json['totalSize'], 1);
      assert.equal((await soql(`SELECT Id FROM Account WHERE Id = '${acct.slice(0, 15)}'`)).json['totalSize'], 1);
      assert.equal((await soql('SELECT Id FROM Account WHERE Phone = null')).json['totalSize'], 1);
      assert.equal((await soql("SELECT Id FROM Account WHERE Name NOT IN ('Unknown Callers')")).json['totalSize'], 0);
    });

    it('refuses what it does not support with MALFORMED_QUERY, unknown fields with INVALID_FIELD, wrong literals', async () => {
      for (const q of [
        "SELECT Id FROM Task WHERE Subject = 'a' OR Subject = 'b'",
        "SELECT Id FROM Task WHERE Subject LIKE 'a%'",
        'SELECT Account.Name FROM Contact',
        'SELECT COUNT() FROM Task',
        'SELECT Id FROM Task WHERE CreatedDate = TODAY',
        'SELECT Id FROM Task GROUP BY Subject',
        'SELECT FROM Task',
      ]) {
        const res = await soql(q);
        assert.equal(res.status, 400, q);
        assert.equal(list(res.json)[0]!['errorCode'], 'MALFORMED_QUERY', q);
      }
      const unknown = await soql('SELECT Shoe__c FROM Task');
      assert.equal(list(unknown.json)[0]!['errorCode'], 'INVALID_FIELD');
      assert.match(String(list(unknown.json)[0]!['message']), /^No such column 'Shoe__c' on entity 'Task'/);
      const quoted = await soql("SELECT Id FROM Task WHERE CallDurationInSeconds = '5'");
      assert.equal(list(quoted.json)[0]!['errorCode'], 'INVALID_QUERY_FILTER_OPERATOR');
      const badId = await soql("SELECT Id FROM Task WHERE Id = 'nope'");
      assert.equal(list(badId.json)[0]!['errorCode'], 'INVALID_QUERY_FILTER_OPERATOR');
      assert.equal(list((await soql('SELECT Id FROM Nope__c')).json)[0]!['errorCode'], 'INVALID_TYPE');
    });

    it('answers more than 2,000 rows in batches behind nextRecordsUrl', async () => {
      for (let i = 0; i < 2001; i++) org.sf.seed('Task', { Subject: `t${i}` });
      const first = await soql('SELECT Id FROM Task');
      assert.equal(first.json['done'], false);
      assert.equal(first.json['totalSize'], 2001);
      assert.equal(list(first.json['records']).length, 2000);
      const next = await get(org.url, token, String(first.json['nextRecordsUrl']).replace('/services/data/v62.0', ''));
      assert.equal(next.json['done'], true);
      assert.equal(list(next.json['records']).length, 1);
    });
  });

  describe('SOSL IN PHONE FIELDS', () => {
    it('finds a number whatever its stored format, on Phone, MobilePhone and other phone fields, in RETURNING order', async () => {
      const acct = org.sf.seed('Account', { Name: 'Acme', Phone: '(415) 555-0100' });
      org.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', MobilePhone: '+1 415-555-0100', AccountId: acct });
      org.sf.seed('Lead', { LastName: 'Lee', Company: 'Initech', Phone: '4155550100' });
      org.sf.seed('Contact', { LastName: 'Other', HomePhone: '415.555.0100' });
      org.sf.seed('Contact', { LastName: 'Nope', Phone: '(415) 555-0101' });
      const res = await sosl(`FIND {4155550100} IN PHONE FIELDS ${RETURNING}`);
      assert.equal(res.status, 200);
      assert.deepEqual(found(res.json), ['Contact:Jane Doe', 'Contact:Other', 'Account:Acme', 'Lead:Lee']);
      const jane = list(res.json['searchRecords']).find((r) => String(r['Name']) === 'Jane Doe')!;
      assert.equal(jane['AccountId'], acct);
      assert.ok('LastModifiedDate' in jane);
      const e164 = await sosl(`FIND {\\+14155550100} IN PHONE FIELDS ${RETURNING}`);
      assert.equal(found(e164.json).length, 4, 'an escaped E.164 term finds the same records');
      const either = await sosl('FIND {4155550101 OR 4155559999} IN PHONE FIELDS RETURNING Contact(Name)');
      assert.deepEqual(found(either.json), ['Contact:Nope']);
    });

    it('new records become searchable only after the index lag; a changed number keeps the old one findable until then', async () => {
      org.sf.setSearchIndexLag(60_000);
      const created = await post(org.url, token, '/sobjects/Contact', { LastName: 'New', MobilePhone: '+1 415 555 0199' });
      const term = 'FIND {4155550199} IN PHONE FIELDS RETURNING Contact(Id, Name)';
      assert.deepEqual(found((await sosl(term)).json), []);
      clock.advance(59_999);
      assert.deepEqual(found((await sosl(term)).json), []);
      clock.advance(1);
      assert.deepEqual(found((await sosl(term)).json), ['Contact:New']);
      await patch(org.url, token, `/sobjects/Contact/${String(created.json['id'])}`, { MobilePhone: '4155550177' });
      clock.advance(1_000);
      assert.deepEqual(found((await sosl(term)).json), ['Contact:New'], 'the index still has the old number');
      assert.deepEqual(found((await sosl('FIND {4155550177} IN PHONE FIELDS RETURNING Contact(Name)')).json), []);
      clock.advance(60_000);
      assert.deepEqual(found((await sosl(term)).json), []);
      assert.deepEqual(found((await sosl('FIND {4155550177} IN PHONE FIELDS RETURNING Contact(Name)')).json), ['Contact:New']);
    });

    it('seeded records with an old createdAt are searchable at once despite the lag', async () => {
      org.sf.setSearchIndexLag(60_000);
      org.sf.seed('Lead', { LastName: 'Old', Company: 'X', Phone: '2125550123' }, { createdAt: Date.UTC(2024, 3, 1) });
      assert.deepEqual(found((await sosl('FIND {2125550123} IN PHONE FIELDS RETURNING Lead(Name)')).json), ['Lead:Old']);
    });

    it('RETURNING with WHERE, ORDER BY and LIMIT; without RETURNING it searches Account, Contact, Lead for Ids', async () => {
      org.sf.seed('Contact', { LastName: 'A', Phone: '3105550000' });
      clock.advance(10);
      org.sf.seed('Contact', { LastName: 'B', Phone: '3105550000' });
      const newest = await sosl('FIND {3105550000} IN PHONE FIELDS RETURNING Contact(Name ORDER BY LastModifiedDate DESC LIMIT 1)');
      assert.deepEqual(found(newest.json), ['Contact:B']);
      const where = await sosl("FIND {3105550000} IN PHONE FIELDS RETURNING Contact(Name WHERE LastName = 'a')");
      assert.deepEqual(found(where.json), ['Contact:A']);
      const bare = await sosl('FIND {3105550000} IN PHONE FIELDS');
      assert.equal(list(bare.json['searchRecords']).length, 2);
      assert.deepEqual(Object.keys(list(bare.json['searchRecords'])[0]!), ['attributes', 'Id']);
    });

    it('refuses unsupported searches with MALFORMED_SEARCH', async () => {
      for (const q of [
        'FIND 4155550100 IN PHONE FIELDS',
        'FIND {4155550100} IN ALL FIELDS RETURNING Contact',
        'FIND {4155550100}',
        'FIND {415*} IN PHONE FIELDS',
        'FIND {4155550100 AND 4155550101} IN PHONE FIELDS',
        'FIND {4} IN PHONE FIELDS',
      ]) {
        const res = await sosl(q);
        assert.equal(res.status, 400, q);
        assert.equal(list(res.json)[0]!['errorCode'], 'MALFORMED_SEARCH', q);
      }
      const hidden = await sosl('FIND {4155550100} IN PHONE FIELDS RETURNING Contact(Shoe__c)');
      assert.equal(list(hidden.json)[0]!['errorCode'], 'INVALID_FIELD');
    });
  });
});
