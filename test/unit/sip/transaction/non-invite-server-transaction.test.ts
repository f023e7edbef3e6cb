import assert from 'node:assert/strict';
import { TCP_SRC, UDP_SRC, harness, isStatus, request, response } from './fixtures.js';

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('Trying absorbs retransmissions silently; Proceeding and Completed re-send the last response', () => {
    const h = harness();
    const req = request('REGISTER');
    h.layer.receiveRequest(req, UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    assert.equal(stx.state, 'trying');
    h.layer.receiveRequest(request('REGISTER'), UDP_SRC);
    assert.equal(h.sent.length, 0);
    assert.ok(stx.respond(response(req, 100)));
    assert.equal(stx.state, 'proceeding');
    h.clock.advance(10);
    h.layer.receiveRequest(request('REGISTER'), UDP_SRC);
    assert.ok(stx.respond(response(req, 200, 'uas')));
    assert.equal(stx.state, 'completed');
    h.clock.advance(10);
    h.layer.receiveRequest(request('REGISTER'), UDP_SRC);
    assert.equal(h.tu.requests.length, 1);
    assert.deepEqual(h.times(isStatus(100)), [0, 10]);
    assert.deepEqual(h.times(isStatus(200)), [10, 20]);
    assert.equal(stx.respond(response(req, 500)), false, 'one final only');
  });

  it('never retransmits on a timer; timer J (64·T1) ends it over UDP', () => {
    const h = harness();
    h.tu.onRequestHook = (req, stx) => void stx.respond(response(req, 200, 'uas'));
    h.layer.receiveRequest(request('OPTIONS'), UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    const ended: number[] = [];
    stx.on('terminated', () => ended.push(h.clock.now()));
    h.clock.advance(31_999);
    assert.equal(h.sent.length, 1);
    assert.equal(stx.state, 'completed');
    h.clock.advance(1);
    assert.deepEqual(ended, [32_000]);
    assert.equal(h.layer.size().server, 0);
    assert.equal(h.clock.pending(), 0);
    // After J, the same request is new again.
    h.layer.receiveRequest(request('OPTIONS'), UDP_SRC);
    assert.equal(h.tu.requests.length, 2);
  });

  it('over TCP the final ends it at once (timer J = 0)', () => {
    const h = harness();
    h.layer.receiveRequest(request('OPTIONS', { transport: 'TCP' }), TCP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(stx.request, 404, 'uas'));
    assert.equal(stx.state, 'terminated');
    assert.equal(h.layer.size().server, 0);
    assert.equal(h.clock.pending(), 0);
  });

  it('distinguishes methods and branches sharing the same sent-by', () => {
    const h = harness();
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK1' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK2' }), UDP_SRC);
    h.layer.receiveRequest(request('INFO', { branch: 'z9hG4bK1' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK1', sentBy: 'elsewhere.example.com' }), UDP_SRC);
    assert.equal(h.tu.requests.length, 4);
    assert.equal(new Set(h.tu.requests.map((r) => r.stx.id)).size, 4, 'ids are unique');
  });
});
