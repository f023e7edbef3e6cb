import assert from 'node:assert/strict';
import { CAPPED_SCHEDULE, TCP_DEST, UDP_DEST, UDP_SRC, harness, isRequest, request, response } from './fixtures.js';

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('over UDP: timer E at 500, 1500, 3500, 7500, then every T2; timer F at 32000 → onTimeout', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKnict' }), UDP_DEST, handler);
    assert.equal(ctx.state, 'trying');
    h.clock.advance(31_999);
    assert.deepEqual(h.times(isRequest('OPTIONS')), [0, ...CAPPED_SCHEDULE]);
    h.clock.advance(1);
    assert.deepEqual(handler.timeouts, [32_000]);
    assert.equal(ctx.state, 'terminated');
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.layer.size().client, 0);
  });

  it('in Proceeding, timer E fires every T2', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(request('BYE', { branch: 'z9hG4bKbye' }), UDP_DEST, handler);
    h.clock.advance(600); // first retransmission at 500, next due at 1500
    h.layer.receiveResponse(response(ctx.request, 100), UDP_SRC);
    assert.equal(ctx.state, 'proceeding');
    h.clock.advance(31_399);
    assert.deepEqual(h.times(isRequest('BYE')), [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
    assert.deepEqual(handler.timeouts, []);
    h.clock.advance(1);
    assert.deepEqual(handler.timeouts, [32_000]);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [100]);
  });

  it('a final: Completed, retransmissions of it absorbed, timer K (T4) ends it', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKk' }), UDP_DEST, handler);
    h.clock.advance(700);
    h.layer.receiveResponse(response(ctx.request, 200, 't'), UDP_SRC);
    assert.equal(ctx.state, 'completed');
    h.clock.advance(1000);
    h.layer.receiveResponse(response(ctx.request, 200, 't'), UDP_SRC);
    h.layer.receiveResponse(response(ctx.request, 180, 't'), UDP_SRC);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [200]);
    assert.deepEqual(h.times(isRequest('OPTIONS')), [0, 500]);
    h.clock.advance(3999); // K = T4 = 5000 after 700
    assert.equal(ctx.state, 'completed');
    h.clock.advance(1);
    assert.equal(ctx.state, 'terminated');
    assert.deepEqual(handler.terminated, [5700]);
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.tu.strays.length, 0);
  });

  it('over TCP: no retransmission; the final ends it at once (timer K = 0), F still guards', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(request('MESSAGE', { branch: 'z9hG4bKtcp' }), TCP_DEST, handler);
    h.clock.advance(20_000);
    assert.deepEqual(h.times(isRequest('MESSAGE')), [0]);
    h.layer.receiveResponse(response(ctx.request, 202, 't'), UDP_SRC);
    assert.equal(ctx.state, 'terminated');
    assert.deepEqual(handler.responses.map((r) => r.res.status), [202]);
    assert.equal(handler.terminated.length, 1);
    assert.equal(h.clock.pending(), 0);

    const slow = h.handler();
    h.layer.sendRequest(request('MESSAGE', { branch: 'z9hG4bKtcp2' }), TCP_DEST, slow);
    h.clock.advance(32_000);
    assert.deepEqual(slow.timeouts, [52_000]);
  });
});
