/**
 * The framers are chunking-invariant: whatever way a byte stream is split into chunks,
 * they produce the same frames, keep-alives and errors as for the stream in one chunk.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamFramer } from '../../src/sip/transport/index.js';
import { WireFramer, encodeWireMessage } from '../../src/sip/wire/index.js';

const RUNS = 500;

type Event = string;

/** Splits `bytes` at the given cut points (any naturals; reduced modulo the length). */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
}

function runStreamFramer(chunks: Buffer[], maxMessageSize?: number): Event[] {
  const events: Event[] = [];
  const framer = new StreamFramer(
    {
      onFrame: (f) => events.push(`frame:${f.toString('base64')}`),
      onKeepAlive: () => events.push('ping'),
      onError: (code) => events.push(`error:${code}`),
    },
    maxMessageSize,
  );
  for (const c of chunks) framer.push(c);
  return events;
}

function runWireFramer(chunks: Buffer[], maxDigits?: number): Event[] {
  const events: Event[] = [];
  const framer = new WireFramer(
    { onMessage: (p) => events.push(`msg:${p}`), onError: (code) => events.push(`error:${code}`) },
    maxDigits === undefined ? {} : { maxDigits },
  );
  for (const c of chunks) framer.push(c);
  return events;
}

const cuts = fc.array(fc.nat({ max: 100_000 }), { maxLength: 40 });

const headerName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,14}$/)
  .filter((n) => !['l', 'content-length'].includes(n.toLowerCase()));
const headerValue = fc.stringMatching(/^[ -~]{0,30}$/);
const header = fc
  .tuple(headerName, fc.constantFrom(': ', ':', ' : '), headerValue, fc.constantFrom('', '\r\n\t', '\r\n  '), headerValue)
  .map(([n, colon, v1, fold, v2]) => `${n}${colon}${v1}${fold === '' ? '' : fold + 'x' + v2}`);
const contentLengthName = fc.constantFrom('Content-Length: ', 'content-length:', 'l: ', 'L :', 'CONTENT-LENGTH \t:  ', 'Content-Length:\r\n ');
const bodyPart = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.constantFrom('\r\n\r\n', '#', '12#', '\r\nContent-Length: 3\r\n\r\n', '\r\n').map((s) => Buffer.from(s, 'latin1')),
);
const body = fc.array(bodyPart, { maxLength: 8 }).map((parts) => Buffer.concat(parts));

const sipMessage = fc
  .record({
    startLine: fc.constantFrom('INVITE sip:bob@example.com SIP/2.0', 'SIP/2.0 180 Ringing', 'OPTIONS sip:l:5@x SIP/2.0'),
    before: fc.array(header, { maxLength: 5 }),
    after: fc.array(header, { maxLength: 5 }),
    clName: contentLengthName,
    body,
  })
  .map(({ startLine, before, after, clName, body }) => {
    const headers = [...before, `${clName}${body.length}`, ...after];
    return Buffer.concat([Buffer.from(`${startLine}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  });

/** A message, optionally preceded by a stray CRLF or a CRLFCRLF ping. */
const streamItem = fc.tuple(fc.constantFrom('', '', '\r\n', '\r\n\r\n'), sipMessage);

describe('framers are chunking-invariant (property)', function () {
  this.timeout(15_000);

  it('StreamFramer yields the generated SIP messages, however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(streamItem, { minLength: 1, maxLength: 6 }), cuts, (items, cutPoints) => {
        const stream = Buffer.concat(items.flatMap(([pre, m]) => [Buffer.from(pre, 'latin1'), m]));
        const whole = runStreamFramer([stream]);
        const frames = whole.filter((e) => e.startsWith('frame:'));
        assert.deepEqual(frames, items.map(([, m]) => `frame:${m.toString('base64')}`));
        assert.ok(!whole.some((e) => e.startsWith('error:')));
        assert.deepEqual(runStreamFramer(chunk(stream, cutPoints)), whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('StreamFramer gives the same frames, pings and errors on arbitrary input, however chunked', () => {
    // Mostly well-formed heads with small bodies, so that frames are common, plus noise
    // that makes every kind of error reachable.
    const head = fc
      .tuple(fc.constantFrom('l', 'Content-Length', 'CONTENT-length '), fc.constantFrom('0', '3', '17', '-1', '4x', '', '99999'))
      .map(([n, v]) => `INVITE sip:x SIP/2.0\r\nA: b\r\n${n}: ${v}\r\n\r\n`);
    const fragment = fc.oneof(
      { weight: 4, arbitrary: head },
      { weight: 3, arbitrary: fc.constantFrom('\r\n', '\r\n\r\n', '\r', 'l: 1\r\n', 'l: 2\r\n', 'x', 'abc', '#', '\r\n ') },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).toString('latin1')) },
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), cuts, fc.integer({ min: 40, max: 300 }), (parts, cutPoints, max) => {
        const stream = Buffer.from(parts.join(''), 'latin1');
        assert.deepEqual(runStreamFramer(chunk(stream, cutPoints), max), runStreamFramer([stream], max));
      }),
      { numRuns: RUNS },
    );
  });

  const roundTrips = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
  const payload = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }).filter(roundTrips),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.stringMatching(/^[0-9#|\r\n]{0,20}$/),
  );

  it('WireFramer yields the encoded UTF-8 payloads, however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), cuts, (payloads, cutPoints) => {
        const stream = Buffer.concat(payloads.map(encodeWireMessage));
        const expected = payloads.map((p) => `msg:${p}`);
        assert.deepEqual(runWireFramer([stream]), expected);
        assert.deepEqual(runWireFramer(chunk(stream, cutPoints)), expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('WireFramer gives the same payloads and errors on arbitrary input, however chunked', () => {
    const fragment = fc.oneof(fc.stringMatching(/^[0-9#]{0,8}$/), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 20 }), cuts, fc.integer({ min: 1, max: 6 }), (parts, cutPoints, maxDigits) => {
        const stream = Buffer.from(parts.join(''), 'utf8');
        assert.deepEqual(runWireFramer(chunk(stream, cutPoints), maxDigits), runWireFramer([stream], maxDigits));
      }),
      { numRuns: RUNS },
    );
  });
});
