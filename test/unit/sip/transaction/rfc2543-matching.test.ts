import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../../src/sip/message/index.js';
import type { SipRequest } from '../../../../src/sip/message/index.js';
import { UDP_SRC, harness, isStatus, request, response } from './fixtures.js';
import type { RequestOptions } from './fixtures.js';

const CORPUS = '/work/shared/corpora/rfc4475';

/** An RFC 2543 style request: no branch at all (or a bare magic cookie). */
function old(method: string, o: RequestOptions = {}): SipRequest {
  return request(method, { branch: null, ...o });
}

describe('RFC 2543 fallback matching (RFC 3261 §17.2.3)', () => {
  it('absorbs a retransmitted INVITE without branch and re-sends the last response', () => {
    const h = harness();
    h.layer.receiveRequest(old('INVITE'), UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(stx.request, 100));
    h.layer.receiveRequest(old('INVITE'), UDP_SRC);
    assert.equal(h.tu.requests.length, 1);
    assert.deepEqual(h.times(isStatus(100)), [0, 0]);
  });

  it('each matching field makes a different transaction: Request-URI, From tag, Call-ID, CSeq, top Via, To tag', () => {
    const h = harness();
    const variants: RequestOptions[] = [
      {},
      { uri: 'sip:carol@example.org' },
      { fromTag: 'other' },
      { callId: 'call-2@example.com' },
      { cseq: 2 },
      { sentBy: 'client.example.com:5099' },
      { toTag: 'dialog-tag' },
    ];
    for (const v of variants) h.layer.receiveRequest(old('OPTIONS', v), UDP_SRC);
    for (const v of variants) h.layer.receiveRequest(old('OPTIONS', v), UDP_SRC);
    assert.equal(h.tu.requests.length, variants.length);
  });

  it('absorbs the ACK of a non-2xx, which carries our To tag, and ignores an ACK with another tag', () => {
    const h = harness();
    h.layer.receiveRequest(old('INVITE'), UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(stx.request, 486, 'uas-tag'));
    h.layer.receiveRequest(old('ACK', { toTag: 'not-ours', cseqMethod: 'ACK' }), UDP_SRC);
    assert.equal(h.tu.acks.length, 1, 'an ACK for some other response is the TU\'s');
    assert.equal(stx.state, 'completed');
    h.layer.receiveRequest(old('ACK', { toTag: 'uas-tag', cseqMethod: 'ACK' }), UDP_SRC);
    assert.equal(stx.state, 'confirmed');
    assert.equal(h.tu.acks.length, 1);
  });

  it('matches the ACK of a re-INVITE (To tag present in both)', () => {
    const h = harness();
    h.layer.receiveRequest(old('INVITE', { toTag: 'dlg', cseq: 5 }), UDP_SRC);
    const stx = h.tu.requests[0]!.stx;
    stx.respond(response(stx.request, 488));
    h.layer.receiveRequest(old('ACK', { toTag: 'dlg', cseq: 5, cseqMethod: 'ACK' }), UDP_SRC);
    assert.equal(stx.state, 'confirmed');
    assert.equal(h.tu.acks.length, 0);
  });

  it('matches a CANCEL to its INVITE, not to an INVITE of another call', () => {
    const h = harness();
    h.layer.receiveRequest(old('INVITE'), UDP_SRC);
    h.layer.receiveRequest(old('INVITE', { callId: 'other-call' }), UDP_SRC);
    h.layer.receiveRequest(old('CANCEL'), UDP_SRC);
    assert.equal(h.tu.cancels[0]!.invite, h.tu.requests[0]!.stx);
  });

  it('treats a bare magic cookie branch (RFC 4475 badbranch) as RFC 2543', () => {
    const h = harness();
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK', callId: 'different' }), UDP_SRC);
    h.layer.receiveRequest(request('OPTIONS', { branch: 'z9hG4bK' }), UDP_SRC);
    assert.equal(h.tu.requests.length, 2, 'same bare branch, different Call-ID: two transactions');
  });

  it('drops requests it cannot match (no Via, no CSeq) without throwing', () => {
    const h = harness();
    const noVia = request('OPTIONS');
    noVia.headers = noVia.headers.filter((x) => x.name !== 'Via');
    const noCSeq = request('OPTIONS');
    noCSeq.headers = noCSeq.headers.filter((x) => x.name !== 'CSeq');
    h.layer.receiveRequest(noVia, UDP_SRC);
    h.layer.receiveRequest(noCSeq, UDP_SRC);
    assert.equal(h.tu.requests.length, 0);
    assert.equal(h.layer.size().server, 0);
  });
});

describe('RFC 4475 transaction messages (corpus read in place)', function () {
  before(function () {
    if (!existsSync(CORPUS)) {
      console.warn(`[pending] RFC 4475 corpus missing at ${CORPUS}: corpus matching tests NOT run`);
      this.skip();
    }
  });

  function parsedRequest(file: string): SipRequest {
    const parsed = parseMessage(readFileSync(join(CORPUS, file)), { datagram: true });
    assert.ok(parsed.ok, `${file} parses`);
    assert.equal(parsed.message.type, 'request');
    return parsed.message as SipRequest;
  }

  for (const file of ['badbranch.dat', 'inv2543.dat']) {
    it(`${file}: a new transaction once, its retransmission absorbed`, () => {
      const h = harness();
      h.tu.onRequestHook = (req, stx) => void stx.respond(response(req, 100));
      h.layer.receiveRequest(parsedRequest(file), UDP_SRC);
      h.layer.receiveRequest(parsedRequest(file), UDP_SRC);
      assert.equal(h.tu.requests.length, 1);
      assert.equal(h.sent.length, 2, 'the 100 is re-sent for the retransmission');
    });
  }
});
