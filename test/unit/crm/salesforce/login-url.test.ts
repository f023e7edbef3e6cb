import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import {
  buildJwtAssertion, checkApiVersion, checkLoginUrl, jwtAudience, myDomainLoginUrl, readPrivateKey,
  JWT_LIFETIME_SECONDS, PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL,
} from '../../../../src/crm/index.js';

describe('login URLs', () => {
  it('accepts https hosts and http on loopback only', () => {
    assert.deepEqual(checkLoginUrl('https://login.salesforce.com/'), { ok: true, url: PRODUCTION_LOGIN_URL });
    assert.deepEqual(checkLoginUrl('https://acme.my.salesforce.com'), { ok: true, url: 'https://acme.my.salesforce.com' });
    assert.deepEqual(checkLoginUrl('http://127.0.0.1:4567'), { ok: true, url: 'http://127.0.0.1:4567' });
    assert.deepEqual(checkLoginUrl('http://localhost:80'), { ok: true, url: 'http://localhost' });
    assert.equal(checkLoginUrl('http://login.salesforce.com').ok, false);
    assert.equal(checkLoginUrl('ftp://x').ok, false);
    assert.equal(checkLoginUrl('login.salesforce.com').ok, false);
    assert.equal(checkLoginUrl('https://login.salesforce.com/services/oauth2/token').ok, false);
  });

  it('builds My Domain URLs for production and sandboxes', () => {
    assert.equal(myDomainLoginUrl('acme'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainLoginUrl('acme', 'uat'), 'https://acme--uat.sandbox.my.salesforce.com');
  });

  it('picks the JWT audience Salesforce expects', () => {
    assert.equal(jwtAudience(PRODUCTION_LOGIN_URL), PRODUCTION_LOGIN_URL);
    assert.equal(jwtAudience(SANDBOX_LOGIN_URL), SANDBOX_LOGIN_URL);
    assert.equal(jwtAudience('https://acme.my.salesforce.com'), PRODUCTION_LOGIN_URL);
    assert.equal(jwtAudience('https://acme--uat.sandbox.my.salesforce.com'), SANDBOX_LOGIN_URL);
    assert.equal(jwtAudience('http://127.0.0.1:4567'), 'http://127.0.0.1:4567');
  });

  it('normalises API versions', () => {
    assert.equal(checkApiVersion('62.0'), '62.0');
    assert.equal(checkApiVersion('v61.0'), '61.0');
    assert.equal(checkApiVersion('60'), '60.0');
    assert.equal(checkApiVersion('62.1'), undefined);
    assert.equal(checkApiVersion('latest'), undefined);
  });
});

describe('buildJwtAssertion', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('signs iss/sub/aud/exp with RS256', () => {
    const key = readPrivateKey(pem);
    assert.ok(key);
    const jwt = buildJwtAssertion({ clientId: '3MVG9', username: 'int@acme.com', audience: PRODUCTION_LOGIN_URL, nowSeconds: 1_700_000_000.7 }, key);
    const [h, c, s] = jwt.split('.') as [string, string, string];
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'RS256' });
    assert.deepEqual(JSON.parse(Buffer.from(c, 'base64url').toString()), {
      iss: '3MVG9', sub: 'int@acme.com', aud: PRODUCTION_LOGIN_URL, exp: 1_700_000_000 + JWT_LIFETIME_SECONDS,
    });
    assert.ok(verify('RSA-SHA256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, 'base64url')));
    assert.ok(JWT_LIFETIME_SECONDS <= 180);
  });

  it('refuses what is not an RSA private key', () => {
    assert.equal(readPrivateKey('not a key'), undefined);
    assert.equal(readPrivateKey(publicKey.export({ type: 'spki', format: 'pem' }).toString()), undefined);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.equal(readPrivateKey(ec), undefined);
  });
});
