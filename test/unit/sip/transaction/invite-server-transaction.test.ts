import assert from 'node:assert/strict';
import type { ServerTransaction } from '../../../../src/sip/transaction/index.js';
import {
  CAPPED_SCHEDULE,
  TCP_SRC,
  UDP_SRC,
  harness,
  isStatus,
  request,
  response,
} from './fixtures.js';
import type { Harness } from './fixtures.js';

function receiveInvite(h: Harness, src = UDP_SRC): ServerTransaction {
  h.layer.receiveRequest(request('INVITE'), src);
  assert.equal(h.tu.requests.length, 1);
  return h.tu.requests[0]!.stx;
}

function ackFor(branch = 'z9hG4bKabc123'): ReturnType<typeof request> {
  return request('ACK', { branch, toTag: 'uas1', cseqMethod: 'ACK' });
}

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1)', () => {
  it('is created in Proceeding and given to the TU once; retransmissions re-send the last provisional', () => {
    const h = harness();
    const stx = receiveInvite(h);
    assert.equal(stx.state, 'proceeding');
    assert.equal(stx.request.method, 'INVITE');
    assert.equal(stx.source, UDP_SRC);
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    assert.equal(h.sent.length, 0, 'nothing to re-send before the first response');
    assert.ok(stx.respond(response(stx.request, 100)));
    assert.ok(stx.respond(response(stx.request, 180, 'uas1')));
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    assert.equal(h.tu.requests.length, 1, 'retransmission not passed to the TU');
    assert.deepEqual(h.sent.map((s) => (s.msg.type === 'response' ? s.msg.status : 0)), [100, 180, 180]);
    assert.equal(stx.lastResponse?.status, 180);
    assert.equal(h.layer.size().server, 1);
  });

  it('non-2xx over UDP: timer G at 500, 1500, 3500, 7500 then every T2; timer H at 32000 → ackTimeout', () => {
    const h = harness();
    const stx = receiveInvite(h);
    const events: string[] = [];
    stx.on('ackTimeout', () => events.push(`ackTimeout@${h.clock.now()}:${stx.state}`));
    stx.on('terminated', () => events.push(`terminated@${h.clock.now()}`));
    assert.ok(stx.respond(response(stx.request, 486, 'uas1')));
    assert.equal(stx.state, 'completed');
    h.clock.advance(31_999);
    assert.deepEqual(h.times(isStatus(486)), [0, ...CAPPED_SCHEDULE]);
    assert.deepEqual(events, []);
    h.clock.advance(1);
    assert.deepEqual(events, ['ackTimeout@32000:completed', 'terminated@32000']);
    assert.equal(stx.state, 'terminated');
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
    assert.equal(h.clock.pending(), 0);
  });

  it('the ACK for a non-2xx is absorbed (Confirmed), stops timer G, and timer I (T4) ends the transaction', () => {
    const h = harness();
    const stx = receiveInvite(h);
    stx.respond(response(stx.request, 603, 'uas1'));
    h.clock.advance(2000); // retransmissions at 500 and 1500
    h.layer.receiveRequest(ackFor(), UDP_SRC);
    assert.equal(stx.state, 'confirmed');
    assert.equal(h.tu.acks.length, 0, 'the TU never sees the ACK of a non-2xx');
    h.layer.receiveRequest(ackFor(), UDP_SRC); // retransmitted ACK
    assert.equal(h.tu.acks.length, 0);
    h.clock.advance(4999);
    assert.equal(stx.state, 'confirmed');
    h.clock.advance(1);
    assert.equal(stx.state, 'terminated');
    assert.deepEqual(h.times(isStatus(603)), [0, 500, 1500]);
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.layer.size().server, 0);
  });

  it('a retransmitted INVITE in Completed re-sends the non-2xx final', () => {
    const h = harness();
    const stx = receiveInvite(h);
    stx.respond(response(stx.request, 404, 'uas1'));
    h.clock.advance(100);
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    assert.deepEqual(h.times(isStatus(404)), [0, 100]);
    assert.equal(h.tu.requests.length, 1);
  });

  it('over TCP: no timer G, ACK ends it at once (timer I = 0), timer H still guards the ACK', () => {
    const h = harness();
    const stx = receiveInvite(h, TCP_SRC);
    stx.respond(response(stx.request, 486, 'uas1'));
    h.clock.advance(20_000);
    assert.deepEqual(h.times(isStatus(486)), [0]);
    h.layer.receiveRequest(ackFor(), TCP_SRC);
    assert.equal(stx.state, 'terminated');
    assert.equal(h.clock.pending(), 0);

    const h2 = harness();
    const stx2 = receiveInvite(h2, TCP_SRC);
    let timedOut = -1;
    stx2.on('ackTimeout', () => (timedOut = h2.clock.now()));
    stx2.respond(response(stx2.request, 486, 'uas1'));
    h2.clock.advance(40_000);
    assert.equal(timedOut, 32_000);
    assert.deepEqual(h2.times(isStatus(486)), [0]);
  });

  it('2xx over UDP: Accepted; the 2xx is re-sent at T1 doubling capped at T2 until 64·T1, then ackTimeout', () => {
    const h = harness();
    const stx = receiveInvite(h);
    const events: string[] = [];
    stx.on('ackTimeout', () => events.push(`ackTimeout@${h.clock.now()}`));
    stx.on('terminated', () => events.push(`terminated@${h.clock.now()}`));
    assert.ok(stx.respond(response(stx.request, 200, 'uas1')));
    assert.equal(stx.state, 'accepted');
    assert.equal(stx.respond(response(stx.request, 486, 'uas1')), false, 'no non-2xx after a 2xx');
    h.clock.advance(31_999);
    assert.deepEqual(h.times(isStatus(200)), [0, ...CAPPED_SCHEDULE]);
    assert.deepEqual(events, []);
    h.clock.advance(1);
    assert.deepEqual(events, ['ackTimeout@32000', 'terminated@32000']);
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.layer.size().server, 0);
  });

  it('2xx: ackReceived() stops the retransmission; timer L still absorbs INVITE retransmissions until 64·T1', () => {
    const h = harness();
    const stx = receiveInvite(h);
    let ackTimeouts = 0;
    stx.on('ackTimeout', () => ackTimeouts++);
    stx.respond(response(stx.request, 200, 'uas1'));
    h.clock.advance(2000);
    // The ACK to a 2xx has its own branch: it reaches the TU, which reports it.
    h.layer.receiveRequest(ackFor('z9hG4bKack2xx'), UDP_SRC);
    assert.equal(h.tu.acks.length, 1);
    stx.ackReceived();
    stx.ackReceived();
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    assert.equal(h.tu.requests.length, 1, 'INVITE retransmission absorbed in Accepted');
    h.clock.advance(29_999);
    assert.equal(stx.state, 'accepted');
    assert.deepEqual(h.times(isStatus(200)), [0, 500, 1500], 'no 2xx after ackReceived, none for the INVITE retransmission');
    h.clock.advance(1);
    assert.equal(stx.state, 'terminated');
    assert.equal(ackTimeouts, 0);
    assert.equal(h.clock.pending(), 0);
  });

  it('2xx over TCP: never re-sent, yet ackTimeout at 64·T1 without ackReceived()', () => {
    const h = harness();
    const stx = receiveInvite(h, TCP_SRC);
    let at = -1;
    stx.on('ackTimeout', () => (at = h.clock.now()));
    stx.respond(response(stx.request, 200, 'uas1'));
    h.clock.advance(40_000);
    assert.deepEqual(h.times(isStatus(200)), [0]);
    assert.equal(at, 32_000);
    assert.equal(h.clock.pending(), 0);
  });

  it('an ACK reusing the INVITE branch in Accepted goes to the TU (RFC 6026 §7.1)', () => {
    const h = harness();
    const stx = receiveInvite(h);
    stx.respond(response(stx.request, 200, 'uas1'));
    h.layer.receiveRequest(ackFor(), UDP_SRC);
    assert.equal(h.tu.acks.length, 1);
    assert.equal(stx.state, 'accepted');
  });

  it('a 2xx from the TU in Accepted is passed on and becomes the retransmitted one', () => {
    const h = harness();
    const stx = receiveInvite(h);
    stx.respond(response(stx.request, 200, 'uas1'));
    const again = response(stx.request, 200, 'uas1');
    h.clock.advance(100);
    assert.ok(stx.respond(again));
    h.clock.advance(400);
    assert.equal(h.sent.length, 3);
    assert.equal(h.sent[2]!.msg, again);
  });

  it('late or duplicate finals are refused (respond returns false, nothing sent)', () => {
    const h = harness();
    const stx = receiveInvite(h, TCP_SRC);
    stx.respond(response(stx.request, 486, 'uas1'));
    assert.equal(stx.respond(response(stx.request, 200, 'uas1')), false);
    assert.equal(stx.respond(response(stx.request, 180, 'uas1')), false);
    h.layer.receiveRequest(ackFor(), TCP_SRC);
    assert.equal(stx.respond(response(stx.request, 500)), false);
    assert.equal(h.sent.length, 1);
  });

  it('listeners can be removed with off()', () => {
    const h = harness();
    const stx = receiveInvite(h);
    let n = 0;
    const listener = (): void => void n++;
    stx.on('ackTimeout', listener).off('ackTimeout', listener);
    stx.respond(response(stx.request, 500, 'uas1'));
    h.clock.advance(40_000);
    assert.equal(n, 0);
    assert.equal(stx.state, 'terminated');
  });
});

describe('server response destination (RFC 3261 §18.2.2, RFC 3581)', () => {
  it('UDP without rport: source address, sent-by port (5060 when absent)', () => {
    const h = harness();
    h.layer.receiveRequest(request('OPTIONS', { sentBy: 'client.example.com:5070' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bKother', sentBy: 'client.example.com' }), UDP_SRC);
    const [a, b] = h.tu.requests.map((r) => r.stx);
    assert.deepEqual(a!.responseDestination, { protocol: 'udp', address: '192.0.2.10', port: 5070 });
    assert.deepEqual(b!.responseDestination, { protocol: 'udp', address: '192.0.2.10', port: 5060 });
  });

  it('UDP with rport, or forceRport: the source port', () => {
    const h = harness();
    h.layer.receiveRequest(request('OPTIONS', { sentBy: 'client.example.com:5070', viaParams: ';rport' }), UDP_SRC);
    assert.deepEqual(h.tu.requests[0]!.stx.responseDestination, { protocol: 'udp', address: '192.0.2.10', port: 5062 });
    const forced = harness({ forceRport: true });
    forced.layer.receiveRequest(request('OPTIONS', { sentBy: 'client.example.com:5070' }), UDP_SRC);
    assert.deepEqual(forced.tu.requests[0]!.stx.responseDestination, { protocol: 'udp', address: '192.0.2.10', port: 5062 });
  });

  it('TCP: the same connection, and the responses are transmitted there', () => {
    const h = harness();
    h.tu.onRequestHook = (req, stx) => void stx.respond(response(req, 200));
    h.layer.receiveRequest(request('OPTIONS', { transport: 'TCP' }), TCP_SRC);
    const expected = { protocol: 'tcp', address: '192.0.2.10', port: 40123, connectionId: 'conn-1' };
    assert.deepEqual(h.sent[0]!.dest, expected);
    assert.equal(h.sent[0]!.tx, h.tu.requests[0]!.stx);
  });
});
