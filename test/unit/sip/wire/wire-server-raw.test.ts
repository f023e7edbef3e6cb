/**
 * WireServer driven by a hand-written raw client: exact replies, refusals and
 * disconnects that srf itself never provokes, lifecycle and the auth timeout.
 */
import assert from 'node:assert/strict';
import type { Clock, TimerHandle } from '../../../../src/shared/index.js';
import { tokensAfterResponse } from './raw-wire-client.js';
import { until } from './srf-app.js';
import { HOSTPORTS, LOCAL_HOSTPORTS, SECRET, WireServerHarness } from './wire-server-harness.js';

/** Timers that fire only when the test says so; `now` is not used by the server. */
class ManualClock implements Clock {
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  private t = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return { id };
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    this.t += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.t) {
        this.timers.delete(id);
        timer.fn();
      }
    }
  }
}

describe('WireServer with a raw wire client', () => {
  let h: WireServerHarness;

  beforeEach(async () => {
    h = new WireServerHarness();
    await h.start();
  });

  afterEach(async () => {
    await h.teardown();
  });

  it('answers authenticate with OK|hostports|version|localHostports and tags are kept', async () => {
    const c = await h.raw();
    assert.deepEqual(await c.authenticate(SECRET, 'a,b'), ['OK', HOSTPORTS, 'v0.9.10', LOCAL_HOSTPORTS]);
    assert.deepEqual(h.server.apps()[0]?.tags, ['a', 'b']);
  });

  it('answers a wrong secret with exactly NO|incorrect secret, then closes', async () => {
    const c = await h.raw();
    assert.deepEqual(await c.authenticate('nope'), ['NO', 'incorrect secret']);
    await c.waitClosed();
  });

  it('answers ping with OK|pong', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.send('F30-ping|ping');
    const reply = await c.next();
    assert.match(reply, /^[0-9a-f-]{36}\|response\|F30-ping\|OK\|pong$/);
  });

  it('acknowledges route and remove_route with a bare OK', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.send('r1|route|INVITE');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'r1'), ['OK']);
    c.send('r2|route|cdr:start');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'r2'), ['OK']);
    const id = h.server.apps()[0]?.id ?? '';
    assert.deepEqual(h.server.routeSnapshot(), { 'invite': [id], 'cdr:start': [id] });
    c.send('r3|remove_route|cdr:start');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'r3'), ['OK']);
    assert.deepEqual(h.server.routeSnapshot(), {});
  });

  it('refuses an unauthenticated route with NO and closes (stricter than drachtio-server)', async () => {
    const c = await h.raw();
    c.send('r1|route|invite');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'r1'), ['NO', 'authentication required']);
    await c.waitClosed();
    assert.deepEqual(h.server.routeSnapshot(), {});
  });

  it('refuses an unauthenticated sip command without delivering it', async () => {
    const c = await h.raw();
    c.send('s1|sip|||\r\nOPTIONS sip:x SIP/2.0\r\n\r\n');
    assert.deepEqual(tokensAfterResponse(await c.next(), 's1'), ['NO', 'authentication required']);
    await c.waitClosed();
    assert.equal(h.requests.length, 0);
  });

  it('answers an unknown command with NO|Unknown message type and disconnects', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.send('u1|bogus|x');
    c.send('u2|ping');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'u1'), ['NO', 'Unknown message type']);
    await c.waitClosed();
    assert.equal(h.server.stats().unknownCommands, 1);
    await until(() => h.gone.length === 1, 2000, 'onAppGone');
  });

  it('disconnects a client whose length prefix has 6 digits, without a reply', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.sendRaw('100000#');
    await c.waitClosed();
    assert.equal(h.server.stats().framingErrors, 1);
    await assert.rejects(c.next(10), /closed/);
  });

  it('disconnects a client whose length prefix is not a number', async () => {
    const c = await h.raw();
    c.sendRaw('12x#abcdefghijkl');
    await c.waitClosed();
    assert.equal(h.server.stats().framingErrors, 1);
  });

  it('accepts a 5-digit length and payloads split anywhere, UTF-8 included', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    const body = `MESSAGE sip:a@b SIP/2.0\r\nSubject: ${'é'.repeat(20_000)}\r\n\r\n`;
    const payload = `m1|sip|||\r\n${body}`;
    const framed = Buffer.from(`${Buffer.byteLength(payload)}#${payload}`);
    assert.equal(String(Buffer.byteLength(payload)).length, 5);
    for (let i = 0; i < framed.length; i += 977) c.sendRaw(framed.subarray(i, i + 977));
    await until(() => h.requests.length === 1, 2000, 'sip delivery');
    const msg = h.requests[0]?.msg;
    assert.deepEqual(msg?.tokens, ['m1', 'sip', '', '', '']);
    assert.equal(msg?.sip, body);
  });

  it('hands sip and proxy commands to onAppRequest with every token', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.send('p1|proxy|txn-9|remainInDialog|fullResponse||serial|2s|10s|sip:127.0.0.1:5070|sip:127.0.0.1:5071' +
      '\r\nINVITE sip:127.0.0.1:5070 SIP/2.0\r\n\r\n');
    c.send('s1|sip||dlg;from-tag=x\r\nBYE sip:placeholder SIP/2.0\r\n\r\n');
    await until(() => h.requests.length === 2, 2000, 'two requests');
    const [p, s] = h.requests;
    assert.equal(p?.app.id, h.server.apps()[0]?.id);
    assert.deepEqual(p?.msg.tokens, ['p1', 'proxy', 'txn-9', 'remainInDialog', 'fullResponse', '', 'serial',
      '2s', '10s', 'sip:127.0.0.1:5070', 'sip:127.0.0.1:5071']);
    assert.equal(p?.msg.sip, 'INVITE sip:127.0.0.1:5070 SIP/2.0\r\n\r\n');
    assert.equal(s?.msg.command, 'sip');
    assert.deepEqual(s?.msg.tokens, ['s1', 'sip', '', 'dlg;from-tag=x']);
  });

  it('survives an onAppRequest that throws', async () => {
    h.onRequest = () => {
      throw new Error('engine bug');
    };
    const c = await h.raw();
    await c.authenticate(SECRET);
    c.send('s1|sip|||\r\nOPTIONS sip:x SIP/2.0\r\n\r\n');
    c.send('p1|ping');
    assert.deepEqual(tokensAfterResponse(await c.next(), 'p1'), ['OK', 'pong']);
    assert.equal(h.requests.length, 1);
  });

  it('batches several sends of one tick and keeps their order', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    const app = h.server.apps()[0];
    for (let i = 0; i < 50; i++) app?.send(`m${i}|sip|network|ü${i}`);
    for (let i = 0; i < 50; i++) assert.equal(await c.next(), `m${i}|sip|network|ü${i}`);
  });

  it('close() ends connections, stops listening, is idempotent; send afterwards returns false', async () => {
    const c = await h.raw();
    await c.authenticate(SECRET);
    const app = h.server.apps()[0];
    const first = h.server.close();
    assert.equal(h.server.close(), first);
    await first;
    await c.waitClosed();
    assert.equal(app?.alive, false);
    assert.equal(app?.send('x|ping'), false);
    await assert.rejects(h.raw(), /ECONNREFUSED/);
  });
});

describe('WireServer timers', () => {
  it('drops a connection that does not authenticate within authTimeoutMs, on the injected clock', async () => {
    const clock = new ManualClock();
    const h = new WireServerHarness();
    await h.start({ authTimeoutMs: 1000 }, clock);
    try {
      const idle = await h.raw();
      const good = await h.raw();
      await good.authenticate(SECRET);
      await until(() => clock.pending === 1, 2000, 'the idle client to be accepted');
      clock.advance(999);
      assert.equal(idle.isOpen, true);
      clock.advance(1);
      await idle.waitClosed();
      assert.equal(good.isOpen, true);
    } finally {
      await h.teardown();
    }
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('destroy() drops everything at once', async () => {
    const h = new WireServerHarness();
    await h.start();
    const c = await h.raw();
    await c.authenticate(SECRET);
    h.server.destroy();
    await c.waitClosed();
    await h.server.close();
  });
});
