import assert from 'node:assert/strict';
import { registerWithAuth, startFixture, type AuthedInit, type Fixture } from '../../helpers/registrar-fixture.js';

const AOR = 'sip:alice@example.com';

describe('Registrar: bindings (RFC 3261 §10.3)', () => {
  let f: Fixture;
  let cseq: number;
  beforeEach(async () => {
    f = await startFixture(); // min 60, max 3600, default 600
    cseq = 1;
  });
  afterEach(async () => {
    await f.close();
    assert.equal(f.clock.pending(), 0, 'timers left behind');
  });

  /** An authenticated REGISTER from alice's phone (Call-ID reg-call-1 unless given), CSeq rising. */
  async function reg(r: AuthedInit = {}): Promise<{ status: number | undefined; reason: string | undefined; headers: Record<string, string> }> {
    const { res } = await registerWithAuth(f, { cseq, ...r });
    cseq += 2;
    const s = res.sent[0];
    return { status: s?.status, reason: s?.reason, headers: s?.headers ?? {} };
  }

  it('stores a binding with its source, listener, Path and User-Agent, and answers 200 with it and a Date', async () => {
    const r = await reg({
      contact: '"Alice" <sip:alice@192.168.1.20:5062;transport=udp>;q=0.7',
      source: { address: '203.0.113.9', port: 40123, protocol: 'udp' },
      receivedOn: '192.0.2.1:5060',
      headers: { Path: '<sip:edge.example.com;lr>', 'User-Agent': 'Phone/1.0' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['Contact'], '<sip:alice@192.168.1.20:5062;transport=udp>;expires=600;q=0.7');
    assert.equal(r.headers['Path'], '<sip:edge.example.com;lr>');
    assert.equal(r.headers['Date'], 'Tue, 14 Nov 2023 22:13:20 GMT');
    const [b, ...more] = await f.store.listBindings(AOR);
    assert.equal(more.length, 0);
    assert.deepEqual({ ...b, expiresInMs: undefined }, {
      contact: 'sip:alice@192.168.1.20:5062;transport=udp', callId: 'reg-call-1', cseq: 2, q: 0.7,
      source: 'udp:203.0.113.9:40123 on 192.0.2.1:5060', path: ['<sip:edge.example.com;lr>'], userAgent: 'Phone/1.0',
      expiresInMs: undefined,
    });
  });

  it('keeps several contacts per user, refreshes one, removes one with expires=0, and lists what is left', async () => {
    await reg({ contact: '<sip:alice@10.0.0.1:5060>, <sip:alice@10.0.0.2:5060>;expires=120' });
    let list = await f.store.listBindings(AOR);
    assert.deepEqual(list.map((b) => [b.contact, b.expiresInMs]), [['sip:alice@10.0.0.1:5060', 600_000], ['sip:alice@10.0.0.2:5060', 120_000]]);
    f.clock.advance(60_000);
    const r = await reg({ contact: '<sip:alice@10.0.0.1:5060>;expires=0', headers: { 'User-Agent': 'x' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['Contact'], '<sip:alice@10.0.0.2:5060>;expires=60');
    // a refresh from the other phone (its own Call-ID)
    await reg({ contact: '<sip:alice@10.0.0.3:5060>', callId: 'phone-3' });
    const refreshed = await reg({ contact: '<sip:alice@10.0.0.2:5060>', expires: '900' });
    assert.equal(refreshed.headers['Contact'], '<sip:alice@10.0.0.2:5060>;expires=900, <sip:alice@10.0.0.3:5060>;expires=600');
    list = await f.store.listBindings(AOR);
    assert.equal(list.length, 2);
    f.clock.advance(600_000);
    assert.deepEqual((await f.store.listBindings(AOR)).map((b) => b.contact), ['sip:alice@10.0.0.2:5060']);
  });

  it('answers a query (no Contact) with the current bindings, changing nothing', async () => {
    await reg({ contact: '<sip:alice@10.0.0.1:5060>' });
    f.clock.advance(10_000);
    const r = await reg({ headers: { Contact: '' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['Contact'], '<sip:alice@10.0.0.1:5060>;expires=590');
  });

  it('answers 423 with Min-Expires for a too brief interval and shortens one above the maximum', async () => {
    const brief = await reg({ expires: '30' });
    assert.equal(brief.status, 423);
    assert.equal(brief.headers['Min-Expires'], '60');
    assert.equal((await f.store.listBindings(AOR)).length, 0);
    const perContact = await reg({ contact: '<sip:alice@10.0.0.1>;expires=59' });
    assert.equal(perContact.status, 423);
    const long = await reg({ expires: '86400' });
    assert.equal(long.status, 200);
    assert.match(long.headers['Contact'] ?? '', /;expires=3600$/);
    const huge = await reg({ expires: '99999999999999' });
    assert.match(huge.headers['Contact'] ?? '', /;expires=3600$/);
  });

  it('unregisters everything with Contact: * and Expires: 0', async () => {
    await reg({ contact: '<sip:alice@10.0.0.1>, <sip:alice@10.0.0.2>' });
    await reg({ contact: '<sip:alice@10.0.0.3>', callId: 'other-phone' });
    const r = await reg({ contact: '*', expires: '0' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['Contact'], undefined);
    assert.equal((await f.store.listBindings(AOR)).length, 0);
  });

  it('answers 400 to Contact: * misused and to an unparsable Contact or Expires', async () => {
    await reg({ contact: '<sip:alice@10.0.0.1>' });
    for (const bad of [
      { contact: '*' },
      { contact: '*', expires: '60' },
      { contact: '*, <sip:alice@10.0.0.2>', expires: '0' },
      { contact: '<http://example.com/x>' },
      { contact: '<sip:alice@10.0.0.2' },
      { contact: '<sip:alice@10.0.0.2>;q=2' },
      { contact: '<sip:alice@10.0.0.2>;expires=soon' },
      { expires: 'never' },
    ]) {
      const r = await reg(bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    assert.deepEqual((await f.store.listBindings(AOR)).map((b) => b.contact), ['sip:alice@10.0.0.1']);
  });

  it('refuses an out-of-order REGISTER (same Call-ID, lower CSeq) and changes nothing', async () => {
    cseq = 20;
    await reg({ contact: '<sip:alice@10.0.0.1>' }); // stored with CSeq 21
    cseq = 5;
    const r = await reg({ contact: '<sip:alice@10.0.0.1>;expires=0, <sip:alice@10.0.0.9>' });
    assert.equal(r.status, 500);
    assert.deepEqual((await f.store.listBindings(AOR)).map((b) => b.contact), ['sip:alice@10.0.0.1']);
  });

  it('refuses to change another user’s AOR (403) and more contacts than allowed (403)', async () => {
    const other = await reg({ toUser: 'bob' });
    assert.equal(other.status, 403);
    assert.equal((await f.store.listBindings('sip:bob@example.com')).length, 0);
    const many = Array.from({ length: 11 }, (_, i) => `<sip:alice@10.0.1.${i}>`).join(', ');
    const r = await reg({ contact: many });
    assert.equal(r.status, 403);
    assert.equal(r.reason, 'Too Many Contacts');
    assert.equal((await f.store.listBindings(AOR)).length, 0);
  });

  it('keeps instance and reg-id (RFC 5626) as the identity, so a new contact replaces the old one', async () => {
    const inst = '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>';
    const first = await reg({ contact: `<sip:alice@10.0.0.1>;+sip.instance="${inst}";reg-id=1` });
    assert.equal(first.headers['Require'], 'outbound');
    assert.equal(first.headers['Contact'], `<sip:alice@10.0.0.1>;expires=600;+sip.instance="${inst}";reg-id=1`);
    await reg({ contact: `<sip:alice@10.0.0.7>;+sip.instance="${inst}";reg-id=1` });
    const list = await f.store.listBindings(AOR);
    assert.deepEqual(list.map((b) => [b.contact, b.instanceId, b.regId]), [['sip:alice@10.0.0.7', inst, 1]]);
  });
});
