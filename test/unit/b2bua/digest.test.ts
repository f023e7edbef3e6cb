import assert from 'node:assert/strict';
import {
  NonceIssuer, challengeHeaders, computeResponse, parseAuthorization, verifyDigest,
} from '../../../src/b2bua/registrar/digest.js';

describe('Digest (RFC 7616 / RFC 8760)', () => {
  it('matches the RFC 2617 §3.5 MD5 example', () => {
    const r = computeResponse('MD5', {
      username: 'Mufasa', realm: 'testrealm@host.com', password: 'Circle Of Life', method: 'GET',
      uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', nc: '00000001', cnonce: '0a4f113b',
    });
    assert.equal(r, '6629fae49393a05397450978507c4ef1');
  });

  it('matches the RFC 7616 §3.9.1 SHA-256 example', () => {
    const r = computeResponse('SHA-256', {
      username: 'Mufasa', realm: 'http-auth@example.org', password: 'Circle of Life', method: 'GET',
      uri: '/dir/index.html', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    });
    assert.equal(r, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('parses an Authorization header with quoted commas and escapes', () => {
    const c = parseAuthorization('Digest username="al,ice", realm="example.com", nonce="n1", uri="sip:example.com", response="abc", algorithm=SHA-256, cnonce="c\\"x", qop=auth, nc=0000000a');
    assert.ok(c);
    assert.equal(c.scheme, 'digest');
    assert.equal(c.username, 'al,ice');
    assert.equal(c.cnonce, 'c"x');
    assert.equal(c.algorithm, 'SHA-256');
    assert.equal(c.nc, '0000000a');
    assert.equal(parseAuthorization('garbage'), undefined);
  });

  it('verifies a REGISTER response for both algorithms and rejects a wrong password', () => {
    for (const alg of ['MD5', 'SHA-256'] as const) {
      const base = { username: 'alice', realm: 'example.com', method: 'REGISTER', uri: 'sip:example.com', nonce: 'n', nc: '00000001', cnonce: 'cn' };
      const response = computeResponse(alg, { ...base, password: 'secret' });
      const creds = { scheme: 'digest', ...base, response, algorithm: alg, qop: 'auth' };
      assert.equal(verifyDigest(creds, 'REGISTER', 'secret', 'example.com'), 'ok');
      assert.equal(verifyDigest(creds, 'REGISTER', 'wrong', 'example.com'), 'mismatch');
      assert.equal(verifyDigest({ ...creds, realm: 'other' }, 'REGISTER', 'secret', 'example.com'), 'malformed');
      assert.equal(verifyDigest({ ...creds, nc: 'xyz' }, 'REGISTER', 'secret', 'example.com'), 'malformed');
    }
    assert.equal(verifyDigest({ scheme: 'digest', username: 'a', realm: 'r', nonce: 'n', uri: 'u', response: 'x', algorithm: 'SHA-512-256' }, 'INVITE', 'p', 'r'), 'malformed');
  });

  it('issues nonces it can verify, recognises stale ones and refuses forged ones', () => {
    const issuer = new NonceIssuer(Buffer.alloc(32, 7), 30_000);
    const n = issuer.issue(1_000_000);
    assert.equal(issuer.check(n, 1_000_500), 'ok');
    assert.equal(issuer.check(n, 1_031_000), 'stale');
    assert.equal(issuer.check(`${n.slice(0, -1)}${n.endsWith('A') ? 'B' : 'A'}`, 1_000_500), 'invalid');
    assert.equal(new NonceIssuer(Buffer.alloc(32, 8), 30_000).check(n, 1_000_500), 'invalid');
    assert.equal(issuer.check('nodots', 1), 'invalid');
  });

  it('offers one challenge per algorithm, SHA-256 first when configured so, with stale=true on request', () => {
    const hs = challengeHeaders('example.com', 'N', ['SHA-256', 'MD5'], true);
    assert.equal(hs.length, 2);
    assert.match(hs[0] as string, /^Digest realm="example.com", nonce="N", algorithm=SHA-256, qop="auth", stale=true$/);
    assert.match(hs[1] as string, /algorithm=MD5/);
  });
});
