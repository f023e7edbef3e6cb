/**
 * The emulator driven by jsforce 3 itself — the client the CRM worker uses — so that what
 * jsforce sends and expects (SOAP login, OAuth, collections, search, composite, error codes,
 * Sforce-Limit-Info) is what the emulator speaks.
 */
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { API, CALL_KEY, CLIENT, USER, VERSION, http, jwtClaims, signJwt, startOrg } from './sf-fixtures.js';
import type { Org } from './sf-fixtures.js';

interface SaveResultLike {
  readonly id?: string;
  readonly success: boolean;
  readonly created?: boolean;
  readonly errors: ReadonlyArray<{ readonly statusCode?: string; readonly errorCode?: string }>;
}

describe('sf-emulator: driven by jsforce', () => {
  let org: Org;
  beforeEach(async () => {
    org = await startOrg();
  });
  afterEach(() => org.sf.close());

  async function soapLogin(): Promise<Connection> {
    const conn = new Connection({ loginUrl: org.url, version: VERSION });
    await conn.login(USER.username, USER.password + USER.securityToken);
    return conn;
  }

  it('conn.login (SOAP) then conn.sobject("Contact").create', async () => {
    const conn = await soapLogin();
    assert.equal(conn.instanceUrl, org.url);
    assert.equal(conn.userInfo?.organizationId, org.sf.orgId);
    const res = await conn.sobject('Contact').create({ FirstName: 'Jane', LastName: 'Doe', MobilePhone: '+1 415-555-0101' });
    assert.equal(res.success, true);
    assert.match(res.id ?? '', /^003/);
    assert.equal(org.sf.records('Contact')[0]!['Name'], 'Jane Doe');
    assert.deepEqual(conn.limitInfo, { apiUsage: { used: 1, limit: 15000 } });
  });

  it('conn.login with an OAuth client uses the password grant', async () => {
    const conn = new Connection({ loginUrl: org.url, version: VERSION, oauth2: { loginUrl: org.url, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret } });
    const info = await conn.login(USER.username, USER.password + USER.securityToken);
    assert.equal(info.id, org.sf.userId(USER.username));
    assert.equal(info.organizationId, org.sf.orgId);
    const q = await conn.query<{ Username: string }>('SELECT Username FROM User WHERE Username = \'integration@example.com\'');
    assert.equal(q.totalSize, 1);
  });

  it('a JWT bearer access token used as new Connection({ instanceUrl, accessToken })', async () => {
    const token = await http(org.url, 'POST', '/services/oauth2/token', {
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signJwt(jwtClaims(org.url)) },
    });
    const conn = new Connection({ instanceUrl: String(token.json['instance_url']), accessToken: String(token.json['access_token']), version: VERSION });
    const res = await conn.sobject('Contact').create({ LastName: 'Jwt' });
    assert.equal(res.success, true);
    const described = await conn.sobject('Task').describe();
    assert.equal(described.createable, true);
    assert.equal(described.fields.find((f) => f.name === 'TaskSubtype')?.updateable, false);
  });

  it('conn.search runs SOSL and answers searchRecords', async () => {
    org.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', Phone: '(415) 555-0100' });
    const conn = await soapLogin();
    const res = await conn.search('FIND {4155550100} IN PHONE FIELDS RETURNING Contact(Id, Name, AccountId, LastModifiedDate), Account(Id, Name), Lead(Id, Name)');
    assert.equal(res.searchRecords.length, 1);
    assert.equal(res.searchRecords[0]?.['Name'], 'Jane Doe');
    assert.equal(res.searchRecords[0]?.attributes?.type, 'Contact');
  });

  it('conn.sobject("Task").create([...]) is one sObject Collections request with per-record results', async () => {
    const conn = await soapLogin();
    org.sf.resetApiCalls();
    const results = await conn.sobject('Task').create([{ Subject: 'a', TaskSubtype: 'Call' }, { Subject: 'b', Bogus__c: 1 }]) as SaveResultLike[];
    assert.deepEqual(results.map((r) => r.success), [true, false]);
    assert.equal(results[1]!.errors[0]!.statusCode, 'INVALID_FIELD');
    assert.equal(org.sf.apiCalls().collections, 1);
    const upserts = await conn.sobject('Task').upsert([{ [CALL_KEY]: 'g:1', Subject: 'x' }, { [CALL_KEY]: 'g:2', Subject: 'y' }], CALL_KEY) as SaveResultLike[];
    assert.deepEqual(upserts.map((r) => r.created), [true, true]);
    assert.equal(org.sf.apiCalls().collections, 2);
  });

  it('conn.requestPost to /composite and conn.requestPatch to /composite/sobjects/Task/<ext>', async () => {
    const conn = await soapLogin();
    const composite = await conn.requestPost<{ compositeResponse: Array<{ httpStatusCode: number; body: { id: string } }> }>(`${API}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${API}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Unknown Callers' } },
        { method: 'POST', url: `${API}/sobjects/Contact`, referenceId: 'who', body: { LastName: '+14155550100', AccountId: '@{acct.id}' } },
      ],
    });
    assert.deepEqual(composite.compositeResponse.map((r) => r.httpStatusCode), [201, 201]);
    const who = composite.compositeResponse[1]!.body.id;
    const upsert = await conn.requestPatch<SaveResultLike[]>(`${API}/composite/sobjects/Task/${CALL_KEY}`, {
      allOrNone: false,
      records: [{ attributes: { type: 'Task' }, [CALL_KEY]: 'gw:call-9', Subject: 'Missed call', WhoId: who, TaskSubtype: 'Call' }],
    });
    assert.equal(upsert[0]!.created, true);
    assert.equal(org.sf.records('Task')[0]!['AccountId'], composite.compositeResponse[0]!.body.id);
  });

  it('errors reach jsforce with Salesforce codes; an expired SOAP session is refreshed by jsforce', async () => {
    const conn = await soapLogin();
    await assert.rejects(conn.sobject('Contact').create({ Shoe__c: 1 }), (err: Error & { errorCode?: string }) => err.errorCode === 'INVALID_FIELD');
    org.sf.expireSessions();
    const logins = org.sf.apiCalls().login;
    const res = await conn.sobject('Account').create({ Name: 'after expiry' });
    assert.equal(res.success, true);
    assert.equal(org.sf.apiCalls().login, logins + 1, 'jsforce logged in again after 401 INVALID_SESSION_ID');
    org.sf.setApiUsage(15_000);
    await assert.rejects(async () => conn.query('SELECT Id FROM Account'), (err: Error & { errorCode?: string }) => err.errorCode === 'REQUEST_LIMIT_EXCEEDED');
  });
});
