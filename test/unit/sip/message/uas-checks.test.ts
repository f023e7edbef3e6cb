import assert from 'node:assert/strict';
import {
  KNOWN_METHODS,
  checkAcceptsSdp,
  checkContentType,
  checkMaxForwards,
  checkMethod,
  checkRegister,
  checkRequire,
  getMaxForwards,
  isKnownMethod,
  mediaTypeOf,
} from '../../../../src/sip/message/index.js';
import { options, parseRequest } from './fixtures.js';

describe('UAS / proxy / registrar checks', () => {
  it('checkMethod: 405 with Allow for a known method, 501 for an unknown one', () => {
    const supported = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'];
    assert.deepEqual(checkMethod(parseRequest(options()), supported), { ok: true });
    assert.deepEqual(checkMethod(parseRequest(options('', { method: 'SUBSCRIBE' })), supported), {
      ok: false,
      status: 405,
      reason: 'Method Not Allowed',
      headers: [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS' }],
    });
    const r = checkMethod(parseRequest(options('', { method: 'NEWMETHOD' })), supported);
    assert.equal(r.ok ? 'ok' : r.status, 501);
    assert.ok(isKnownMethod('PRACK') && !isKnownMethod('invite') && KNOWN_METHODS.length === 14);
  });

  it('checkRequire: 420 with Unsupported listing the unknown tags; ignored for CANCEL and ACK', () => {
    const req = parseRequest(options('Require: 100rel, Foo, bar\nProxy-Require: sec-agree\n'));
    assert.deepEqual(checkRequire(req, ['100REL', 'timer']), {
      ok: false,
      status: 420,
      reason: 'Bad Extension',
      headers: [{ name: 'Unsupported', value: 'Foo, bar' }],
    });
    assert.deepEqual(checkRequire(req, ['100rel', 'foo', 'bar']), { ok: true });
    const proxy = checkRequire(req, [], 'Proxy-Require');
    assert.deepEqual(proxy.ok ? [] : proxy.headers, [{ name: 'Unsupported', value: 'sec-agree' }]);
    assert.deepEqual(checkRequire(parseRequest(options('')), []), { ok: true });
    const cancel = parseRequest(options('Require: foo\n', { method: 'CANCEL' }));
    assert.deepEqual(checkRequire(cancel, []), { ok: true });
  });

  it('checkAcceptsSdp: no Accept means SDP; q=0 and foreign types give 406', () => {
    const cases: Array<[string, boolean]> = [
      ['', true],
      ['Accept: application/sdp\n', true],
      ['Accept: text/plain, Application/SDP;level=1\n', true],
      ['Accept: application/*\n', true],
      ['Accept: */*;q=0.1\n', true],
      ['Accept: text/nobodyKnowsThis\n', false],
      ['Accept: application/sdp;q=0\n', false],
      ['Accept:\n', false],
    ];
    for (const [line, ok] of cases) {
      const r = checkAcceptsSdp(parseRequest(options(line)));
      assert.equal(r.ok ? 'ok' : r.status, ok ? 'ok' : 406, line);
    }
  });

  it('checkContentType: 415 with Accept for a foreign body type or encoding, 400 without Content-Type', () => {
    const withBody = (lines: string): ReturnType<typeof parseRequest> =>
      parseRequest(options(lines).replace('Content-Length: 0', 'Content-Length: 3'), 'abc');
    assert.deepEqual(checkContentType(withBody('Content-Type: application/SDP;charset=x\n')), { ok: true });
    assert.deepEqual(checkContentType(withBody('c: application/unknownformat\n')), {
      ok: false,
      status: 415,
      reason: 'Unsupported Media Type',
      headers: [{ name: 'Accept', value: 'application/sdp' }],
    });
    assert.deepEqual(checkContentType(withBody('Content-Type: text/plain\n'), ['text/plain', 'application/sdp']), { ok: true });
    const gz = checkContentType(withBody('Content-Type: application/sdp\nContent-Encoding: gzip\n'));
    assert.deepEqual(gz.ok ? null : gz.headers, [{ name: 'Accept-Encoding', value: 'identity' }]);
    const missing = checkContentType(withBody(''));
    assert.equal(missing.ok ? 'ok' : missing.status, 400);
    assert.deepEqual(checkContentType(parseRequest(options('Content-Type: x/y\n'))), { ok: true }, 'no body, nothing to read');
    assert.equal(mediaTypeOf(' Multipart/Mixed ; boundary=x'), 'multipart/mixed');
  });

  it('getMaxForwards / checkMaxForwards: 483 at zero', () => {
    const mf = (v: string): ReturnType<typeof parseRequest> => parseRequest(options().replace('Max-Forwards: 70', `Max-Forwards: ${v}`));
    assert.equal(getMaxForwards(mf('0068')), 68);
    assert.equal(getMaxForwards(mf('255')), 255);
    assert.equal(getMaxForwards(mf('256')), undefined);
    assert.equal(getMaxForwards(mf('x')), undefined);
    assert.deepEqual(checkMaxForwards(mf('0')), { ok: false, status: 483, reason: 'Too Many Hops' });
    assert.deepEqual(checkMaxForwards(mf('1')), { ok: true });
  });

  it('checkRegister: AOR must be sip/sips; * Contact alone and with Expires: 0', () => {
    const reg = (lines: string, to = 'To: <sip:bob@example.com>'): ReturnType<typeof parseRequest> =>
      parseRequest(options(lines, { method: 'REGISTER', uri: 'sip:example.com' }).replace('To: Bob <sip:bob@example.com>', to));
    assert.deepEqual(checkRegister(reg('Contact: <sip:bob@192.0.2.4>\n')), { ok: true });
    assert.equal(((r) => (r.ok ? 'ok' : r.status))(checkRegister(reg('', 'To: isbn:2983792873'))), 400);
    assert.equal(((r) => (r.ok ? 'ok' : r.status))(checkRegister(reg('', 'To: <tel:+123>'))), 400);
    assert.deepEqual(checkRegister(reg('Contact: *\nExpires: 0\n')), { ok: true });
    for (const bad of ['Contact: *\n', 'Contact: *\nExpires: 60\n', 'Contact: *, <sip:a@b>\nExpires: 0\n']) {
      assert.equal(((r) => (r.ok ? 'ok' : r.status))(checkRegister(reg(bad))), 400, bad);
    }
    assert.deepEqual(checkRegister(parseRequest(options())), { ok: true }, 'not a REGISTER');
  });
});
