import assert from 'node:assert/strict';
import { checkRequest, parseMessage, rejectUnparsable, type CheckResult } from '../../../../src/sip/message/index.js';
import { options, parseRequest, wire } from './fixtures.js';

function statusOf(r: CheckResult): number | 'ok' {
  return r.ok ? 'ok' : r.status;
}

/** Replaces the first line starting with `prefix` in the OPTIONS fixture. */
function variant(prefix: string, replacement: string | null, extra = ''): string {
  const lines = options(extra).split('\n');
  const i = lines.findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, prefix);
  if (replacement === null) lines.splice(i, 1);
  else lines[i] = replacement;
  return lines.join('\n');
}

describe('checkRequest', () => {
  it('accepts a well-formed request, with or without Max-Forwards', () => {
    assert.deepEqual(checkRequest(parseRequest(options())), { ok: true });
    assert.equal(statusOf(checkRequest(parseRequest(variant('Max-Forwards', null)))), 'ok');
  });

  it('505 for a version other than SIP/2.0', () => {
    const r = checkRequest({ ...parseRequest(options()), version: 'SIP/3.0' });
    assert.deepEqual(r, { ok: false, status: 505, reason: 'Version Not Supported' });
    assert.equal(statusOf(checkRequest({ ...parseRequest(options()), version: 'sip/2.0' })), 'ok');
  });

  it('400 for a Request-URI with whitespace, <>, bad syntax or headers; 416 for other schemes', () => {
    const base = parseRequest(options());
    const cases: Array<[string, number | 'ok']> = [
      ['sip:a@b; lr', 400],
      [' sip:a@b', 400],
      ['<sip:a@b>', 400],
      ['sip:a@b?Route=%3Csip:x%3E', 400],
      ['sip:a@', 400],
      ['mailto:a@b', 416],
      ['soap.beep://192.0.2.103:3002', 416],
      ['tel:+12015550123', 'ok'],
      ['sips:a@b;transport=tls', 'ok'],
    ];
    for (const [uri, status] of cases) assert.equal(statusOf(checkRequest({ ...base, uri })), status, uri);
  });

  it('400 for missing or repeated Call-ID, From, To, CSeq and missing Via', () => {
    for (const prefix of ['Call-ID', 'From', 'To', 'CSeq', 'Via']) {
      const r = checkRequest(parseRequest(variant(prefix, null)));
      assert.equal(statusOf(r), 400, prefix);
      if (!r.ok) assert.match(r.reason, new RegExp(`Missing ${prefix}`));
    }
    for (const line of ['Call-ID: other', 'f: <sip:x@y>;tag=2', 't: <sip:x@y>', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70']) {
      assert.equal(statusOf(checkRequest(parseRequest(options(`${line}\n`)))), 400, line);
    }
    assert.equal(statusOf(checkRequest(parseRequest(options('Via: SIP/2.0/UDP second.example.com\n')))), 'ok');
  });

  it('400 for malformed Call-ID, CSeq, From, To, Via, Contact, Max-Forwards', () => {
    const cases: Array<[string, string]> = [
      ['Call-ID', 'Call-ID: has space'],
      ['CSeq', 'CSeq: 99999999999 OPTIONS'],
      ['CSeq', 'CSeq: OPTIONS'],
      ['From', 'From: Bell, Alexander <sip:a@b>;tag=1'],
      ['To', 'To: "Mr. J. User <sip:j.user@example.com>'],
      ['To', 'To: "W" < sip:t@example.org >'],
      ['Via', 'Via: SIP/2.0/UDP 192.0.2.15;;,;,,'],
      ['Via', 'Via: SIP/2.0/UDP a, '],
      ['Max-Forwards', 'Max-Forwards: seventy'],
    ];
    for (const [prefix, line] of cases) {
      assert.equal(statusOf(checkRequest(parseRequest(variant(prefix, line)))), 400, line);
    }
    for (const contact of ['"Joe" <sip:joe@example.org>;;;;', 'sip:u@e.com?Route=%3Csip:s.e.com%3E', '*', '<sip:a@b>,']) {
      assert.equal(statusOf(checkRequest(parseRequest(options(`Contact: ${contact}\n`)))), 400, contact);
    }
    assert.equal(statusOf(checkRequest(parseRequest(options('Contact: <sip:a@b>, "B" <sip:c@d>;q=0.1\n')))), 'ok');
    // Max-Forwards above 255 is treated as absent, not rejected (RFC 4475 §3.1.2.4).
    assert.equal(statusOf(checkRequest(parseRequest(variant('Max-Forwards', 'Max-Forwards: 300')))), 'ok');
  });

  it('CSeq method mismatch: 400 for a known method, 501 for an unknown one', () => {
    assert.equal(statusOf(checkRequest(parseRequest(options('', { cseq: '8 INVITE' })))), 400);
    assert.equal(statusOf(checkRequest(parseRequest(options('', { method: 'NEWMETHOD', cseq: '8 INVITE' })))), 501);
    assert.equal(statusOf(checkRequest(parseRequest(options('', { method: 'NEWMETHOD' })))), 'ok');
  });

  it('allows a * Contact in REGISTER only', () => {
    const reg = options('Contact: *\nExpires: 0\n', { method: 'REGISTER', uri: 'sip:example.com' });
    assert.equal(statusOf(checkRequest(parseRequest(reg))), 'ok');
  });
});

describe('rejectUnparsable', () => {
  function answer(text: string, body = ''): CheckResult | undefined | 'parsed' {
    const r = parseMessage(wire(text, body), { datagram: true });
    return r.ok ? 'parsed' : rejectUnparsable(r);
  }

  it('400 with a fixed reason for a request with readable headers, 505 for a non-SIP version', () => {
    assert.deepEqual(answer('INVITE  sip:a@b SIP/2.0\nCall-ID: x\n\n'), { ok: false, status: 400, reason: 'Malformed Request-Line' });
    assert.deepEqual(answer('INVITE sip:a@b SIP/2.0\nBad Header\n\n'), { ok: false, status: 400, reason: 'Malformed Header Field' });
    assert.deepEqual(answer('INVITE sip:a@b SIP/2.0\nl: -1\n\n'), { ok: false, status: 400, reason: 'Malformed Content-Length' });
    assert.deepEqual(answer('INVITE sip:a@b SIP/2.0\nl: 9\n\n', 'x'), { ok: false, status: 400, reason: 'Content-Length Larger Than Message' });
    assert.deepEqual(answer('INVITE sip:a@b HTTP/1.1\n\n'), { ok: false, status: 505, reason: 'Version Not Supported' });
  });

  it('nothing to answer without a partial request', () => {
    assert.equal(answer('SIP/2.0 4294967301 x\n\n'), undefined);
    assert.equal(answer('SIP/2.0 200 OK\nl: 9\n\n'), undefined);
    assert.equal(answer('\u0001\u0002 garbage'), undefined);
  });
});
