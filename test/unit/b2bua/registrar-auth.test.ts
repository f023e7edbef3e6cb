import assert from 'node:assert/strict';
import { LOCKED_OUT_REASON } from '../../../src/b2bua/index.js';
import { authorization, parseChallenge } from '../../helpers/digest-client.js';
import { FakeRequest } from '../../helpers/fake-srf.js';
import {
  answer, challengeOf, registerRequest, registerWithAuth, startFixture, type Fixture,
} from '../../helpers/registrar-fixture.js';

describe('Registrar: Digest authentication', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
    assert.equal(f.clock.pending(), 0, 'timers left behind');
  });

  it('challenges a REGISTER without credentials: 401, SHA-256 then MD5, one nonce, qop=auth', async () => {
    const { res } = await f.srf.deliver(registerRequest());
    assert.equal(res.sent.length, 1);
    assert.equal(res.sent[0]?.status, 401);
    const lines = res.header('WWW-Authenticate');
    assert.equal(lines.length, 2);
    const [sha, md5] = lines.map(parseChallenge);
    assert.equal(sha?.algorithm, 'SHA-256');
    assert.equal(md5?.algorithm, 'MD5');
    assert.equal(sha?.nonce, md5?.nonce);
    assert.equal(sha?.realm, 'example.com');
    assert.equal(sha?.qop, 'auth');
    assert.equal(sha?.stale, false);
    assert.equal(await f.store.listBindings('sip:alice@example.com').then((b) => b.length), 0);
  });

  for (const algorithm of ['SHA-256', 'MD5'] as const) {
    it(`registers with ${algorithm}`, async () => {
      const { res } = await registerWithAuth(f, { algorithm });
      assert.equal(res.sent[0]?.status, 200, JSON.stringify(res.sent));
      assert.deepEqual(res.header('Contact'), ['<sip:alice@127.0.0.1:5062>;expires=600']);
    });
  }

  it('refuses an algorithm that is not configured', async () => {
    await f.close();
    f = await startFixture({ settings: { algorithms: ['SHA-256'] } });
    const first = await f.srf.deliver(registerRequest());
    assert.deepEqual(first.res.header('WWW-Authenticate').map((v) => parseChallenge(v).algorithm), ['SHA-256']);
    const res = await answer(f, challengeOf(first.res), { algorithm: 'MD5', cseq: 2 });
    assert.equal(res.sent[0]?.status, 401);
  });

  it('answers a wrong password with a fresh 401 (not stale)', async () => {
    const { res } = await registerWithAuth(f, { password: 'nope' });
    assert.equal(res.sent[0]?.status, 401);
    assert.equal(challengeOf(res).stale, false);
  });

  it('gives an unknown user the same 401 as a wrong password', async () => {
    const wrong = await registerWithAuth(f, { password: 'nope' });
    const unknown = await registerWithAuth(f, { username: 'mallory', password: 'nope', callId: 'other' });
    const shape = (r: typeof wrong.res): unknown => ({
      status: r.sent[0]?.status, reason: r.sent[0]?.reason, names: Object.keys(r.sent[0]?.headers ?? {}),
      challenges: r.header('WWW-Authenticate').map((v) => v.replace(/nonce="[^"]*"/, 'nonce="*"')),
    });
    assert.deepEqual(shape(unknown.res), shape(wrong.res));
    assert.equal(unknown.res.sent[0]?.status, 401);
  });

  it('answers an expired nonce with 401 stale=true, then accepts the new nonce', async () => {
    const first = await f.srf.deliver(registerRequest());
    const old = challengeOf(first.res);
    f.clock.advance(31_000);
    const res = await answer(f, old, { cseq: 2 });
    assert.equal(res.sent[0]?.status, 401);
    const fresh = challengeOf(res);
    assert.equal(fresh.stale, true);
    assert.notEqual(fresh.nonce, old.nonce);
    assert.equal((await answer(f, fresh, { cseq: 3 })).sent[0]?.status, 200);
  });

  it('answers a nonce it did not issue, with a correct response, with stale=true', async () => {
    const forged = { realm: 'example.com', nonce: 'made.up.nonce', algorithm: 'MD5' as const, qop: 'auth', stale: false };
    const res = await answer(f, forged, { cseq: 2 });
    assert.equal(res.sent[0]?.status, 401);
    assert.equal(challengeOf(res).stale, true);
  });

  it('refuses a replayed nonce-count and accepts a higher one', async () => {
    const { challenge, res } = await registerWithAuth(f, { nc: 1 });
    assert.equal(res.sent[0]?.status, 200);
    const replay = await answer(f, challenge, { nc: 1, cseq: 3 });
    assert.equal(replay.sent[0]?.status, 401);
    assert.equal(challengeOf(replay).stale, false);
    assert.equal((await answer(f, challenge, { nc: 2, cseq: 4 })).sent[0]?.status, 200);
  });

  it('challenges INVITE and MESSAGE from devices the same way, and lets authenticated ones through', async () => {
    const mw = f.registrar.middleware();
    f.srf.use('invite', mw);
    f.srf.use('message', mw);
    const reg = (await f.srf.deliver(registerRequest())).res;
    for (const method of ['INVITE', 'MESSAGE']) {
      const req = (authz?: string): FakeRequest => new FakeRequest({
        method, uri: 'sip:bob@example.com', headers: { Authorization: authz, From: '<sip:alice@example.com>;tag=a' },
      });
      const first = await f.srf.deliver(req());
      assert.equal(first.passed, false);
      assert.equal(first.res.sent[0]?.status, 401);
      const mask = (v: string): string => v.replace(/nonce="[^"]*"/, '');
      assert.deepEqual(first.res.header('WWW-Authenticate').map(mask), reg.header('WWW-Authenticate').map(mask));
      const ch = challengeOf(first.res);
      const authz = authorization(ch, { username: 'alice', password: 'alice-pw', method, uri: 'sip:bob@example.com' });
      const second = await f.srf.deliver(req(authz));
      assert.equal(second.passed, true);
      assert.equal(second.res.sent.length, 0);
      // The response is bound to the method: the same credentials on another method fail.
      const other = await f.srf.deliver(new FakeRequest({ method: method === 'INVITE' ? 'MESSAGE' : 'INVITE', uri: 'sip:bob@example.com', headers: { Authorization: authz } }));
      assert.equal(other.passed, false);
    }
  });

  it('lets ACK and CANCEL through authenticate() untouched (they cannot be challenged)', async () => {
    for (const method of ['ACK', 'CANCEL']) {
      const res = { sent: 0, send: () => void res.sent++ };
      assert.deepEqual(await f.registrar.authenticate(new FakeRequest({ method }), res), { type: 'Exempt' });
      assert.equal(res.sent, 0);
    }
  });
});

describe('Registrar: lockout', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture(); // maxFailures 3, window 300 s, duration 600 s
  });
  afterEach(async () => {
    await f.close();
  });

  async function failOnce(username: string, address = '192.0.2.10', password = 'nope'): Promise<number | undefined> {
    const source = { address, port: 5062, protocol: 'udp' };
    const first = await f.srf.deliver(registerRequest({ username, source }));
    if (first.res.sent[0]?.status !== 401) return first.res.sent[0]?.status;
    const res = await answer(f, challengeOf(first.res), { username, password, source, cseq: 2 });
    return res.sent[0]?.status;
  }

  it('locks a user after maxFailures, refuses even the right password with 403, and lifts after durationS', async () => {
    assert.equal(await failOnce('alice', '192.0.2.10'), 401);
    assert.equal(await failOnce('alice', '192.0.2.11'), 401);
    assert.equal(await failOnce('alice', '192.0.2.12'), 403); // the third failure locks
    const { res } = await registerWithAuth(f, { source: { address: '192.0.2.99', port: 5062 } });
    assert.equal(res.sent[0]?.status, 403);
    assert.equal(res.sent[0]?.reason, LOCKED_OUT_REASON);
    assert.equal((await f.store.getCounter('authfail.user', 'alice')).value, 1, 'the locked attempt is counted');
    // bob, from another address, is not affected
    assert.equal((await registerWithAuth(f, { username: 'bob', callId: 'b', source: { address: '192.0.2.98', port: 5062 } })).res.sent[0]?.status, 200);
    f.clock.advance(599_000);
    assert.equal((await registerWithAuth(f, { source: { address: '192.0.2.99', port: 5062 } })).res.sent[0]?.status, 403);
    f.clock.advance(2_000);
    const after = await registerWithAuth(f, { source: { address: '192.0.2.99', port: 5062 }, cseq: 10 });
    assert.equal(after.res.sent[0]?.status, 200, JSON.stringify(after.res.sent));
  });

  it('locks a source address that guesses at several users, without locking those users elsewhere', async () => {
    assert.equal(await failOnce('alice', '198.51.100.7'), 401);
    assert.equal(await failOnce('bob', '198.51.100.7'), 401);
    assert.equal(await failOnce('carol', '198.51.100.7'), 403);
    const fromThere = await f.srf.deliver(registerRequest({ source: { address: '198.51.100.7', port: 5062 } }));
    assert.equal(fromThere.res.sent[0]?.status, 403, 'refused before any challenge');
    assert.equal((await registerWithAuth(f, { source: { address: '198.51.100.8', port: 5062 } })).res.sent[0]?.status, 200);
    f.clock.advance(600_001);
    assert.equal((await f.srf.deliver(registerRequest({ source: { address: '198.51.100.7', port: 5062 } }))).res.sent[0]?.status, 401);
  });

  it('locks an unknown username exactly like a known one', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await failOnce('mallory', `203.0.113.${i}`));
    assert.deepEqual(statuses, [401, 401, 403, 403]);
  });

  it('forgets failures after the window, and a success clears the user count', async () => {
    assert.equal(await failOnce('alice', '192.0.2.1'), 401);
    assert.equal(await failOnce('alice', '192.0.2.2'), 401);
    f.clock.advance(300_001);
    assert.equal(await failOnce('alice', '192.0.2.3'), 401);
    assert.equal(await failOnce('alice', '192.0.2.4'), 401);
    assert.equal((await registerWithAuth(f, { source: { address: '192.0.2.5', port: 5062 } })).res.sent[0]?.status, 200);
    assert.equal((await f.store.getCounter('authfail.user', 'alice')).value, 0);
    assert.equal(await failOnce('alice', '192.0.2.6'), 401);
  });
});

describe('Registrar: store failures', () => {
  it('answers 503 with Retry-After when the store is down', async () => {
    const f = await startFixture();
    f.store.destroy(); // every store call now throws STORE_CLOSED
    const { res } = await f.srf.deliver(registerRequest());
    assert.equal(res.sent.length, 1);
    assert.equal(res.sent[0]?.status, 503);
    assert.equal(res.sent[0]?.headers['Retry-After'], '5');
    await f.registrar.close();
  });
});
