import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { AuthResult, ReachableContact } from '../../../../src/b2bua/registrar/index.js';
import { messageSummaryBody, type MwiDialog, type MwiRegistrar, type MwiRequest, type MwiResponse, type MwiSrf } from '../../../../src/b2bua/voicemail/index.js';
import { acceptsSummary, DEFAULT_EXPIRY, eventPackage, grantExpires } from '../../../../src/b2bua/voicemail/message-summary.js';
import { settle, startFixture, type Fixture } from './voicemail-fixture.js';

type Headers = Record<string, string>;

interface Sent {
  status: number;
  headers: Headers;
}

interface Notify {
  headers: Headers;
  body: string;
}

class FakeDialog extends EventEmitter implements MwiDialog {
  readonly notifies: Notify[] = [];
  /** Final status the subscriber answers NOTIFYs with. */
  answer = 200;
  constructor(readonly remote: { uri: string }) {
    super();
  }

  request(opts: { method: string; headers?: Headers; body?: string }, callback: (err: unknown, res?: { status: number }) => void): unknown {
    this.notifies.push({ headers: opts.headers ?? {}, body: opts.body ?? '' });
    setImmediate(() => callback(null, { status: this.answer }));
    return this;
  }
}

class FakeSrf implements MwiSrf {
  handler: ((req: MwiRequest, res: MwiResponse, next: () => void) => void) | undefined;
  readonly dialogs: FakeDialog[] = [];
  readonly outOfDialog: Array<{ uri: string; headers: Headers; body: string; proxy?: string }> = [];

  use(method: string, handler: (req: MwiRequest, res: MwiResponse, next: () => void) => void): void {
    assert.equal(method, 'subscribe');
    this.handler = handler;
  }

  async createUAS(req: MwiRequest, res: MwiResponse, opts: { headers?: Headers }): Promise<MwiDialog> {
    res.send(202, { headers: opts.headers ?? {} });
    const d = new FakeDialog({ uri: req.get('Contact')!.replace(/^<|>$/g, '') });
    this.dialogs.push(d);
    return d;
  }

  async request(uri: string, opts: { method: string; headers?: Headers; body?: string; proxy?: string }): Promise<unknown> {
    this.outOfDialog.push({ uri, headers: opts.headers ?? {}, body: opts.body ?? '', ...(opts.proxy ? { proxy: opts.proxy } : {}) });
    return {};
  }
}

class FakeRegistrar implements MwiRegistrar {
  contacts: ReachableContact[] = [];
  async authenticate(req: MwiRequest, res: { send(status: number, reason: string, opts: { headers: Headers }): void }): Promise<AuthResult> {
    const user = req.get('Authorization');
    if (user) return { type: 'Authenticated', userId: user, username: user };
    res.send(401, 'Unauthorized', { headers: { 'WWW-Authenticate': 'Digest realm="x"' } });
    return { type: 'Challenged', stale: false, reason: 'no-credentials' };
  }

  async lookup(): Promise<ReachableContact[]> {
    return this.contacts;
  }
}

function subscribe(srf: FakeSrf, headers: Headers, port = 5070): Sent[] {
  const sent: Sent[] = [];
  const all: Headers = { Event: 'message-summary', Contact: `<sip:alice@127.0.0.1:${port}>`, Authorization: 'alice', ...headers };
  const lower = new Map(Object.entries(all).map(([k, v]) => [k.toLowerCase(), v]));
  const req: MwiRequest = {
    method: 'SUBSCRIBE', uri: 'sip:alice@example.test', source_address: '127.0.0.1', source_port: port, protocol: 'udp',
    get: (name) => lower.get(name.toLowerCase()),
  };
  const res: MwiResponse = {
    send: (status, reason, opts) => {
      const o = typeof reason === 'object' ? reason : opts;
      sent.push({ status, headers: o?.headers ?? {} });
    },
  };
  srf.handler!(req, res, () => assert.fail('next() called'));
  return sent;
}

describe('message-summary body and SUBSCRIBE rules (RFC 3842, RFC 6665)', () => {
  it('writes the RFC 3842 §5.2 body', () => {
    assert.equal(messageSummaryBody({ new: 2, old: 8 }, 'sip:alice@example.test'),
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@example.test\r\nVoice-Message: 2/8 (0/0)\r\n');
    assert.match(messageSummaryBody({ new: 0, old: 3 }, 'sip:a@b'), /^Messages-Waiting: no\r\n/);
  });

  it('reads Event, Accept and Expires', () => {
    assert.equal(eventPackage('Message-Summary;id=7'), 'message-summary');
    assert.equal(eventPackage(undefined), '');
    assert.ok(acceptsSummary(undefined));
    assert.ok(acceptsSummary('application/simple-message-summary, text/plain'));
    assert.ok(!acceptsSummary('application/pidf+xml'));
    assert.deepEqual(grantExpires(undefined, DEFAULT_EXPIRY), { ok: true, expiresS: 3600 });
    assert.deepEqual(grantExpires('0', DEFAULT_EXPIRY), { ok: true, expiresS: 0 });
    assert.deepEqual(grantExpires('30', DEFAULT_EXPIRY), { ok: false, minS: 60 });
    assert.deepEqual(grantExpires('86400', DEFAULT_EXPIRY), { ok: true, expiresS: 7200 });
    assert.deepEqual(grantExpires('junk', DEFAULT_EXPIRY), { ok: true, expiresS: 3600 });
  });
});

describe('message waiting (fake srf)', () => {
  let f: Fixture;
  let srf: FakeSrf;
  let registrar: FakeRegistrar;
  beforeEach(async () => {
    f = await startFixture({ unsolicitedMwi: true });
    srf = new FakeSrf();
    registrar = new FakeRegistrar();
    f.service.register(srf, registrar);
  });
  afterEach(async () => {
    await f.close();
  });

  async function deposit(callId: string): Promise<void> {
    f.media.script = (ep) => ep.records.push({ durationMs: 2000, reason: 'terminator' });
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId });
    leg.start();
    await leg.finished;
    await settle();
  }

  it('challenges, refuses other packages, short intervals and bodies it cannot send', async () => {
    const challenged = subscribe(srf, { Authorization: '' });
    await settle();
    assert.deepEqual(challenged.map((s) => s.status), [401]);
    assert.equal(subscribe(srf, { Event: 'presence' })[0]?.status, 489);
    const short = subscribe(srf, { Expires: '10' });
    await settle();
    assert.deepEqual(short, [{ status: 423, headers: { 'Min-Expires': '60' } }]);
    const accept = subscribe(srf, { Accept: 'application/pidf+xml' });
    await settle();
    assert.equal(accept[0]?.status, 406);
    const bob = subscribe(srf, { Authorization: 'bob' });
    await settle();
    assert.equal(bob[0]?.status, 404, 'bob has no mailbox');
    assert.equal(srf.dialogs.length, 0);
  });

  it('accepts, NOTIFYs at once, then on every count change; heard → old; delete → gone', async () => {
    const sent = subscribe(srf, { Expires: '600' });
    await settle();
    assert.deepEqual(sent, [{ status: 202, headers: { Expires: '600' } }]);
    const d = srf.dialogs[0]!;
    assert.equal(d.notifies.length, 1);
    assert.deepEqual(d.notifies[0]!.headers, {
      Event: 'message-summary', 'Subscription-State': 'active;expires=600', 'Content-Type': 'application/simple-message-summary',
    });
    assert.match(d.notifies[0]!.body, /Messages-Waiting: no\r\nMessage-Account: sip:alice@example.test\r\nVoice-Message: 0\/0 \(0\/0\)/);
    await deposit('c1');
    assert.match(d.notifies.at(-1)!.body, /Messages-Waiting: yes[\s\S]*Voice-Message: 1\/0/);
    const [m] = await f.service.list('alice');
    assert.ok(await f.service.markHeard('alice', m!.id));
    await settle();
    assert.match(d.notifies.at(-1)!.body, /Messages-Waiting: no[\s\S]*Voice-Message: 0\/1/);
    const count = d.notifies.length;
    assert.ok(await f.service.markHeard('alice', m!.id), 'still there');
    await settle();
    assert.equal(d.notifies.length, count, 'no change, no NOTIFY');
    assert.ok(await f.service.delete('alice', m!.id));
    await settle();
    assert.match(d.notifies.at(-1)!.body, /Voice-Message: 0\/0/);
    assert.equal(await f.service.delete('alice', m!.id), false);
    assert.equal(await f.service.markHeard('alice', 'm-nope-00'), false);
  });

  it('refresh answers 200 and NOTIFYs; unsubscribe and expiry end with terminated', async () => {
    const storeTimers = f.clock.pending(); // the MemoryStore's sweep
    subscribe(srf, { Expires: '600' });
    await settle();
    const d = srf.dialogs[0]!;
    const refreshed: Sent[] = [];
    const res: MwiResponse = { send: (status, r) => refreshed.push({ status, headers: (typeof r === 'object' ? r.headers : {}) ?? {} }) };
    f.clock.advance(300_000);
    d.emit('subscribe', { get: (n: string) => (n === 'Expires' ? '900' : undefined) }, res);
    await settle();
    assert.deepEqual(refreshed, [{ status: 200, headers: { Expires: '900' } }]);
    assert.equal(d.notifies.at(-1)!.headers['Subscription-State'], 'active;expires=900');
    f.clock.advance(899_000);
    await settle();
    assert.equal(f.service['mwi'].subscriptionCount('alice'), 1, 'refreshed: alive past the first 600 s');
    f.clock.advance(1000);
    await settle();
    assert.equal(d.notifies.at(-1)!.headers['Subscription-State'], 'terminated;reason=timeout');
    assert.equal(f.service['mwi'].subscriptionCount('alice'), 0);

    subscribe(srf, {});
    await settle();
    const d2 = srf.dialogs[1]!;
    assert.equal(d2.notifies[0]!.headers['Subscription-State'], 'active;expires=3600', 'default duration');
    d2.emit('unsubscribe', {});
    await settle();
    assert.equal(d2.notifies.at(-1)!.headers['Subscription-State'], 'terminated');
    assert.match(d2.notifies.at(-1)!.body, /Messages-Waiting: no/);
    await deposit('c1');
    assert.equal(d2.notifies.length, 2, 'nothing after the end');
    assert.equal(f.clock.pending(), storeTimers, 'no subscription timer left');
  });

  it('a fetch (Expires: 0) gets one terminated NOTIFY; a 481 answer ends the subscription', async () => {
    subscribe(srf, { Expires: '0' });
    await settle();
    assert.equal(srf.dialogs[0]!.notifies.length, 1);
    assert.equal(srf.dialogs[0]!.notifies[0]!.headers['Subscription-State'], 'terminated;reason=timeout');
    subscribe(srf, {});
    await settle();
    const d = srf.dialogs[1]!;
    d.answer = 481;
    await deposit('c1');
    assert.equal(f.service['mwi'].subscriptionCount(), 0);
    await deposit('c2');
    assert.equal(d.notifies.length, 2, 'the initial NOTIFY and the one answered 481');
  });

  it('unsolicited NOTIFY goes to registered devices without a subscription only', async () => {
    registrar.contacts = [
      { uri: 'sip:alice@127.0.0.1:5070', expiresInMs: 60_000, path: [], uacOptions: {}, source: { protocol: 'udp', address: '127.0.0.1', port: 5070 } },
      { uri: 'sip:alice@127.0.0.1:5080;transport=tcp', expiresInMs: 60_000, path: [], uacOptions: { proxy: 'sip:127.0.0.1:5080;transport=tcp' } },
    ];
    subscribe(srf, {}, 5070);
    await settle();
    await deposit('c1');
    assert.equal(srf.outOfDialog.length, 1);
    const n = srf.outOfDialog[0]!;
    assert.equal(n.uri, 'sip:alice@127.0.0.1:5080;transport=tcp');
    assert.equal(n.proxy, 'sip:127.0.0.1:5080;transport=tcp');
    assert.equal(n.headers['Event'], 'message-summary');
    assert.equal(n.headers['To'], '<sip:alice@example.test>');
    assert.match(n.body, /Messages-Waiting: yes/);
  });
});
