import assert from 'node:assert/strict';
import { LinegateError } from '../../../../src/shared/index.js';
import {
  DEFAULT_TIMERS,
  TransactionLayer,
  isRfc3261Branch,
  newBranch,
} from '../../../../src/sip/transaction/index.js';
import type { ClientTransaction, ServerTransaction } from '../../../../src/sip/transaction/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { RecordingTU, TCP_SRC, UDP_DEST, UDP_SRC, harness, isRequest, request, response } from './fixtures.js';

describe('TransactionLayer', () => {
  it('close() stops every timer and transaction without calling the TU; idempotent', () => {
    const h = harness();
    const handler = h.handler();
    h.layer.sendRequest(request('INVITE', { branch: 'z9hG4bKa' }), UDP_DEST, handler);
    const held = h.layer.sendRequest(request('INVITE', { branch: 'z9hG4bKb' }), UDP_DEST, handler).cancel();
    h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKc' }), UDP_DEST, handler);
    h.layer.receiveRequest(request('INVITE', { branch: 'z9hG4bKs1' }), UDP_SRC);
    h.layer.receiveRequest(request('INVITE', { branch: 'z9hG4bKs2' }), UDP_SRC);
    h.layer.receiveRequest(request('MESSAGE', { branch: 'z9hG4bKs3' }), UDP_SRC);
    const [s1, s2, s3] = h.tu.requests.map((r) => r.stx);
    s1!.respond(response(s1!.request, 200, 't'));
    s2!.respond(response(s2!.request, 486, 't'));
    s3!.respond(response(s3!.request, 200, 't'));
    let serverEvents = 0;
    for (const s of [s1!, s2!, s3!]) s.on('terminated', () => serverEvents++).on('ackTimeout', () => serverEvents++);
    assert.deepEqual(h.layer.size(), { client: 4, server: 3 });
    assert.ok(h.clock.pending() > 0);
    h.layer.close();
    h.layer.close();
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
    assert.equal(h.clock.pending(), 0);
    assert.equal(held?.state, 'terminated');
    assert.equal(s1!.state, 'terminated');
    const sentBefore = h.sent.length;
    h.clock.advance(100_000);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bKlate' }), UDP_SRC);
    h.layer.receiveResponse(response(request('OPTIONS', { branch: 'z9hG4bKc' }), 200), UDP_SRC);
    assert.equal(h.sent.length, sentBefore);
    assert.equal(h.tu.requests.length, 3);
    assert.equal(h.tu.strays.length, 0);
    assert.deepEqual([handler.responses.length, handler.timeouts.length, handler.terminated.length], [0, 0, 0]);
    assert.equal(serverEvents, 0);
    assert.equal(h.tu.ended.length, 0, 'close() tells the TU nothing');
    assert.throws(
      () => h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKd' }), UDP_DEST, handler),
      (e: unknown) => e instanceof LinegateError && e.code === 'SIP_TX_CLOSED',
    );
  });

  it('tells the TU once when a server transaction ends (timer J, timer L, ACK timeout, transport error), with the transaction', () => {
    const h = harness();
    h.layer.receiveRequest(request('MESSAGE', { branch: 'z9hG4bKj' }), UDP_SRC);
    h.layer.receiveRequest(request('INVITE', { branch: 'z9hG4bKl' }), UDP_SRC);
    h.layer.receiveRequest(request('INVITE', { branch: 'z9hG4bKh' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bKt' }), UDP_SRC);
    const [j, l, noAck, failed] = h.tu.requests.map((r) => r.stx);
    const notes = new Map([[j!, 'j'], [l!, 'l'], [noAck!, 'h'], [failed!, 't']]);
    for (const [s, note] of notes) s.tuData = note;
    j!.respond(response(j!.request, 200, 't'));
    l!.respond(response(l!.request, 200, 't'));
    l!.ackReceived();
    noAck!.respond(response(noAck!.request, 200, 't'));
    h.layer.transportError(failed!, 'EHOSTUNREACH');
    assert.deepEqual(h.tu.ended.map((e) => e.stx), [failed]);
    assert.equal(h.tu.ended[0]!.state, 'terminated');
    h.clock.advance(32_000); // 64·T1: timers J and L, and the missing ACK
    assert.deepEqual(new Set(h.tu.ended.map((e) => e.stx)), new Set([failed, j, l, noAck]));
    assert.equal(h.tu.ended.length, 4, 'once each');
    for (const e of h.tu.ended) assert.equal(e.stx.tuData, notes.get(e.stx), 'the layer never touches the TU\'s note');
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });

  it('gives every transaction a distinct id that stays the same', () => {
    const h = harness();
    h.layer.receiveRequest(request('MESSAGE', { branch: 'z9hG4bKi1' }), UDP_SRC);
    h.layer.receiveRequest(request('MESSAGE', { branch: 'z9hG4bKi2' }), UDP_SRC);
    const [a, b] = h.tu.requests.map((r) => r.stx);
    const c = h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKi3' }), UDP_DEST, h.handler());
    assert.equal(a!.id, a!.id);
    assert.equal(new Set([a!.id, b!.id, c.id]).size, 3);
    assert.match(a!.id, /^[0-9a-f]{8}-s[0-9a-z]+$/);
    assert.match(c.id, /^[0-9a-f]{8}-c[0-9a-z]+$/);
  });

  it('transportError on a client transaction: onTransportError, then terminated; ignored after the final', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(request('INVITE', { branch: 'z9hG4bKte' }), UDP_DEST, handler);
    h.layer.transportError(ctx, 'ECONNREFUSED');
    assert.deepEqual(handler.transportErrors, ['ECONNREFUSED']);
    assert.equal(handler.terminated.length, 1);
    assert.equal(ctx.state, 'terminated');
    assert.equal(h.clock.pending(), 0);
    h.layer.transportError(ctx, 'again');
    assert.deepEqual(handler.transportErrors, ['ECONNREFUSED']);

    const done = h.handler();
    const ctx2 = h.layer.sendRequest(request('INVITE', { branch: 'z9hG4bKte2' }), UDP_DEST, done);
    h.layer.receiveResponse(response(ctx2.request, 404, 't'), UDP_SRC);
    h.layer.transportError(ctx2, 'ACK lost');
    assert.deepEqual(done.transportErrors, []);
    assert.equal(ctx2.state, 'completed');
  });

  it('a transmit that fails synchronously leaves no timer behind', () => {
    const clock = new FakeClock();
    const tu = new RecordingTU();
    const failures: string[] = [];
    const layer: TransactionLayer = new TransactionLayer(
      { clock, transmit: (_m, _d, tx) => layer.transportError(tx, 'EHOSTUNREACH') },
      tu,
    );
    const ctx = layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKsync' }), UDP_DEST, {
      onResponse: () => {},
      onTimeout: () => {},
      onTransportError: (e) => failures.push(e),
    });
    assert.equal(ctx.state, 'terminated');
    layer.receiveRequest(request('INVITE'), UDP_SRC);
    const stx = tu.requests[0]!.stx;
    stx.on('transportError', (e) => failures.push(`server:${e}`));
    stx.respond(response(stx.request, 486, 't'));
    assert.equal(stx.state, 'terminated');
    assert.deepEqual(failures, ['EHOSTUNREACH', 'server:EHOSTUNREACH']);
    assert.equal(clock.pending(), 0);
    assert.deepEqual(layer.size(), { client: 0, server: 0 });
  });

  it('a TU that throws from onTimeout or ackTimeout does not leak the transaction', () => {
    const h = harness();
    h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKthrow' }), UDP_DEST, {
      onResponse: () => {},
      onTimeout: () => {
        throw new Error('TU bug');
      },
      onTransportError: () => {},
    });
    assert.throws(() => h.clock.advance(32_000), /TU bug/);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
    assert.equal(h.clock.pending(), 0);

    h.layer.receiveRequest(request('INVITE'), TCP_SRC);
    const stx: ServerTransaction = h.tu.requests[0]!.stx;
    stx.on('ackTimeout', () => {
      throw new Error('TU bug 2');
    });
    stx.respond(response(stx.request, 200, 't'));
    assert.throws(() => h.clock.advance(32_000), /TU bug 2/);
    assert.equal(stx.state, 'terminated');
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });

  it('sendRequest refuses programming errors with stable codes', () => {
    const h = harness();
    const handler = h.handler();
    const code = (fn: () => ClientTransaction, expected: string): void =>
      assert.throws(fn, (e: unknown) => e instanceof LinegateError && e.code === expected);
    code(() => h.layer.sendRequest(request('ACK'), UDP_DEST, handler), 'SIP_TX_ACK');
    code(() => h.layer.sendRequest(request('OPTIONS', { branch: null }), UDP_DEST, handler), 'SIP_TX_NO_BRANCH');
    code(() => h.layer.sendRequest(request('OPTIONS', { cseqMethod: 'INFO' }), UDP_DEST, handler), 'SIP_TX_BAD_CSEQ');
    h.layer.sendRequest(request('OPTIONS'), UDP_DEST, handler);
    code(() => h.layer.sendRequest(request('OPTIONS'), UDP_DEST, handler), 'SIP_TX_DUPLICATE');
    assert.equal(h.sent.filter(isRequest('OPTIONS')).length, 1);
    assert.throws(() => new TransactionLayer({ clock: h.clock, transmit: () => {}, timers: { T1: 0 } }, h.tu), /T1/);
  });

  it('applies custom timers (T1 = 100, T2 = 400)', () => {
    const h = harness({ timers: { T1: 100, T2: 400 } });
    const handler = h.handler();
    h.layer.sendRequest(request('OPTIONS'), UDP_DEST, handler);
    h.clock.advance(10_000);
    assert.deepEqual(h.times(isRequest('OPTIONS')), [0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300]);
    assert.deepEqual(handler.timeouts, [6400]);
    assert.deepEqual(DEFAULT_TIMERS, { T1: 500, T2: 4000, T4: 5000 });
  });
});

describe('newBranch', () => {
  it('gives RFC 3261 branches, unique over many calls (pool refills included)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const b = newBranch();
      assert.ok(isRfc3261Branch(b));
      assert.match(b, /^z9hG4bK[A-Za-z0-9_-]{16}$/);
      seen.add(b);
    }
    assert.equal(seen.size, 20_000);
  });

  it('isRfc3261Branch rejects a bare cookie, no cookie and undefined', () => {
    assert.equal(isRfc3261Branch('z9hG4bK'), false);
    assert.equal(isRfc3261Branch('abc123'), false);
    assert.equal(isRfc3261Branch(undefined), false);
    assert.equal(isRfc3261Branch('z9hG4bKx'), true);
  });
});
