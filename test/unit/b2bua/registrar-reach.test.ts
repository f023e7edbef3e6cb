import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseContactList } from '../../../src/b2bua/registrar/contact-list.js';
import { flowProxy, formatSource, parseSource } from '../../../src/b2bua/registrar/flow-source.js';
import { MemoryStore } from '../../../src/state/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { registerWithAuth, startFixture, type AuthedInit, type Fixture } from '../../helpers/registrar-fixture.js';

/** Lets the registrar's promise chains (store calls, srf requests) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Registrar: reaching registered devices', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  async function reg(r: AuthedInit): Promise<void> {
    const { res } = await registerWithAuth(f, r);
    assert.equal(res.sent[0]?.status, 200, JSON.stringify(res.sent));
  }

  it('sends to the contact itself when a UDP device is reachable where it says it is', async () => {
    await reg({ contact: '<sip:alice@127.0.0.1:5062>', source: { address: '127.0.0.1', port: 5062, protocol: 'udp' } });
    const [c] = await f.registrar.lookup('u-alice');
    assert.deepEqual(c?.uacOptions, {});
    assert.equal(c?.uri, 'sip:alice@127.0.0.1:5062');
    assert.deepEqual(c?.source, { protocol: 'udp', address: '127.0.0.1', port: 5062 });
  });

  it('sends to the source address of a UDP device behind NAT (private Contact, public source)', async () => {
    await reg({ contact: '<sip:alice@192.168.1.20:5062>', source: { address: '203.0.113.9', port: 40123, protocol: 'udp' }, receivedOn: '192.0.2.1:5060' });
    const [c] = await f.registrar.lookup('u-alice');
    assert.equal(c?.uri, 'sip:alice@192.168.1.20:5062');
    assert.deepEqual(c?.uacOptions, { proxy: 'sip:203.0.113.9:40123;transport=udp' });
    assert.equal(c?.source?.receivedOn, '192.0.2.1:5060');
  });

  it('always sends to a TCP device over the connection it registered on', async () => {
    await reg({ contact: '<sip:alice@127.0.0.1:5062;transport=tcp>', source: { address: '127.0.0.1', port: 41000, protocol: 'tcp' } });
    const [c] = await f.registrar.lookup('u-alice');
    assert.deepEqual(c?.uacOptions, { proxy: 'sip:127.0.0.1:41000;transport=tcp' });
  });

  it('routes through the registered Path, orders by q, and knows no contacts for unknown users', async () => {
    await reg({ contact: '<sip:alice@10.0.0.1>;q=0.2, <sip:alice@10.0.0.2>;q=0.9', headers: { Path: '<sip:p1.example.com;lr>, <sip:p2.example.com;lr>' }, source: { address: '10.0.0.1', port: 5060 } });
    const list = await f.registrar.lookup('u-alice');
    assert.deepEqual(list.map((c) => c.uri), ['sip:alice@10.0.0.2', 'sip:alice@10.0.0.1']);
    assert.deepEqual(list[1]?.uacOptions, { headers: { Route: '<sip:p1.example.com;lr>, <sip:p2.example.com;lr>' } });
    assert.deepEqual(list[1]?.path, ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    assert.deepEqual(await f.registrar.lookup('u-nobody'), []);
    assert.deepEqual(await f.registrar.lookup('u-bob'), []);
  });

  it('computes the flow proxy for IPv6 and RFC 1918 cases', () => {
    assert.equal(flowProxy('sip:a@[::1]:5062', { protocol: 'udp', address: '::1', port: 5062 }), undefined);
    assert.equal(flowProxy('sip:a@[2001:db8::1]:5062', { protocol: 'udp', address: '2001:db8::2', port: 6000 }), 'sip:[2001:db8::2]:6000;transport=udp');
    assert.equal(flowProxy('sip:a@172.20.0.5', { protocol: 'udp', address: '198.51.100.1', port: 5060 }), 'sip:198.51.100.1:5060;transport=udp');
    assert.equal(flowProxy('sip:a@phone.example.com', { protocol: 'udp', address: '198.51.100.1', port: 5060 }), 'sip:198.51.100.1:5060;transport=udp');
    assert.equal(flowProxy('sip:a@10.1.1.1', undefined), undefined);
    for (const s of [{ protocol: 'udp', address: '::1', port: 1, receivedOn: '[::1]:5060' }, { protocol: 'tcp', address: '10.0.0.1', port: 65535 }]) {
      assert.deepEqual(parseSource(formatSource(s)), s);
    }
    assert.equal(parseSource('garbage'), undefined);
  });

  it('parses Contact lists with display names, quoted commas and several header lines', () => {
    const l = parseContactList('"Smith, J" <sip:j@10.0.0.1;transport=tcp>;expires=60;+sip.instance="<urn:uuid:1>", sip:k@10.0.0.2;q=0.5');
    assert.ok(l.ok && !l.star);
    assert.deepEqual(l.contacts.map((c) => [c.uri, [...c.params]]), [
      ['sip:j@10.0.0.1;transport=tcp', [['expires', '60'], ['+sip.instance', '<urn:uuid:1>']]],
      ['sip:k@10.0.0.2', [['q', '0.5']]],
    ]);
    assert.deepEqual(parseContactList(' * '), { ok: true, star: true });
    assert.equal(parseContactList('<sip:a@b>;;x').ok, false);
    assert.equal(parseContactList('<tel:+123>').ok, false);
    assert.equal(parseContactList('<sip:a@b:99999>').ok, false);
  });
});

describe('Registrar: OPTIONS keepalives', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ keepalive: { intervalS: 30, timeoutS: 5 } });
    const { res } = await registerWithAuth(f, { contact: '<sip:alice@192.168.1.20:5062>', source: { address: '203.0.113.9', port: 40123, protocol: 'udp' } });
    assert.equal(res.sent[0]?.status, 200);
  });
  afterEach(async () => {
    await f.close();
    assert.equal(f.clock.pending(), 0, 'timers left behind');
  });

  const count = async (): Promise<number> => (await f.store.listBindings('sip:alice@example.com')).length;

  it('pings each binding over its flow and keeps the ones that answer', async () => {
    f.srf.autoAnswer = 404; // any answer proves the device is there
    for (let round = 0; round < 3; round++) {
      f.clock.advance(30_000);
      await settle();
    }
    assert.equal(f.srf.requests.length, 3);
    assert.deepEqual({ uri: f.srf.requests[0]?.uri, opts: f.srf.requests[0]?.opts }, {
      uri: 'sip:alice@192.168.1.20:5062', opts: { method: 'OPTIONS', proxy: 'sip:203.0.113.9:40123;transport=udp' },
    });
    assert.equal(await count(), 1);
  });

  it('removes a binding after two pings in a row without an answer (408 or silence)', async () => {
    f.clock.advance(30_000);
    await settle();
    f.srf.requests[0]?.respond(408);
    await settle();
    assert.equal(await count(), 1, 'one failure is tolerated');
    f.clock.advance(30_000);
    await settle();
    assert.equal(f.srf.requests.length, 2);
    f.clock.advance(5_000); // no answer: timeout
    await settle();
    assert.equal(await count(), 0);
  });

  it('forgets a failure once the device answers again', async () => {
    f.clock.advance(30_000);
    await settle();
    f.clock.advance(5_000);
    await settle();
    f.clock.advance(30_000);
    await settle();
    f.srf.requests[1]?.respond(200);
    await settle();
    f.clock.advance(30_000);
    await settle();
    f.clock.advance(5_000);
    await settle();
    assert.equal(f.srf.requests.length, 3);
    assert.equal(await count(), 1);
  });

  it('close() settles a ping in flight and leaves no timer', async () => {
    f.clock.advance(30_000);
    await settle();
    assert.equal(f.srf.requests.length, 1);
    await f.registrar.close();
    assert.equal(await count(), 1);
  });
});

describe('Registrar: restart', () => {
  it('finds the bindings again after the app and its store restart from the snapshot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linegate-registrar-'));
    const snapshotPath = path.join(dir, 'store.json');
    try {
      const clock = new FakeClock(5_000);
      const first = await startFixture({ clock, store: new MemoryStore({ clock, snapshotPath }) });
      const { res } = await registerWithAuth(first, { contact: '<sip:alice@10.0.0.1:5062;transport=tcp>', source: { address: '10.0.0.1', port: 41000, protocol: 'tcp' } });
      assert.equal(res.sent[0]?.status, 200);
      await first.close();
      const clock2 = new FakeClock(0); // a new process: its monotonic clock starts again
      const second = await startFixture({ clock: clock2, store: new MemoryStore({ clock: clock2, snapshotPath }) });
      const list = await second.registrar.lookup('u-alice');
      await second.close();
      assert.equal(list.length, 1);
      assert.equal(list[0]?.uri, 'sip:alice@10.0.0.1:5062;transport=tcp');
      assert.deepEqual(list[0]?.uacOptions, { proxy: 'sip:10.0.0.1:41000;transport=tcp' });
      assert.ok((list[0]?.expiresInMs ?? 0) > 590_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
