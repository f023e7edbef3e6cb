import assert from 'node:assert/strict';
import { checkResponse, parseVia, viaTargetsBroadcast, type SipResponse } from '../../../../src/sip/message/index.js';
import { parseResponse } from './fixtures.js';

const OK_200 =
  'SIP/2.0 200 OK\n' +
  'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n' +
  'Call-ID: c1\nCSeq: 35 INVITE\nFrom: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>;tag=2\nContent-Length: 0\n\n';

function withLine(find: string, replace: string): SipResponse {
  return parseResponse(OK_200.replace(find, replace));
}

describe('checkResponse', () => {
  it('keeps a well-formed response', () => {
    assert.deepEqual(checkResponse(parseResponse(OK_200)), { ok: true, broadcastVia: false });
  });

  it('drops a response with an overlarge CSeq, a bad version or broken mandatory headers', () => {
    const cases: SipResponse[] = [
      withLine('CSeq: 35 INVITE', 'CSeq: 9292394834772304023312 OPTIONS'),
      withLine('SIP/2.0 200', 'SIP/3.0 200'),
      withLine('Call-ID: c1\n', ''),
      withLine('Call-ID: c1\n', 'Call-ID: c1\nCall-ID: c2\n'),
      withLine('From: <sip:a@example.com>;tag=1', 'From: Bell, A <sip:a@example.com>'),
      withLine('To: <sip:b@example.com>;tag=2', 'To: "open <sip:b@example.com>'),
      withLine('Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n', ''),
      withLine('branch=z9hG4bK1324923', 'branch=z9hG4bK1324923;;'),
      { ...parseResponse(OK_200), status: 1000 },
    ];
    for (const res of cases) assert.equal(checkResponse(res).ok, false, JSON.stringify(res.headers));
  });

  it('flags a Via that would send to 255.255.255.255 (host, received or maddr)', () => {
    const bcast = withLine('Call-ID', 'Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\nCall-ID');
    assert.deepEqual(checkResponse(bcast), { ok: true, broadcastVia: true });
    for (const v of [
      'SIP/2.0/UDP 255.255.255.255',
      'SIP/2.0/UDP h.example.com;received=255.255.255.255',
      'SIP/2.0/UDP h.example.com;maddr=255.255.255.255',
    ]) {
      const via = parseVia(v);
      assert.ok(via && viaTargetsBroadcast(via), v);
    }
    const normal = parseVia('SIP/2.0/UDP 192.0.2.255;received=10.0.0.255');
    assert.ok(normal && !viaTargetsBroadcast(normal));
  });
});
