import assert from 'node:assert/strict';
import type { SipRequest, SipResponse } from '../../../../src/sip/message/index.js';
import {
  TCP_DEST,
  TIMER_A_SCHEDULE,
  UDP_DEST,
  UDP_SRC,
  harness,
  header,
  isRequest,
  request,
  response,
} from './fixtures.js';

const ROUTES = ['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>, <sip:p3.example.net;lr>'];

function invite(): SipRequest {
  return request('INVITE', {
    branch: 'z9hG4bKuac1',
    sentBy: 'gw.example.net:5060',
    extraVias: ['SIP/2.0/UDP upstream.example.com;branch=z9hG4bKup'],
    routes: ROUTES,
    cseq: 314,
  });
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)', () => {
  it('over UDP retransmits at 500, 1500, 3500, 7500, 15500, 31500 ms; timer B at 32000 → onTimeout', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    assert.equal(ctx.state, 'calling');
    assert.equal(ctx.branch, 'z9hG4bKuac1');
    assert.equal(ctx.destination, UDP_DEST);
    h.clock.advance(31_999);
    assert.deepEqual(h.times(isRequest('INVITE')), [0, ...TIMER_A_SCHEDULE]);
    assert.deepEqual(handler.timeouts, []);
    h.clock.advance(1);
    assert.deepEqual(handler.timeouts, [32_000]);
    assert.deepEqual(handler.terminated, [32_000]);
    assert.equal(ctx.state, 'terminated');
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
    assert.equal(h.clock.pending(), 0);
    assert.ok(h.sent.every((s) => s.dest === UDP_DEST && s.tx === ctx));
  });

  it('over TCP never retransmits, still times out at 64·T1', () => {
    const h = harness();
    const handler = h.handler();
    h.layer.sendRequest(invite(), TCP_DEST, handler);
    h.clock.advance(40_000);
    assert.deepEqual(h.times(isRequest('INVITE')), [0]);
    assert.deepEqual(handler.timeouts, [32_000]);
  });

  it('a provisional stops retransmission and timer B (Proceeding has no timeout of its own)', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    h.clock.advance(600);
    h.layer.receiveResponse(response(ctx.request, 100), UDP_SRC);
    h.layer.receiveResponse(response(ctx.request, 180, 'uas1'), UDP_SRC);
    assert.equal(ctx.state, 'proceeding');
    h.clock.advance(100_000);
    assert.deepEqual(h.times(isRequest('INVITE')), [0, 500]);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [100, 180]);
    assert.deepEqual(handler.timeouts, []);
    assert.equal(h.clock.pending(), 0);
    assert.equal(h.layer.size().client, 1);
  });

  it('a non-2xx final: ACK built per §17.1.1.3, sent once per (re)transmitted final, timer D at 32 s', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    h.layer.receiveResponse(response(ctx.request, 180, 'uas1'), UDP_SRC);
    h.clock.advance(1000);
    const busy = response(ctx.request, 486, 'uas1');
    h.layer.receiveResponse(busy, UDP_SRC);
    assert.equal(ctx.state, 'completed');
    const acks = h.sent.filter(isRequest('ACK'));
    assert.equal(acks.length, 1);
    const ack = acks[0]!.msg as SipRequest;
    assert.equal(acks[0]!.dest, UDP_DEST);
    assert.equal(ack.uri, ctx.request.uri);
    assert.deepEqual(header(ack, 'Via'), ['SIP/2.0/UDP gw.example.net:5060;branch=z9hG4bKuac1'], 'only the top Via');
    assert.deepEqual(header(ack, 'Route'), ROUTES);
    assert.deepEqual(header(ack, 'To'), ['<sip:bob@example.org>;tag=uas1'], 'To of the response, with its tag');
    assert.deepEqual(header(ack, 'From'), header(ctx.request, 'From'));
    assert.deepEqual(header(ack, 'Call-ID'), header(ctx.request, 'Call-ID'));
    assert.deepEqual(header(ack, 'CSeq'), ['314 ACK']);
    assert.deepEqual(header(ack, 'Max-Forwards'), ['70']);
    assert.equal(ack.body.length, 0);
    // The retransmitted final re-triggers the ACK and is not given to the TU again.
    h.clock.advance(500);
    h.layer.receiveResponse(response(ctx.request, 486, 'uas1'), UDP_SRC);
    assert.deepEqual(h.times(isRequest('ACK')), [1000, 1500]);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [180, 486]);
    assert.equal(handler.responses[1]!.res, busy);
    h.clock.advance(31_499); // now 32999; timer D started at 1000
    assert.equal(ctx.state, 'completed');
    h.clock.advance(1);
    assert.equal(ctx.state, 'terminated');
    assert.deepEqual(handler.terminated, [33_000]);
    assert.equal(h.clock.pending(), 0);
  });

  it('a non-2xx over TCP: ACK sent, then terminated at once (timer D = 0)', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), TCP_DEST, handler);
    h.layer.receiveResponse(response(ctx.request, 503, 'uas1'), UDP_SRC);
    assert.equal(ctx.state, 'terminated');
    assert.equal(h.sent.filter(isRequest('ACK')).length, 1);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [503]);
    assert.equal(handler.terminated.length, 1);
    assert.equal(h.clock.pending(), 0);
  });

  it('a 2xx: Accepted, no ACK from the transaction, 2xx retransmissions and forks go to the handler until timer M', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    h.clock.advance(200);
    h.layer.receiveResponse(response(ctx.request, 200, 'uas1'), UDP_SRC);
    assert.equal(ctx.state, 'accepted');
    h.clock.advance(500);
    h.layer.receiveResponse(response(ctx.request, 200, 'uas1'), UDP_SRC);
    h.layer.receiveResponse(response(ctx.request, 200, 'fork2'), UDP_SRC);
    h.layer.receiveResponse(response(ctx.request, 486, 'fork3'), UDP_SRC); // discarded in Accepted
    h.layer.receiveResponse(response(ctx.request, 180, 'fork3'), UDP_SRC); // discarded in Accepted
    assert.deepEqual(handler.responses.map((r) => `${r.res.status}@${r.at}`), ['200@200', '200@700', '200@700']);
    assert.equal(h.sent.filter(isRequest('ACK')).length, 0, 'the ACK to a 2xx is the TU\'s');
    assert.deepEqual(h.times(isRequest('INVITE')), [0], 'no retransmission after the 2xx');
    h.clock.advance(31_499);
    assert.equal(ctx.state, 'accepted');
    h.clock.advance(1); // timer M = 64·T1 after the first 2xx (200 + 32000)
    assert.equal(ctx.state, 'terminated');
    assert.equal(h.clock.pending(), 0);
    h.layer.receiveResponse(response(ctx.request, 200, 'uas1'), UDP_SRC);
    assert.equal(h.tu.strays.length, 1, 'a 2xx after timer M is stray');
    assert.equal(handler.responses.length, 3);
  });

  it('matches responses by top Via branch and CSeq method only (§17.1.3)', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    const wrongMethod = response(ctx.request, 200, 'x');
    wrongMethod.headers = wrongMethod.headers.map((x) => (x.name === 'CSeq' ? { name: 'CSeq', value: '314 CANCEL' } : x));
    const wrongBranch = response(request('INVITE', { branch: 'z9hG4bKother' }), 180, 'x');
    const noVia = response(ctx.request, 180, 'x');
    noVia.headers = noVia.headers.filter((x) => x.name !== 'Via');
    h.layer.receiveResponse(wrongMethod, UDP_SRC);
    h.layer.receiveResponse(wrongBranch, UDP_SRC);
    h.layer.receiveResponse(noVia, UDP_SRC); // unmatchable: dropped, not stray
    assert.equal(handler.responses.length, 0);
    assert.deepEqual(h.tu.strays, [wrongMethod, wrongBranch]);
    assert.equal(ctx.state, 'calling');
  });
  it('reads compact header names and a comma-joined Via line, keeping only the top Via in the ACK', () => {
    const h = harness();
    const handler = h.handler();
    const req: SipRequest = {
      type: 'request',
      method: 'INVITE',
      uri: 'sip:bob@example.org',
      version: 'SIP/2.0',
      headers: [
        { name: 'v', value: 'SIP/2.0/UDP gw.example.net;branch=z9hG4bKcompact, SIP/2.0/UDP up.example.com;branch=z9hG4bKup' },
        { name: 'f', value: '<sip:alice@example.com>;tag=a' },
        { name: 't', value: '<sip:bob@example.org>' },
        { name: 'i', value: 'compact-call' },
        { name: 'CSeq', value: '9 INVITE' },
      ],
      body: Buffer.alloc(0),
    };
    const ctx = h.layer.sendRequest(req, UDP_DEST, handler);
    assert.equal(ctx.branch, 'z9hG4bKcompact');
    const res: SipResponse = {
      type: 'response',
      status: 404,
      reason: 'Not Found',
      version: 'SIP/2.0',
      headers: [
        { name: 'VIA', value: 'SIP/2.0/UDP gw.example.net;branch=z9hG4bKcompact' },
        { name: 'v', value: 'SIP/2.0/UDP up.example.com;branch=z9hG4bKup' },
        { name: 'f', value: '<sip:alice@example.com>;tag=a' },
        { name: 't', value: '<sip:bob@example.org>;tag=x' },
        { name: 'i', value: 'compact-call' },
        { name: 'cseq', value: '9 INVITE' },
      ],
      body: Buffer.alloc(0),
    };
    h.layer.receiveResponse(res, UDP_SRC);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [404]);
    const ack = h.sent.find(isRequest('ACK'))!.msg as SipRequest;
    assert.deepEqual(header(ack, 'Via'), ['SIP/2.0/UDP gw.example.net;branch=z9hG4bKcompact']);
    assert.deepEqual(header(ack, 'Call-ID'), ['compact-call']);
    assert.deepEqual(header(ack, 'From'), ['<sip:alice@example.com>;tag=a']);
    assert.deepEqual(header(ack, 'To'), ['<sip:bob@example.org>;tag=x']);
    assert.deepEqual(header(ack, 'CSeq'), ['9 ACK']);
  });
});
