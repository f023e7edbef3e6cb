import assert from 'node:assert/strict';
import { getHeaderLines, serializeMessage, withContentLength, type SipRequest, type SipResponse } from '../../../../src/sip/message/index.js';
import { parseOk, typicalInvite } from './fixtures.js';

function req(headers: Array<[string, string]>, body = ''): SipRequest {
  return {
    type: 'request',
    method: 'MESSAGE',
    uri: 'sip:bob@example.com',
    version: 'SIP/2.0',
    headers: headers.map(([name, value]) => ({ name, value })),
    body: Buffer.from(body),
  };
}

describe('serializeMessage / withContentLength', () => {
  it('writes start line, headers in order, empty line and body', () => {
    const out = serializeMessage(req([['v', 'SIP/2.0/UDP h'], ['Call-ID', 'x'], ['Subject', '']], 'hé'));
    assert.equal(out.toString('utf8'), 'MESSAGE sip:bob@example.com SIP/2.0\r\nv: SIP/2.0/UDP h\r\nCall-ID: x\r\nSubject: \r\n\r\nhé');
  });

  it('writes a status line, with the SP before an empty reason', () => {
    const res: SipResponse = { type: 'response', version: 'SIP/2.0', status: 100, reason: '', headers: [], body: Buffer.alloc(0) };
    assert.equal(serializeMessage(res).toString(), 'SIP/2.0 100 \r\n\r\n');
    assert.equal(serializeMessage({ ...res, status: 486, reason: 'Busy Here' }).toString(), 'SIP/2.0 486 Busy Here\r\n\r\n');
  });

  it('rewrites Content-Length lines to the body length in bytes, never adds one', () => {
    const out = serializeMessage(req([['Content-Length', '999'], ['l', '1']], 'héllo'));
    assert.match(out.toString(), /\r\nContent-Length: 6\r\nl: 6\r\n\r\nhéllo$/);
    assert.doesNotMatch(serializeMessage(req([], 'abc')).toString(), /Content-Length/i);
  });

  it('copies binary bodies byte for byte', () => {
    const body = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]);
    const m = { ...req([['Content-Length', '0']]), body };
    const out = serializeMessage(m);
    assert.deepEqual(out.subarray(out.length - body.length), body);
  });

  it('round-trips a parsed typical INVITE byte for byte', () => {
    const wireBytes = typicalInvite();
    assert.deepEqual(serializeMessage(parseOk(wireBytes)), wireBytes);
  });

  it('withContentLength gives exactly one correct Content-Length without touching the input', () => {
    const none = req([['To', 't']], 'abcd');
    const added = withContentLength(none);
    assert.deepEqual(added.headers.at(-1), { name: 'Content-Length', value: '4' });
    assert.equal(none.headers.length, 1);
    const many = req([['l', '7'], ['To', 't'], ['Content-Length', '9']], 'ab');
    const fixed = withContentLength(many);
    assert.deepEqual(getHeaderLines(fixed, 'Content-Length'), ['2']);
    assert.deepEqual(fixed.headers[0], { name: 'l', value: '2' });
    assert.equal(fixed.type, 'request');
  });
});
