import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  API, CLIENT, CONSUMER_KEY, USER, get, http, jwtClaims, passwordToken, signJwt, startOrg,
} from './sf-fixtures.js';
import type { Org } from './sf-fixtures.js';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('sf-emulator: OAuth token endpoint and SOAP login', () => {
  let org: Org;
  beforeEach(async () => {
    org = await startOrg();
  });
  afterEach(() => org.sf.close());

  const token = (form: Record<string, string>) => http(org.url, 'POST', '/services/oauth2/token', { form });
  const jwt = (claims: Record<string, unknown>, key?: string, header?: Record<string, unknown>) =>
    token({ grant_type: JWT_GRANT, assertion: signJwt(claims, key, header) });

  it('JWT bearer: a signed assertion yields an access token usable on the REST API', async () => {
    const res = await jwt(jwtClaims(org.url));
    assert.equal(res.status, 200);
    const body = res.json;
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['instance_url'], org.url);
    assert.equal(body['id'], `${org.url}/id/${org.sf.orgId}/${org.sf.userId(USER.username)}`);
    assert.match(String(body['issued_at']), /^\d{13}$/);
    assert.match(String(body['signature']), /^[A-Za-z0-9+/]+=*$/);
    const limits = await get(org.url, String(body['access_token']), '/limits');
    assert.equal(limits.status, 200);
  });

  it('JWT bearer: accepts the audience with a trailing slash, refuses any other audience', async () => {
    assert.equal((await jwt(jwtClaims(org.url, { aud: `${org.url}/` }))).status, 200);
    const res = await jwt(jwtClaims(org.url, { aud: 'https://login.salesforce.com' }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { error: 'invalid_grant', error_description: 'audience is invalid' });
  });

  it('JWT bearer: a signature by another key, a wrong alg or garbage is an invalid assertion', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const res of [
      await jwt(jwtClaims(org.url), other),
      await jwt(jwtClaims(org.url), undefined, { alg: 'HS256' }),
      await token({ grant_type: JWT_GRANT, assertion: 'not.a.jwt' }),
    ]) {
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { error: 'invalid_grant', error_description: 'invalid assertion' });
    }
  });

  it('JWT bearer: expired exp, unknown consumer and an unapproved user are refused with Salesforce\'s errors', async () => {
    const expired = await jwt(jwtClaims(org.url, { exp: Math.floor(Date.now() / 1000) - 10 }));
    assert.deepEqual(expired.json, { error: 'invalid_grant', error_description: 'expired authorization code' });
    const unknownApp = await jwt(jwtClaims(org.url, { iss: 'someone-else' }));
    assert.deepEqual(unknownApp.json, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    const unknownUser = await jwt(jwtClaims(org.url, { sub: 'nobody@example.com' }));
    assert.deepEqual(unknownUser.json, { error: 'invalid_grant', error_description: "user hasn't approved this consumer" });
    assert.equal(unknownUser.status, 400);
  });

  it('password grant: password + security token logs in; without the token it is an authentication failure', async () => {
    const ok = await token({ grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, username: USER.username, password: USER.password + USER.securityToken });
    assert.equal(ok.status, 200);
    assert.equal(ok.json['instance_url'], org.url);
    const noToken = await token({ grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, username: USER.username, password: USER.password });
    assert.deepEqual(noToken.json, { error: 'invalid_grant', error_description: 'authentication failure' });
    const badSecret = await token({ grant_type: 'password', client_id: CLIENT.clientId, client_secret: 'nope', username: USER.username, password: USER.password + USER.securityToken });
    assert.deepEqual(badSecret.json, { error: 'invalid_client', error_description: 'invalid client credentials' });
    const badClient = await token({ grant_type: 'password', client_id: 'nope', username: USER.username, password: USER.password + USER.securityToken });
    assert.deepEqual(badClient.json, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
  });

  it('usernames compare case-insensitively; an unknown grant type is unsupported_grant_type', async () => {
    const upper = { ...USER, username: USER.username.toUpperCase() };
    assert.ok(await passwordToken(org.url, upper));
    const res = await token({ grant_type: 'client_credentials' });
    assert.deepEqual(res.json, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  const soapLogin = (username: string, password: string, version = '62.0') => http(org.url, 'POST', `/services/Soap/u/${version}`, {
    raw: `<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>${username}</username><password>${password}</password></login></se:Body></se:Envelope>`,
  });

  it('SOAP login: answers loginResponse with serverUrl, sessionId, userId and organizationId', async () => {
    const res = await soapLogin(USER.username, USER.password + USER.securityToken);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/xml/);
    assert.ok(res.text.includes(`<serverUrl>${org.url}/services/Soap/u/62.0/${org.sf.orgId}</serverUrl>`));
    assert.ok(res.text.includes(`<userId>${org.sf.userId(USER.username)}</userId>`));
    assert.ok(res.text.includes(`<organizationId>${org.sf.orgId}</organizationId>`));
    const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(res.text)?.[1];
    assert.ok(sessionId);
    assert.equal((await get(org.url, sessionId, '/limits')).status, 200);
  });

  it('SOAP login: bad credentials are an INVALID_LOGIN fault (HTTP 500); an unsupported version is refused', async () => {
    const res = await soapLogin(USER.username, USER.password);
    assert.equal(res.status, 500);
    assert.ok(res.text.includes('<faultcode>sf:INVALID_LOGIN</faultcode>'));
    assert.ok(res.text.includes('<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>'));
    const old = await soapLogin(USER.username, USER.password + USER.securityToken, '40.0');
    assert.equal(old.status, 500);
    assert.ok(old.text.includes('UNSUPPORTED_API_VERSION'));
  });

  it('SOAP logout ends the session', async () => {
    const t = await passwordToken(org.url);
    const res = await http(org.url, 'POST', '/services/Soap/u/62.0', { raw: `<Envelope><Header><SessionHeader><sessionId>${t}</sessionId></SessionHeader></Header><Body><logout/></Body></Envelope>` });
    assert.equal(res.status, 200);
    const after = await get(org.url, t, '/limits');
    assert.equal(after.status, 401);
    assert.deepEqual(after.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] }]);
  });

  it('the consumer key of the JWT app is also accepted as client_id for the password grant', async () => {
    const res = await token({ grant_type: 'password', client_id: CONSUMER_KEY, username: USER.username, password: USER.password + USER.securityToken });
    assert.equal(res.status, 200);
    assert.equal((await http(org.url, 'GET', `${API}/`, { token: String(res.json['access_token']) })).status, 200);
  });
});
