import assert from 'node:assert/strict';
import { StreamFramer, type StreamFramerSink, type StreamFramingErrorCode } from '../../../../src/sip/transport/index.js';

type Event = { frame: string } | { keepAlive: true } | { error: StreamFramingErrorCode };

function framer(maxMessageSize?: number): { f: StreamFramer; events: Event[] } {
  const events: Event[] = [];
  const sink: StreamFramerSink = {
    onFrame: (frame) => events.push({ frame: frame.toString('latin1') }),
    onKeepAlive: () => events.push({ keepAlive: true }),
    onError: (code) => events.push({ error: code }),
  };
  return { f: new StreamFramer(sink, maxMessageSize), events };
}

/** Feeds `text` in one chunk, then byte by byte, and checks both give `expected`. */
function expectEvents(text: string, expected: Event[], maxMessageSize?: number): void {
  const whole = framer(maxMessageSize);
  whole.f.push(Buffer.from(text, 'latin1'));
  assert.deepEqual(whole.events, expected, 'one chunk');
  const bytes = framer(maxMessageSize);
  for (const b of Buffer.from(text, 'latin1')) bytes.f.push(Buffer.from([b]));
  assert.deepEqual(bytes.events, expected, 'byte by byte');
}

const msg = (headers: string, body = ''): string => `INVITE sip:bob@example.com SIP/2.0\r\n${headers}\r\n\r\n${body}`;

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('frames one message: header block plus Content-Length bytes', () => {
    const m = msg('Call-ID: a\r\nContent-Length: 5', 'hello');
    expectEvents(m, [{ frame: m }]);
  });

  it('frames two messages arriving in one chunk', () => {
    const a = msg('Content-Length: 3', 'abc');
    const b = msg('Content-Length: 0');
    expectEvents(a + b, [{ frame: a }, { frame: b }]);
  });

  it('keeps a body that contains CRLFCRLF whole', () => {
    const body = 'v=0\r\n\r\nINVITE sip:x SIP/2.0\r\n\r\n';
    const m = msg(`Content-Length: ${body.length}`, body);
    expectEvents(m + msg('l: 0'), [{ frame: m }, { frame: msg('l: 0') }]);
  });

  it('reads the compact form `l`, any case, spaces around the colon, folded values', () => {
    for (const header of ['l: 2', 'L:2', 'content-length  :  2 ', 'CONTENT-LENGTH\t:\t2', 'Content-Length:\r\n 2']) {
      const m = msg(`To: <sip:l@x>\r\n${header}\r\nFrom: <sip:a@x>`, 'ok');
      expectEvents(m, [{ frame: m }]);
    }
  });

  it('ignores look-alike headers and a start line that mentions l:', () => {
    const m = 'INVITE sip:l:5@x SIP/2.0\r\nLength: 9\r\nX-Content-Length: 9\r\nContent-Length: 1\r\nl-x: 7\r\n\r\nZ';
    expectEvents(m, [{ frame: m }]);
  });

  it('accepts a repeated Content-Length with the same value', () => {
    const m = msg('Content-Length: 2\r\nl: 2', 'ab');
    expectEvents(m, [{ frame: m }]);
  });

  it('skips leading CRLFs and reports CRLFCRLF keep-alive pings (RFC 5626 §3.5.1)', () => {
    const m = msg('l: 0');
    expectEvents(`\r\n${m}\r\n\r\n\r\n${m}`, [{ frame: m }, { keepAlive: true }, { frame: m }]);
    expectEvents('\r\n\r\n\r\n\r\n', [{ keepAlive: true }, { keepAlive: true }]);
  });

  it('waits while a lone CRLF could still become a ping', () => {
    const { f, events } = framer();
    f.push(Buffer.from('\r\n'));
    assert.deepEqual(events, []);
    assert.equal(f.pendingBytes, 2);
    f.push(Buffer.from('\r\n'));
    assert.deepEqual(events, [{ keepAlive: true }]);
    assert.equal(f.pendingBytes, 0);
  });

  it('waits for the rest of a body split across chunks', () => {
    const m = msg('Content-Length: 10', '0123456789');
    const { f, events } = framer();
    f.push(Buffer.from(m.slice(0, -4), 'latin1'));
    assert.deepEqual(events, []);
    f.push(Buffer.from(m.slice(-4), 'latin1'));
    assert.deepEqual(events, [{ frame: m }]);
  });

  it('hands out frames that later pushes do not overwrite', () => {
    const frames: Buffer[] = [];
    const f = new StreamFramer({ onFrame: (b) => frames.push(b), onKeepAlive: () => undefined, onError: () => undefined });
    const a = msg('l: 1', 'A');
    const b = msg('l: 1', 'B');
    for (const ch of a + b + a) f.push(Buffer.from(ch, 'latin1'));
    assert.deepEqual(frames.map((x) => x.toString('latin1')), [a, b, a]);
  });

  const errors: Array<[string, string, StreamFramingErrorCode]> = [
    ['no Content-Length on a stream', msg('Call-ID: x'), 'content-length-missing'],
    ['a non-numeric Content-Length', msg('Content-Length: 1a'), 'content-length-invalid'],
    ['an empty Content-Length', msg('Content-Length:  '), 'content-length-invalid'],
    ['two values in one header', msg('Content-Length: 1 2'), 'content-length-invalid'],
    ['a negative Content-Length', msg('Content-Length: -1'), 'content-length-negative'],
    ['two different values', msg('Content-Length: 1\r\nl: 2', 'ab'), 'content-length-conflict'],
  ];
  for (const [what, text, code] of errors) {
    it(`fails on ${what} and stops`, () => {
      const good = msg('l: 0');
      expectEvents(good + text + good, [{ frame: good }, { error: code }]);
    });
  }

  it('fails when the header block exceeds maxMessageSize', () => {
    const m = msg(`X-Long: ${'a'.repeat(300)}\r\nl: 0`);
    expectEvents(m, [{ error: 'header-too-large' }], 200);
    // Without any CRLFCRLF in sight the error comes as soon as the limit is passed.
    expectEvents('INVITE ' + 'a'.repeat(400), [{ error: 'header-too-large' }], 200);
  });

  it('fails when header block plus body exceed maxMessageSize', () => {
    expectEvents(msg('Content-Length: 1000'), [{ error: 'body-too-large' }], 500);
    expectEvents(msg('Content-Length: 99999999999999999999999'), [{ error: 'body-too-large' }]);
  });

  it('accepts a message of exactly maxMessageSize bytes', () => {
    const head = msg('Content-Length: 10');
    const m = head + 'x'.repeat(10);
    expectEvents(m, [{ frame: m }], m.length);
    expectEvents(m, [{ error: 'body-too-large' }], m.length - 1);
  });

  it('ignores input once stopped', () => {
    const { f, events } = framer();
    f.stop();
    f.push(Buffer.from(msg('l: 0')));
    assert.deepEqual(events, []);
    assert.equal(f.isStopped, true);
  });

  it('stays linear on large messages pushed byte by byte', function () {
    this.timeout(10_000);
    const body = 'x'.repeat(400_000);
    const m = msg(`Content-Length: ${body.length}`, body);
    // Many short header lines: a CR every few bytes defeats memchr-fast re-scanning.
    const headerPad = msg(`${'X: y\r\n'.repeat(60_000)}l: 0`);
    let frames = 0;
    const sink = { onFrame: () => frames++, onKeepAlive: () => undefined, onError: (c: string) => assert.fail(c) };
    const f = new StreamFramer(sink, 1_000_000);
    const bytes = Buffer.from(m + headerPad, 'latin1');
    const started = process.hrtime.bigint();
    for (let i = 0; i < bytes.length; i++) f.push(bytes.subarray(i, i + 1));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(frames, 2);
    // Re-scanning or re-copying the pending bytes on every push would be ~10^11 byte
    // operations here (minutes); the linear framer needs well under a second.
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});
