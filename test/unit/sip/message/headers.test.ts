import assert from 'node:assert/strict';
import {
  addHeader,
  countHeaderLines,
  getHeader,
  getHeaderLines,
  getHeaderValues,
  headerKey,
  isListHeader,
  removeHeader,
  setHeader,
  splitHeaderList,
  type SipRequest,
} from '../../../../src/sip/message/index.js';

function request(headers: Array<[string, string]>): SipRequest {
  return {
    type: 'request',
    method: 'OPTIONS',
    uri: 'sip:a@b',
    version: 'SIP/2.0',
    headers: headers.map(([name, value]) => ({ name, value })),
    body: Buffer.alloc(0),
  };
}

describe('headers', () => {
  it('headerKey lower-cases and expands every compact form', () => {
    const compact: Record<string, string> = {
      i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
      f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', u: 'allow-events',
      r: 'refer-to', b: 'referred-by', x: 'session-expires', y: 'identity', a: 'accept-contact',
      j: 'reject-contact', d: 'request-disposition', n: 'identity-info',
    };
    for (const [short, full] of Object.entries(compact)) {
      assert.equal(headerKey(short), full);
      assert.equal(headerKey(short.toUpperCase()), full);
    }
    assert.equal(headerKey('Call-ID'), 'call-id');
    assert.equal(headerKey('MaX-fOrWaRdS'), 'max-forwards');
    assert.equal(headerKey('z'), 'z');
  });

  it('getHeader returns the first line, matching compact and case variants', () => {
    const m = request([['v', 'SIP/2.0/UDP a'], ['VIA', 'SIP/2.0/UDP b'], ['X-Two', '1'], ['x-two', '2']]);
    assert.equal(getHeader(m, 'Via'), 'SIP/2.0/UDP a');
    assert.equal(getHeader(m, 'X-TWO'), '1');
    assert.equal(getHeader(m, 'Missing'), undefined);
    assert.deepEqual(getHeaderLines(m, 'x-two'), ['1', '2']);
    assert.equal(countHeaderLines(m, 'V'), 2);
    assert.equal(countHeaderLines(m, 'Route'), 0);
  });

  it('getHeaderValues splits lists at top-level commas only', () => {
    const m = request([
      ['Contact', '"Doe, John" <sip:j@a;x=1,2>;q=0.5, <sip:k@b>'],
      ['m', '<sip:l@c>'],
      ['Accept', 'application/sdp, , application/pkcs7-mime,'],
      ['Route', '<sip:p1;lr>,<sip:p2;lr>'],
      ['X-Q', 'a;p="x,y", b'],
    ]);
    assert.deepEqual(getHeaderValues(m, 'Contact'), ['"Doe, John" <sip:j@a;x=1,2>;q=0.5', '<sip:k@b>', '<sip:l@c>']);
    assert.deepEqual(getHeaderValues(m, 'accept'), ['application/sdp', 'application/pkcs7-mime']);
    assert.deepEqual(getHeaderValues(m, 'Route'), ['<sip:p1;lr>', '<sip:p2;lr>']);
    assert.deepEqual(getHeaderValues(m, 'X-Q'), ['a;p="x,y"', 'b']);
  });

  it('getHeaderValues does not split headers that are not comma lists', () => {
    const lines: Array<[string, string]> = [
      ['WWW-Authenticate', 'Digest realm="a", nonce="b", qop="auth"'],
      ['Authorization', 'Digest username="u", realm="a"'],
      ['Proxy-Authenticate', 'Digest realm="a", nonce="c"'],
      ['Proxy-Authorization', 'Digest username="u", response="x"'],
      ['Date', 'Sat, 13 Nov 2010 23:29:00 GMT'],
      ['Retry-After', '18000;duration=3600 (back at 5, maybe)'],
      ['From', 'Bell, Alexander <sip:a@b>;tag=1'],
      ['To', 'Watson, Thomas <sip:t@b>'],
      ['Subject', 'lunch, today'],
      ['User-Agent', 'x (a, b)'],
    ];
    const m = request(lines);
    for (const [name, value] of lines) {
      assert.deepEqual(getHeaderValues(m, name), [value], name);
      assert.equal(isListHeader(name), false, name);
    }
    assert.equal(isListHeader('Via'), true);
    assert.equal(isListHeader('X-Unknown'), true);
  });

  it('splitHeaderList keeps empty elements and survives unbalanced quotes and brackets', () => {
    assert.deepEqual(splitHeaderList('SIP/2.0/UDP h;;,;,,'), ['SIP/2.0/UDP h;;', ';', '', '']);
    assert.deepEqual(splitHeaderList('"a, b'), ['"a, b']);
    assert.deepEqual(splitHeaderList('<sip:a, b'), ['<sip:a, b']);
    assert.deepEqual(splitHeaderList('a> , b'), ['a>', 'b']);
    assert.deepEqual(splitHeaderList('"a\\", b", c'), ['"a\\", b"', 'c']);
  });

  it('setHeader replaces all lines with one at the first position, or appends', () => {
    const m = request([['A', '1'], ['Via', 'x'], ['B', '2'], ['v', 'y'], ['C', '3']]);
    const headers = m.headers;
    setHeader(m, 'Via', 'z');
    assert.deepEqual(m.headers, [
      { name: 'A', value: '1' },
      { name: 'Via', value: 'z' },
      { name: 'B', value: '2' },
      { name: 'C', value: '3' },
    ]);
    assert.equal(m.headers, headers, 'modified in place');
    setHeader(m, 'Subject', 's');
    assert.deepEqual(m.headers.at(-1), { name: 'Subject', value: 's' });
  });

  it('addHeader top goes above the first line of that header, bottom below the last', () => {
    const m = request([['Max-Forwards', '70'], ['Via', 'b'], ['Via', 'c'], ['To', 't']]);
    addHeader(m, 'Via', 'a', 'top');
    addHeader(m, 'v', 'd');
    addHeader(m, 'Route', 'r', 'top');
    addHeader(m, 'Record-Route', 'rr');
    assert.deepEqual(
      m.headers.map((h) => `${h.name}:${h.value}`),
      ['Route:r', 'Max-Forwards:70', 'Via:a', 'Via:b', 'Via:c', 'v:d', 'To:t', 'Record-Route:rr'],
    );
  });

  it('removeHeader removes every line of that header and counts them', () => {
    const m = request([['Via', 'a'], ['To', 't'], ['v', 'b'], ['VIA', 'c']]);
    assert.equal(removeHeader(m, 'via'), 3);
    assert.deepEqual(m.headers, [{ name: 'To', value: 't' }]);
    assert.equal(removeHeader(m, 'via'), 0);
  });
});
