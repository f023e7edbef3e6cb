import assert from 'node:assert/strict';
import type { SipRequest } from '../../../../src/sip/message/index.js';
import { stillReachable } from '../../../helpers/heap-retained.js';
import {
  CAPPED_SCHEDULE,
  UDP_DEST,
  UDP_SRC,
  harness,
  header,
  isRequest,
  isStatus,
  request,
  response,
} from './fixtures.js';

const ROUTE = '<sip:edge.example.net;lr>';

function invite(): SipRequest {
  return request('INVITE', {
    branch: 'z9hG4bKinv',
    sentBy: 'gw.example.net',
    extraVias: ['SIP/2.0/UDP upstream.example.com;branch=z9hG4bKup'],
    routes: [ROUTE],
    cseq: 7,
  });
}

describe('CANCEL, client side (RFC 3261 §9.1)', () => {
  it('is held until the first provisional, then sent with the INVITE identity', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    const cancelHandler = h.handler();
    const reason = { name: 'Reason', value: 'SIP;cause=487;text="canceled"' };
    const cancel = ctx.cancel([reason], cancelHandler);
    assert.ok(cancel);
    assert.equal(cancel.state, 'held');
    assert.equal(ctx.cancel(), cancel, 'cancelling twice gives the same transaction');
    assert.deepEqual(h.layer.size(), { client: 2, server: 0 });
    h.clock.advance(1000);
    assert.equal(h.sent.filter(isRequest('CANCEL')).length, 0, 'nothing sent before a provisional');
    assert.deepEqual(h.times(isRequest('INVITE')), [0, 500], 'the INVITE keeps retransmitting');

    h.layer.receiveResponse(response(ctx.request, 180, 'uas'), UDP_SRC);
    assert.equal(cancel.state, 'trying');
    const sent = h.sent.filter(isRequest('CANCEL'));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.dest, UDP_DEST);
    assert.equal(sent[0]!.tx, cancel);
    const msg = sent[0]!.msg as SipRequest;
    assert.equal(msg, cancel.request);
    assert.equal(msg.uri, ctx.request.uri);
    assert.deepEqual(header(msg, 'Via'), ['SIP/2.0/UDP gw.example.net;branch=z9hG4bKinv']);
    assert.deepEqual(header(msg, 'Route'), [ROUTE]);
    assert.deepEqual(header(msg, 'To'), ['<sip:bob@example.org>'], 'the INVITE\'s To, no tag added');
    assert.deepEqual(header(msg, 'From'), header(ctx.request, 'From'));
    assert.deepEqual(header(msg, 'Call-ID'), header(ctx.request, 'Call-ID'));
    assert.deepEqual(header(msg, 'CSeq'), ['7 CANCEL']);
    assert.deepEqual(header(msg, 'Reason'), [reason.value]);
    assert.equal(cancel.branch, ctx.branch);

    // The CANCEL is a non-INVITE transaction of its own: its 200 goes to its handler.
    h.layer.receiveResponse(response(msg, 200, 'uas'), UDP_SRC);
    assert.deepEqual(cancelHandler.responses.map((r) => r.res.status), [200]);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [180]);
    h.layer.receiveResponse(response(ctx.request, 487, 'uas'), UDP_SRC);
    assert.deepEqual(handler.responses.map((r) => r.res.status), [180, 487]);
    assert.equal(h.sent.filter(isRequest('ACK')).length, 1);
    h.clock.advance(40_000);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
    assert.equal(h.clock.pending(), 0);
  });

  it('in Proceeding it is sent at once, and retransmitted like any non-INVITE over UDP', () => {
    const h = harness();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, h.handler());
    h.clock.advance(100);
    h.layer.receiveResponse(response(ctx.request, 183, 'uas'), UDP_SRC);
    const cancel = ctx.cancel();
    assert.ok(cancel);
    assert.equal(cancel.state, 'trying');
    h.clock.advance(31_999);
    assert.deepEqual(h.times(isRequest('CANCEL')), [100, ...CAPPED_SCHEDULE.map((t) => t + 100)].filter((t) => t < 32_100));
  });

  it('is never sent if the INVITE completes first (2xx or non-2xx), and reports termination', () => {
    for (const status of [200, 486]) {
      const h = harness();
      const ctx = h.layer.sendRequest(invite(), UDP_DEST, h.handler());
      const cancelHandler = h.handler();
      const cancel = ctx.cancel(undefined, cancelHandler);
      assert.ok(cancel);
      h.layer.receiveResponse(response(ctx.request, status, 'uas'), UDP_SRC);
      assert.equal(cancel.state, 'terminated');
      assert.equal(cancelHandler.terminated.length, 1);
      assert.equal(h.sent.filter(isRequest('CANCEL')).length, 0);
      assert.equal(ctx.cancel(), null, 'after the final there is nothing to cancel, and the dropped CANCEL is not kept');
      assert.equal(h.layer.size().client, 1, `${status}: only the INVITE remains`);
    }
  });

  it('is never sent if timer B fires first', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    const cancel = ctx.cancel();
    h.clock.advance(32_000);
    assert.deepEqual(handler.timeouts, [32_000]);
    assert.equal(cancel?.state, 'terminated');
    assert.equal(h.sent.filter(isRequest('CANCEL')).length, 0);
    assert.equal(h.clock.pending(), 0);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });

  it('a CANCEL sent before the 487 runs on alone: it completes, and the INVITE (in timer D) lets it go', async () => {
    const h = harness();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, h.handler());
    h.layer.receiveResponse(response(ctx.request, 180, 'uas'), UDP_SRC);
    const cancelHandler = h.handler();
    let cancel = ctx.cancel(undefined, cancelHandler);
    assert.ok(cancel);
    const cancelRequest = cancel.request;
    h.layer.receiveResponse(response(ctx.request, 487, 'uas'), UDP_SRC);
    assert.equal(ctx.cancel(), null, 'nothing left to cancel');
    h.layer.receiveResponse(response(cancelRequest, 200, 'uas'), UDP_SRC);
    assert.deepEqual(cancelHandler.responses.map((r) => r.res.status), [200]);
    h.clock.advance(6_000); // timer K (T4) ends the CANCEL; timer D (32 s) keeps the INVITE
    assert.equal(cancel.state, 'terminated');
    assert.equal(ctx.state, 'completed');
    const weak = new WeakRef(cancel);
    cancel = null;
    h.sent.splice(0); // the harness's own record of what each transaction sent
    assert.equal(await stillReachable(weak), false, 'the completed INVITE must not keep its terminated CANCEL');
  });

  it('cannot cancel a completed INVITE nor a non-INVITE (null)', () => {
    const h = harness();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, h.handler());
    h.layer.receiveResponse(response(ctx.request, 404, 'uas'), UDP_SRC);
    assert.equal(ctx.cancel(), null);
    const options = h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bKopt' }), UDP_DEST, h.handler());
    assert.equal(options.cancel(), null);
  });

  it('without a final 64·T1 after the CANCEL, the INVITE ends with onTimeout', () => {
    const h = harness();
    const handler = h.handler();
    const ctx = h.layer.sendRequest(invite(), UDP_DEST, handler);
    h.layer.receiveResponse(response(ctx.request, 180, 'uas'), UDP_SRC);
    h.clock.advance(10_000);
    const cancel = ctx.cancel();
    h.layer.receiveResponse(response(cancel!.request, 200, 'uas'), UDP_SRC);
    h.clock.advance(31_999);
    assert.deepEqual(handler.timeouts, []);
    h.clock.advance(1);
    assert.deepEqual(handler.timeouts, [42_000]);
    assert.equal(ctx.state, 'terminated');
    h.clock.advance(10_000);
    assert.equal(h.clock.pending(), 0);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });
});

describe('CANCEL, server side (RFC 3261 §9.2)', () => {
  it('is its own transaction; onCancel gets the INVITE transaction with the same branch and sent-by', () => {
    const h = harness();
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    const inviteStx = h.tu.requests[0]!.stx;
    inviteStx.respond(response(inviteStx.request, 180, 'uas'));
    h.layer.receiveRequest(request('CANCEL'), UDP_SRC);
    assert.equal(h.tu.cancels.length, 1);
    const { stx: cancelStx, invite: matched } = h.tu.cancels[0]!;
    assert.equal(matched, inviteStx);
    assert.notEqual(cancelStx, inviteStx);
    assert.equal(cancelStx.state, 'trying');
    assert.equal(h.tu.requests.length, 1, 'the CANCEL is not an onRequest');
    assert.ok(cancelStx.respond(response(cancelStx.request, 200, 'uas')));
    h.layer.receiveRequest(request('CANCEL'), UDP_SRC); // retransmission: 200 re-sent, no TU call
    assert.equal(h.tu.cancels.length, 1);
    assert.equal(h.sent.filter(isStatus(200)).length, 2);
    assert.deepEqual(h.layer.size(), { client: 0, server: 2 });
  });

  it('gives undefined when no INVITE matches (other branch, other sent-by, or none at all)', () => {
    const h = harness();
    h.layer.receiveRequest(request('INVITE'), UDP_SRC);
    h.layer.receiveRequest(request('CANCEL', { branch: 'z9hG4bKdifferent' }), UDP_SRC);
    h.layer.receiveRequest(request('CANCEL', { sentBy: 'other.example.com:5062' }), UDP_SRC);
    h.layer.receiveRequest(request('CANCEL', { branch: 'z9hG4bKnothing', callId: 'x' }), UDP_SRC);
    assert.deepEqual(h.tu.cancels.map((c) => c.invite), [undefined, undefined, undefined]);
  });
});
