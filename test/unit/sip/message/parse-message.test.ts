import assert from 'node:assert/strict';
import { getHeader, getHeaderValues, parseMessage } from '../../../../src/sip/message/index.js';
import { options, parseOk, parseRequest, parseResponse, typicalInvite, wire } from './fixtures.js';

describe('parseMessage', () => {
  describe('start line', () => {
    it('reads a request line', () => {
      const req = parseRequest(options());
      assert.equal(req.method, 'OPTIONS');
      assert.equal(req.uri, 'sip:bob@example.com');
      assert.equal(req.version, 'SIP/2.0');
      assert.equal(req.headers.length, 7);
      assert.equal(req.body.length, 0);
    });

    it('reads a status line, keeping a UTF-8 reason phrase as written', () => {
      const res = parseResponse('SIP/2.0 486 Занято  здесь\nContent-Length: 0\n\n');
      assert.equal(res.status, 486);
      assert.equal(res.reason, 'Занято  здесь');
    });

    it('accepts an empty reason phrase, with or without the SP', () => {
      assert.equal(parseResponse('SIP/2.0 100 \nl: 0\n\n').reason, '');
      assert.equal(parseResponse('SIP/2.0 100\nl: 0\n\n').reason, '');
    });

    it('refuses status codes that are not exactly 3 digits in 100..699', () => {
      for (const line of ['SIP/2.0 4294967301 x', 'SIP/2.0 99 x', 'SIP/2.0 0200 OK', 'SIP/2.0 700 x', 'SIP/2.0 20 OK', 'SIP/2.0 200OK']) {
        const r = parseMessage(wire(`${line}\nl: 0\n\n`));
        assert.equal(r.ok, false, line);
        if (!r.ok) assert.equal(r.code, 'BAD_STATUS', line);
      }
    });

    it('keeps an unknown version of a request as written (the caller answers 505)', () => {
      const req = parseRequest('OPTIONS sip:a@b SIP/7.0\nl: 0\n\n');
      assert.equal(req.version, 'SIP/7.0');
    });

    it('refuses a version that is not SIP/x.y, with a partial request', () => {
      const r = parseMessage(wire('OPTIONS sip:a@b HTTP/1.1\nCall-ID: x\n\n'));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.code, 'BAD_VERSION');
      assert.equal(r.partial?.type, 'request');
      assert.equal(r.partial?.version, 'HTTP/1.1');
    });

    it('refuses extra or embedded whitespace in the request line but gives a partial', () => {
      for (const line of ['INVITE  sip:a@b SIP/2.0', 'INVITE sip:a@b; lr SIP/2.0', 'INVITE sip:a@b SIP/2.0 ']) {
        const r = parseMessage(wire(`${line}\nCall-ID: abc\n\n`));
        assert.equal(r.ok, false, line);
        if (r.ok) continue;
        assert.equal(r.code, 'BAD_START_LINE');
        assert.ok(r.partial && r.partial.type === 'request', line);
        assert.equal(r.partial.method, 'INVITE');
        assert.equal(r.partial.version, 'SIP/2.0');
        assert.equal(getHeader(r.partial, 'Call-ID'), 'abc');
      }
    });

    it('refuses a method that is not a token, without partial', () => {
      const r = parseMessage(wire('INV(ITE sip:a@b SIP/2.0\n\n'));
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.code, 'BAD_START_LINE');
        assert.equal(r.partial, undefined);
      }
    });

    it('ignores CRLFs before the start line (RFC 3261 §7.5) and reports an empty buffer', () => {
      assert.equal(parseOk(wire(`\n\n${options()}`)).type, 'request');
      for (const b of [Buffer.alloc(0), Buffer.from('\r\n\r\n')]) {
        const r = parseMessage(b);
        assert.equal(r.ok ? 'ok' : r.code, 'EMPTY');
      }
    });
  });

  describe('headers', () => {
    it('undoes folding, whatever whitespace surrounds the colon', () => {
      const req = parseRequest(
        'OPTIONS sip:a@b SIP/2.0\nSubject  :\tlunch   \n  today,\n\t at noon\nTO :\n sip:x@y ;tag = 1\nl: 0\n\n',
      );
      assert.deepEqual(req.headers[0], { name: 'Subject', value: 'lunch today, at noon' });
      assert.deepEqual(req.headers[1], { name: 'TO', value: 'sip:x@y ;tag = 1' });
    });

    it('keeps an empty value and header name spelling', () => {
      const req = parseRequest('OPTIONS sip:a@b SIP/2.0\ns :\nl: 0\n\n');
      assert.deepEqual(req.headers[0], { name: 's', value: '' });
    });

    it('trims only SP/HTAB: a BOM at the start of a value is content', () => {
      const req = parseRequest('OPTIONS sip:a@b SIP/2.0\nX-Foo: \uFEFFvalue\nl: 0\n\n');
      assert.equal(getHeader(req, 'x-foo'), '\uFEFFvalue');
    });

    it('recognises compact names through headerKey', () => {
      const req = parseRequest(
        'OPTIONS sip:a@b SIP/2.0\nv: SIP/2.0/UDP h1\nV: SIP/2.0/UDP h2\nVia: SIP/2.0/UDP h3\ni: cid\nf: <sip:a@b>;tag=1\nt: <sip:c@d>\nm: <sip:e@f>\nl: 0\n\n',
      );
      assert.deepEqual(getHeaderValues(req, 'Via'), ['SIP/2.0/UDP h1', 'SIP/2.0/UDP h2', 'SIP/2.0/UDP h3']);
      assert.equal(getHeader(req, 'Call-ID'), 'cid');
      assert.equal(getHeader(req, 'from'), '<sip:a@b>;tag=1');
      assert.equal(getHeader(req, 'TO'), '<sip:c@d>');
      assert.equal(getHeader(req, 'contact'), '<sip:e@f>');
    });

    it('tolerates bare LF line ends', () => {
      const req = parseOk(Buffer.from('OPTIONS sip:a@b SIP/2.0\nCall-ID: x\nContent-Length: 2\n\nhi'));
      assert.equal(getHeader(req, 'call-id'), 'x');
      assert.equal(req.body.toString(), 'hi');
    });

    it('reports a malformed header line with a partial holding the good ones', () => {
      for (const bad of ['No colon here', 'Bad Name: x', ': no name', ' continuation first']) {
        const text = bad.startsWith(' ') ? `OPTIONS sip:a@b SIP/2.0\n${bad}\nCall-ID: x\n\n` : `OPTIONS sip:a@b SIP/2.0\nCall-ID: x\n${bad}\n\n`;
        const r = parseMessage(wire(text));
        assert.equal(r.ok, false, bad);
        if (r.ok) continue;
        assert.equal(r.code, 'BAD_HEADER', bad);
        assert.ok(r.partial, bad);
        assert.equal(getHeader(r.partial, 'Call-ID'), 'x', bad);
      }
    });

    it('refuses a bare CR inside a header line (no header injection downstream)', () => {
      const r = parseMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nX: a\rVia: evil\r\n\r\n'));
      assert.equal(r.ok ? 'ok' : r.code, 'BAD_HEADER');
    });

    it('refuses a header section without the empty line', () => {
      const r = parseMessage(wire('OPTIONS sip:a@b SIP/2.0\nCall-ID: x\n'), { datagram: true });
      assert.equal(r.ok ? 'ok' : r.code, 'BAD_HEADER');
      if (!r.ok) assert.ok(r.partial);
    });
  });

  describe('body framing', () => {
    it('takes exactly Content-Length bytes, binary included', () => {
      const body = Buffer.from([0x00, 0x0a, 0x0d, 0xff, 0x0a, 0x0a, 0x41]);
      const buf = Buffer.concat([wire(`MESSAGE sip:a@b SIP/2.0\nContent-Length: ${body.length}\n\n`), body]);
      assert.deepEqual(parseOk(buf).body, body);
      assert.deepEqual(parseOk(buf, { datagram: true }).body, body);
    });

    it('copies the body out of the receive buffer', () => {
      const buf = wire('MESSAGE sip:a@b SIP/2.0\nl: 2\n\n', 'hi');
      const m = parseOk(buf);
      buf.fill(0);
      assert.equal(m.body.toString(), 'hi');
    });

    it('ignores octets after the body (RFC 3261 §18.3)', () => {
      const m = parseOk(wire('MESSAGE sip:a@b SIP/2.0\nContent-Length: 2\n\n', 'hiINVITE ...'), { datagram: true });
      assert.equal(m.body.toString(), 'hi');
    });

    it('without Content-Length: rest of a datagram, nothing on a stream frame', () => {
      const buf = wire('MESSAGE sip:a@b SIP/2.0\nCall-ID: x\n\n', 'rest');
      assert.equal(parseOk(buf, { datagram: true }).body.toString(), 'rest');
      assert.equal(parseOk(buf, { datagram: false }).body.length, 0);
    });

    it('reports a Content-Length larger than the message as TRUNCATED_BODY, with partial', () => {
      for (const cl of ['5', '99999999999999999999999']) {
        const r = parseMessage(wire(`MESSAGE sip:a@b SIP/2.0\nContent-Length: ${cl}\n\n`, 'hi'), { datagram: true });
        assert.equal(r.ok ? 'ok' : r.code, 'TRUNCATED_BODY', cl);
        if (!r.ok) assert.equal(r.partial?.type, 'request');
      }
    });

    it('refuses negative, non-numeric, empty and disagreeing Content-Length', () => {
      for (const lines of ['Content-Length: -1', 'Content-Length: 1a', 'Content-Length: ', 'l: 0x10', 'Content-Length: 2\nl: 3']) {
        const r = parseMessage(wire(`MESSAGE sip:a@b SIP/2.0\n${lines}\n\n`, 'hi'), { datagram: true });
        assert.equal(r.ok ? 'ok' : r.code, 'BAD_CONTENT_LENGTH', lines);
        if (!r.ok) assert.ok(r.partial, lines);
      }
    });

    it('accepts repeated but equal Content-Length values and leading zeros', () => {
      const m = parseOk(wire('MESSAGE sip:a@b SIP/2.0\nContent-Length: 02\nl: 2\n\n', 'hi'));
      assert.equal(m.body.toString(), 'hi');
    });
  });

  describe('size limit', () => {
    it('refuses buffers above maxSize (default 65535)', () => {
      const big = wire(options(`X-Pad: ${'a'.repeat(70000)}\n`));
      assert.equal(((r) => (r.ok ? 'ok' : r.code))(parseMessage(big)), 'TOO_LARGE');
      assert.equal(parseMessage(big, { maxSize: 100000 }).ok, true);
      const small = wire(options());
      assert.equal(((r) => (r.ok ? 'ok' : r.code))(parseMessage(small, { maxSize: small.length - 1 })), 'TOO_LARGE');
      assert.equal(parseMessage(small, { maxSize: small.length }).ok, true);
    });
  });

  it('parses a typical INVITE', () => {
    const m = parseOk(typicalInvite());
    assert.equal(m.type, 'request');
    assert.equal(m.headers.length, 12);
    assert.equal(m.body.length, Number(getHeader(m, 'Content-Length')));
  });
});
