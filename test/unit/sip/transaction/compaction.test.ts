/**
 * TransactionLayerOptions.compact: past the final, transactions keep the bytes they may
 * still re-send instead of the parsed messages, and re-send exactly those bytes.
 */
import assert from 'node:assert/strict';
import { parseMessage, serializeMessage } from '../../../../src/sip/message/index.js';
import type { SipMessage } from '../../../../src/sip/message/index.js';
import type { Destination } from '../../../../src/sip/transaction/index.js';
import { UDP_DEST, UDP_SRC, harness, request, response } from './fixtures.js';

interface BytesSent {
  at: number;
  bytes: Buffer;
  dest: Destination;
}

function compactingHarness() {
  const bytesSent: BytesSent[] = [];
  const h = harness({
    compact: {
      serialize: (m: SipMessage) => serializeMessage(m),
      transmitBytes: (bytes, dest) => bytesSent.push({ at: h.clock.now(), bytes, dest }),
    },
  });
  return { h, bytesSent };
}

function firstLine(b: Buffer): string {
  return b.toString('utf8').split('\r\n')[0] ?? '';
}

describe('transaction compaction (TransactionLayerOptions.compact)', () => {
  it('a non-INVITE server transaction re-sends the serialised final and releases its request', () => {
    const { h, bytesSent } = compactingHarness();
    const req = request('BYE');
    h.layer.receiveRequest(req, UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    const ok = response(req, 200, 'uas');
    stx.respond(ok);
    assert.equal(h.sent.length, 1, 'the final itself goes out as a message');
    assert.equal(stx.lastResponse, undefined);
    assert.throws(() => stx.request, /released/);
    h.clock.advance(100);
    h.layer.receiveRequest(request('BYE'), UDP_SRC);
    assert.equal(bytesSent.length, 1);
    assert.deepEqual(bytesSent[0]!.bytes, serializeMessage(ok));
    assert.equal(h.tu.requests.length, 1, 'the retransmission is absorbed');
  });

  it('an INVITE server transaction re-sends its 2xx as bytes until the ACK, then keeps nothing', () => {
    const { h, bytesSent } = compactingHarness();
    const req = request('INVITE');
    h.layer.receiveRequest(req, UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    let ackTimeouts = 0;
    stx.on('ackTimeout', () => ackTimeouts++);
    const ok = response(req, 200, 'uas');
    stx.respond(ok);
    h.clock.advance(500); // the first 2xx retransmission (T1)
    assert.equal(bytesSent.length, 1);
    assert.equal(firstLine(bytesSent[0]!.bytes), 'SIP/2.0 200 200');
    stx.ackReceived();
    h.clock.advance(5_000);
    h.layer.receiveRequest(request('INVITE'), UDP_SRC); // absorbed silently in Accepted
    assert.equal(bytesSent.length, 1, 'nothing more after the ACK');
    h.clock.advance(40_000);
    assert.equal(ackTimeouts, 0);
    assert.equal(stx.state, 'terminated');
  });

  it('a non-2xx final is re-sent as bytes on timer G and on a retransmitted INVITE; the RFC 2543 ACK still matches by To tag', () => {
    const { h, bytesSent } = compactingHarness();
    const req = request('INVITE', { branch: null });
    h.layer.receiveRequest(req, UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(req, 486, 'busy-tag'));
    h.clock.advance(500);
    h.layer.receiveRequest(request('INVITE', { branch: null }), UDP_SRC);
    assert.equal(bytesSent.length, 2);
    for (const b of bytesSent) assert.equal(firstLine(b.bytes), 'SIP/2.0 486 486');
    h.layer.receiveRequest(request('ACK', { branch: null, toTag: 'other', cseqMethod: 'ACK' }), UDP_SRC);
    assert.equal(stx.state, 'completed', 'an ACK with another To tag is not ours');
    h.layer.receiveRequest(request('ACK', { branch: null, toTag: 'busy-tag', cseqMethod: 'ACK' }), UDP_SRC);
    assert.equal(stx.state, 'confirmed');
  });

  it('an INVITE client transaction re-sends its ACK to a retransmitted non-2xx as bytes and releases the INVITE', () => {
    const { h, bytesSent } = compactingHarness();
    const handler = h.handler();
    const invite = request('INVITE');
    const ctx = h.layer.sendRequest(invite, UDP_DEST, handler);
    const busy = response(invite, 486, 'callee');
    h.layer.receiveResponse(busy, UDP_SRC);
    const ack = h.sent.find((s) => s.msg.type === 'request' && s.msg.method === 'ACK');
    assert.ok(ack, 'the ACK goes out as a message the first time');
    assert.throws(() => ctx.request, /released/);
    h.layer.receiveResponse(response(invite, 486, 'callee'), UDP_SRC);
    assert.equal(bytesSent.length, 1);
    const again = parseMessage(bytesSent[0]!.bytes, { datagram: true });
    assert.ok(again.ok && again.message.type === 'request' && again.message.method === 'ACK');
    assert.deepEqual(bytesSent[0]!.bytes, serializeMessage(ack.msg));
    assert.equal(handler.responses.length, 1, 'the retransmitted final is not given to the TU again');
  });

  it('without compact nothing changes: the parsed request and last response stay readable', () => {
    const h = harness();
    const req = request('OPTIONS');
    h.layer.receiveRequest(req, UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(req, 200, 'uas'));
    assert.equal(stx.request, req);
    assert.equal(stx.lastResponse?.status, 200);
  });
});
