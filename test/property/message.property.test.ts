/**
 * Properties of the SIP message layer (architecture §4): the parser never throws,
 * serialize∘parse round-trips every message the generators make, and parsing is
 * stable through serialisation even for mutated (mostly broken) input.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkRequest,
  checkResponse,
  formatNameAddr,
  formatUri,
  formatVia,
  getHeaderValues,
  headerKey,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  serializeMessage,
  type NameAddr,
  type SipHeader,
  type SipMessage,
  type SipUri,
  type Via,
} from '../../src/sip/message/index.js';

const RUNS = 2000;
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TOKEN_CHARS = `${ALNUM}-.!%*_+\`'~`;

const chars = (set: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...set), minLength, maxLength });

const token = chars(TOKEN_CHARS, 1, 12);
const params = (value: fc.Arbitrary<string>): fc.Arbitrary<Array<[string, string | null]>> =>
  fc.array(fc.tuple(token, fc.option(value, { nil: null })), { maxLength: 4 });

const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);

const sipUri: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom('sip', 'sips'),
    user: fc.option(chars(`${ALNUM}-_.!~*'()%&=+$,;?/`, 1, 16), { nil: undefined }),
    password: fc.option(chars(`${ALNUM}-_.!~*'()%&=+$,`, 0, 8), { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    params: fc.array(fc.tuple(chars(`${ALNUM}-_.!~*'()%[]/:&+$`, 1, 10), fc.option(chars(`${ALNUM}-_.!~*'()%[]/:&+$`, 0, 10), { nil: null })), { maxLength: 4 }),
    headers: fc.option(chars(`${ALNUM}-_.!~*'()%[]/?:+$=&`, 0, 20), { nil: undefined }),
  })
  .map((u) => {
    // Optional fields are absent rather than undefined, as parseUri leaves them.
    const out: SipUri = { scheme: u.scheme, host: u.host, params: u.params };
    if (u.user !== undefined) {
      out.user = u.user;
      if (u.password !== undefined) out.password = u.password;
    }
    if (u.port !== undefined) out.port = u.port;
    if (u.headers !== undefined) out.headers = u.headers;
    return out;
  });

/** A header value: any code points but CR/LF, no SP/HTAB at either end (parse trims those). */
const headerValue = fc
  .string({ unit: 'binary', maxLength: 40 })
  .map((s) => s.replace(/[\r\n]/g, '').replace(/^[ \t]+|[ \t]+$/g, ''));

const extensionHeader: fc.Arbitrary<SipHeader> = fc
  .record({ name: token, value: headerValue })
  // fc.record makes null-prototype objects; the parser makes plain ones.
  .map(({ name, value }) => ({ name, value }))
  .filter((h) => headerKey(h.name) !== 'content-length');

interface Framed {
  message: SipMessage;
  /** Without Content-Length the body is only recoverable from a datagram. */
  datagram: boolean;
}

/** Headers + body, with a correct Content-Length inserted at a random place or left out. */
const headersAndBody = fc
  .record({
    headers: fc.array(extensionHeader, { maxLength: 12 }),
    body: fc.uint8Array({ maxLength: 300 }),
    contentLength: fc.option(fc.tuple(fc.constantFrom('Content-Length', 'l', 'content-length'), fc.nat()), { nil: undefined }),
    datagram: fc.boolean(),
  })
  .map(({ headers, body, contentLength, datagram }) => {
    const all = [...headers];
    if (contentLength !== undefined) {
      const [name, at] = contentLength;
      all.splice(at % (all.length + 1), 0, { name, value: String(body.length) });
    }
    return { headers: all, body: Buffer.from(body), datagram: contentLength === undefined || datagram };
  });

const version = fc.oneof(fc.constant('SIP/2.0'), fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `SIP/${a}.${b}`));

const request: fc.Arbitrary<Framed> = fc
  .record({ method: token, uri: sipUri.map(formatUri), version, rest: headersAndBody })
  .map(({ method, uri, version: v, rest }) => ({
    message: { type: 'request', method, uri, version: v, headers: rest.headers, body: rest.body },
    datagram: rest.datagram,
  }));

const response: fc.Arbitrary<Framed> = fc
  .record({
    status: fc.integer({ min: 100, max: 699 }),
    reason: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
    version,
    rest: headersAndBody,
  })
  .map(({ status, reason, version: v, rest }) => ({
    message: { type: 'response', status, reason, version: v, headers: rest.headers, body: rest.body },
    datagram: rest.datagram,
  }));

/** Byte-level damage typical of broken peers: flips, SIP metacharacters, cuts, duplicates. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\r', '\n', '\r\n', ' ', '\t', ':', ';', ',', '"', '\\', '<', '>', '%', '\r\n ', '\0', '=', '@') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(buf: Buffer, m: Mutation): Buffer {
  if (buf.length === 0) return buf;
  const at = m.at % buf.length;
  switch (m.kind) {
    case 'set': {
      const copy = Buffer.from(buf);
      copy[at] = m.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), Buffer.from(m.text), buf.subarray(at)]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.length)]);
    case 'truncate':
      return buf.subarray(0, at);
    case 'repeat':
      return Buffer.concat([buf.subarray(0, at + m.length), buf.subarray(at)]);
  }
}

/** Whatever the input, a parse result; and an accepted message survives serialisation unchanged. */
function assertWellBehaved(buf: Buffer, datagram: boolean): void {
  const r = parseMessage(buf, { datagram });
  assert.equal(typeof r.ok, 'boolean');
  if (!r.ok) {
    assert.equal(typeof r.code, 'string');
    return;
  }
  const again = parseMessage(serializeMessage(r.message), { datagram });
  assert.deepEqual(again, r);
  for (const name of ['Via', 'Contact', 'Route', 'From', 'Accept']) getHeaderValues(r.message, name);
  if (r.message.type === 'request') checkRequest(r.message);
  else checkResponse(r.message);
}

describe('message properties', () => {
  it('parseMessage never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), fc.boolean(), (bytes, datagram) => {
        assertWellBehaved(Buffer.from(bytes), datagram);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseMessage never throws on mutated valid messages, and what it accepts is stable', () => {
    fc.assert(
      fc.property(fc.oneof(request, response), fc.array(mutation, { minLength: 1, maxLength: 5 }), (framed, mutations) => {
        const buf = mutations.reduce((b, m) => mutate(b, m), serializeMessage(framed.message));
        assertWellBehaved(buf, framed.datagram);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseMessage(serializeMessage(request)) deep-equals the request', () => {
    fc.assert(
      fc.property(request, ({ message, datagram }) => {
        assert.deepEqual(parseMessage(serializeMessage(message), { datagram }), { ok: true, message });
      }),
      { numRuns: RUNS },
    );
  });

  it('parseMessage(serializeMessage(response)) deep-equals the response', () => {
    fc.assert(
      fc.property(response, ({ message, datagram }) => {
        assert.deepEqual(parseMessage(serializeMessage(message), { datagram }), { ok: true, message });
      }),
      { numRuns: RUNS },
    );
  });

  it('parseUri(formatUri(u)) deep-equals u for sip/sips URIs', () => {
    fc.assert(
      fc.property(sipUri, (u) => {
        assert.deepEqual(parseUri(formatUri(u)), u);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseNameAddr(formatNameAddr(x)) and parseVia(formatVia(v)) round-trip', () => {
    const genValue = fc.oneof(token, fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => `"${s.replace(/["\\]/g, '')}"`));
    const nameAddr: fc.Arbitrary<NameAddr> = fc
      .record({
        displayName: fc.option(fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')), { nil: undefined }),
        uri: sipUri.map(formatUri),
        params: params(genValue),
      })
      .map((n) => (n.displayName === undefined ? { uri: n.uri, params: n.params } : { ...n }));
    const via: fc.Arbitrary<Via> = fc
      .record({
        protocol: fc.constant('SIP/2.0'),
        transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS'),
        host,
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        params: params(token),
      })
      .map((v) => (v.port === undefined ? { protocol: v.protocol, transport: v.transport, host: v.host, params: v.params } : { ...v }));
    fc.assert(
      fc.property(nameAddr, via, (na, v) => {
        assert.deepEqual(parseNameAddr(formatNameAddr(na)), na);
        assert.deepEqual(parseVia(formatVia(v)), v);
      }),
      { numRuns: RUNS },
    );
  });

  it('structured parsers never throw on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        parseUri(s);
        parseNameAddr(s);
        parseVia(s);
        parseCSeq(s);
      }),
      { numRuns: RUNS },
    );
  });
});
