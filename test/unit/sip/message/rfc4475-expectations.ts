/**
 * What each RFC 4475 torture message must produce, per /work/shared/corpora/rfc4475/MANIFEST.tsv
 * (its `expected_handling` column), as used by test/unit/sip/rfc4475.test.ts.
 */
import assert from 'node:assert/strict';
import {
  KNOWN_METHODS,
  checkAcceptsSdp,
  checkContentType,
  checkMaxForwards,
  checkMethod,
  checkRegister,
  checkRequire,
  checkResponse,
  countHeaderLines,
  getHeader,
  getHeaderValues,
  getMaxForwards,
  getParam,
  parseCSeq,
  parseNameAddr,
  parseUri,
  parseVia,
  tagOf,
  unescapeUriPart,
  type CheckResult,
  type ParseErrorCode,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../../../../src/sip/message/index.js';

/** What an element does with the message: accept it, answer a request, keep or drop a response. */
export type Outcome = 'ok' | 400 | 416 | 501 | 505 | 'keep' | 'drop';

export interface Expectation {
  outcome: Outcome;
  /** Set when the parse itself must fail (the outcome then comes from `partial`). */
  parseError?: ParseErrorCode;
  /** Further manifest-specific assertions on the message (or the partial one). */
  verify?: (m: SipMessage) => void;
}

const req = (m: SipMessage): SipRequest => {
  assert.equal(m.type, 'request');
  return m as SipRequest;
};
const res = (m: SipMessage): SipResponse => {
  assert.equal(m.type, 'response');
  return m as SipResponse;
};
const status = (r: CheckResult): number | 'ok' => (r.ok ? 'ok' : r.status);
const nameAddr = (m: SipMessage, header: string) => {
  const na = parseNameAddr(getHeader(m, header) ?? '');
  assert.ok(na, `${header} parses`);
  return na;
};
const uriOf = (s: string) => {
  const u = parseUri(s);
  assert.ok(u, `${s} parses`);
  return u;
};
const vias = (m: SipMessage) => getHeaderValues(m, 'Via').map((v) => parseVia(v));
const SDP_150 = (m: SipMessage): void => assert.equal(m.body.length, 150);

export const EXPECTED: Record<string, Expectation> = {
  'wsinv.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(tagOf(getHeader(m, 'To') ?? ''), '1918181833n');
      const from = nameAddr(m, 'From');
      assert.equal(from.displayName, 'J Rosenberg \\"');
      assert.equal(getParam(from.params, 'tag'), '98asjd8');
      assert.equal(getMaxForwards(m), 68);
      assert.deepEqual(parseCSeq(getHeader(m, 'CSeq') ?? ''), { seq: 9, method: 'INVITE' });
      assert.deepEqual(vias(m).map((v) => [v?.protocol, v?.transport, v?.host, getParam(v?.params ?? [], 'branch')]), [
        ['SIP/2.0', 'UDP', '192.0.2.2', '390skdjuw'],
        ['SIP/2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['SIP/2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
      ]);
      assert.equal(getHeader(m, 'NewFangledHeader'), 'newfangled value continued newfangled value');
      assert.equal(getHeader(m, 'UnknownHeaderWithUnusualValue'), ';;,,;;,;');
      assert.equal(getHeader(m, 'Subject'), '');
      const contact = nameAddr(m, 'Contact');
      assert.equal(contact.displayName, 'Quoted string ""');
      assert.deepEqual(contact.params, [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
      assert.deepEqual(uriOf(nameAddr(m, 'Route').uri).params.map((p) => p[0]), ['lr', 'unknownwith', 'unknown-no-value']);
      SDP_150(m);
    },
  },
  'intmeth.dat': {
    outcome: 'ok',
    verify: (m) => {
      const r = req(m);
      assert.equal(r.method, "!interesting-Method0123456789_*+`.%indeed'~");
      assert.equal(status(checkMethod(r, KNOWN_METHODS)), 501);
      assert.equal(getMaxForwards(m), 255);
      assert.equal(nameAddr(m, 'To').displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
      assert.equal(getParam(nameAddr(m, 'From').params, "fromParam''~+*_!.-%"), '"работающий"');
      assert.equal(tagOf(getHeader(m, 'From') ?? ''), "_token~1'+`*%!-.");
      assert.equal(getHeader(m, "extensionHeader-!.%*+_`'~"), '\uFEFF大停電');
      assert.equal(uriOf(r.uri).password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    },
  },
  'esc01.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(unescapeUriPart(uriOf(req(m).uri).user ?? ''), 'sips:user@example.com');
      assert.equal(unescapeUriPart(uriOf(nameAddr(m, 'From').uri).user ?? ''), 'I have spaces');
      assert.equal(unescapeUriPart(uriOf(nameAddr(m, 'To').uri).user ?? ''), 'user');
      const contact = uriOf(nameAddr(m, 'Contact').uri);
      assert.equal(unescapeUriPart(contact.user ?? ''), 'caller');
      assert.equal(getParam(contact.params, 'lr'), null);
      assert.equal(unescapeUriPart(String(getParam(contact.params, 'name'))), 'value%41');
    },
  },
  'escnull.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(unescapeUriPart(uriOf(nameAddr(m, 'To').uri).user ?? ''), 'null-\u0000-null');
      const users = getHeaderValues(m, 'Contact').map((c) => unescapeUriPart(uriOf(parseNameAddr(c)?.uri ?? '').user ?? ''));
      assert.deepEqual(users, ['\u0000', '\u0000\u0000']);
    },
  },
  'esc02.dat': {
    outcome: 'ok',
    verify: (m) => {
      const r = req(m);
      assert.equal(r.method, 'RE%47IST%45R');
      assert.notEqual(r.method, 'REGISTER');
      assert.equal(status(checkMethod(r, KNOWN_METHODS)), 501);
      assert.equal(nameAddr(m, 'To').displayName, '%Z%45');
      assert.equal(getHeaderValues(m, 'Contact').length, 2);
      assert.equal(getHeader(m, 'C%6Fntact'), '<sip:alias2@host2.example.com>');
    },
  },
  'lwsdisp.dat': { outcome: 'ok', verify: (m) => assert.equal(nameAddr(m, 'From').displayName, 'caller') },
  'longreq.dat': {
    outcome: 'ok',
    verify: (m) => {
      const all = vias(m);
      assert.equal(all.length, 34);
      assert.ok(all.every((v) => v !== null));
      assert.equal(all[0]?.host, 'sip33.example.com');
      assert.match(tagOf(getHeader(m, 'From') ?? '') ?? '', /^1(298){50}2424$/);
      assert.match(nameAddr(m, 'To').displayName ?? '', /^I have a user name of (extreme){10} proportion$/);
      SDP_150(m);
    },
  },
  'dblreq.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(req(m).method, 'REGISTER');
      assert.equal(m.body.length, 0);
      assert.equal(getHeader(m, 'Call-ID'), 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    },
  },
  'semiuri.dat': {
    outcome: 'ok',
    verify: (m) => {
      const u = uriOf(req(m).uri);
      assert.equal(unescapeUriPart(u.user ?? ''), 'user;par=u@example.net');
      assert.equal(u.host, 'example.com');
      assert.equal(getHeaderValues(m, 'Accept').length, 6);
    },
  },
  'transports.dat': {
    outcome: 'ok',
    verify: (m) => assert.deepEqual(vias(m).map((v) => v?.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']),
  },
  'mpart01.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(m.body.length, Number(getHeader(m, 'Content-Length')));
      assert.equal(m.body.length, 553);
      assert.ok(m.body.includes(0x00) && m.body.includes(Buffer.from('\r\n--7a9cbec02ceef655--\r\n')));
    },
  },
  'unreason.dat': {
    outcome: 'keep',
    verify: (m) => {
      assert.equal(res(m).status, 200);
      assert.equal(res(m).reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
      assert.equal(m.body.length, 154);
    },
  },
  'noreason.dat': {
    outcome: 'keep',
    verify: (m) => {
      assert.equal(res(m).status, 100);
      assert.equal(res(m).reason, '');
    },
  },
  'badinv01.dat': { outcome: 400 },
  'clerr.dat': {
    outcome: 400,
    parseError: 'TRUNCATED_BODY',
    verify: (m) => assert.equal(getHeader(m, 'Content-Length'), '9999'),
  },
  'ncl.dat': { outcome: 400, parseError: 'BAD_CONTENT_LENGTH' },
  'scalar02.dat': {
    outcome: 400,
    verify: (m) => {
      assert.equal(parseCSeq(getHeader(m, 'CSeq') ?? ''), null);
      assert.equal(getMaxForwards(m), undefined, 'Max-Forwards 300 is treated as absent');
    },
  },
  'scalarlg.dat': { outcome: 'drop', verify: (m) => assert.equal(res(m).status, 503) },
  'quotbal.dat': { outcome: 400, verify: (m) => assert.equal(parseNameAddr(getHeader(m, 'To') ?? ''), null) },
  'ltgtruri.dat': { outcome: 400 },
  'lwsruri.dat': { outcome: 400, parseError: 'BAD_START_LINE', verify: (m) => assert.equal(req(m).uri, 'sip:user@example.com; lr') },
  'lwsstart.dat': { outcome: 400, parseError: 'BAD_START_LINE' },
  'trws.dat': { outcome: 400, parseError: 'BAD_START_LINE' },
  'escruri.dat': { outcome: 400, verify: (m) => assert.equal(countHeaderLines(m, 'Route'), 0) },
  'baddate.dat': { outcome: 'ok', verify: (m) => assert.deepEqual(getHeaderValues(m, 'Date'), ['Fri, 01 Jan 2010 16:00:00 EST']) },
  'regbadct.dat': { outcome: 400 },
  'badaspec.dat': { outcome: 400 },
  'baddn.dat': { outcome: 400 },
  'badvers.dat': { outcome: 505, verify: (m) => assert.equal(m.version, 'SIP/7.0') },
  'mismatch01.dat': { outcome: 400 },
  'mismatch02.dat': { outcome: 501 },
  'bigcode.dat': { outcome: 'drop', parseError: 'BAD_STATUS' },
  'badbranch.dat': { outcome: 'ok', verify: (m) => assert.equal(getParam(vias(m)[0]?.params ?? [], 'branch'), 'z9hG4bK') },
  'insuf.dat': { outcome: 400 },
  'unkscm.dat': { outcome: 416 },
  'novelsc.dat': { outcome: 416 },
  'unksm2.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(status(checkRegister(req(m))), 400);
      assert.equal(uriOf(nameAddr(m, 'To').uri).scheme, 'isbn');
      assert.equal(uriOf(nameAddr(m, 'From').uri).scheme, 'http');
      assert.equal(uriOf(nameAddr(m, 'Contact').uri).scheme, 'name');
    },
  },
  'bext01.dat': {
    outcome: 'ok',
    verify: (m) => {
      const uas = checkRequire(req(m), ['100rel', 'timer']);
      assert.deepEqual(uas.ok ? null : [uas.status, uas.headers], [420, [{ name: 'Unsupported', value: 'nothingSupportsThis, nothingSupportsThisEither' }]]);
      const proxy = checkRequire(req(m), [], 'Proxy-Require');
      assert.deepEqual(proxy.ok ? null : [proxy.status, proxy.headers], [
        420,
        [{ name: 'Unsupported', value: 'noProxiesSupportThis, norDoAnyProxiesSupportThis' }],
      ]);
    },
  },
  'invut.dat': {
    outcome: 'ok',
    verify: (m) => {
      const r = checkContentType(req(m), ['application/sdp']);
      assert.deepEqual(r.ok ? null : [r.status, r.headers], [415, [{ name: 'Accept', value: 'application/sdp' }]]);
    },
  },
  'regaut01.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.deepEqual(getHeaderValues(m, 'Authorization'), ['NoOneKnowsThisScheme opaque-data=here']);
      assert.equal(status(checkRegister(req(m))), 'ok');
    },
  },
  'multi01.dat': { outcome: 400 },
  'mcl01.dat': { outcome: 400, parseError: 'BAD_CONTENT_LENGTH' },
  'bcast.dat': {
    outcome: 'keep',
    verify: (m) => assert.deepEqual(checkResponse(res(m)), { ok: true, broadcastVia: true }),
  },
  'zeromf.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(getMaxForwards(m), 0);
      assert.equal(status(checkMaxForwards(req(m))), 483);
    },
  },
  'cparam01.dat': {
    outcome: 'ok',
    verify: (m) => {
      const contact = nameAddr(m, 'Contact');
      assert.deepEqual(contact.params, [['unknownparam', null]]);
      assert.deepEqual(uriOf(contact.uri).params, []);
      assert.equal(status(checkRegister(req(m))), 'ok');
    },
  },
  'cparam02.dat': {
    outcome: 'ok',
    verify: (m) => {
      const contact = nameAddr(m, 'Contact');
      assert.deepEqual(contact.params, []);
      assert.deepEqual(uriOf(contact.uri).params, [['unknownparam', null]]);
    },
  },
  'regescrt.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(uriOf(nameAddr(m, 'Contact').uri).headers, 'Route=%3Csip:sip.example.com%3E');
      assert.equal(countHeaderLines(m, 'Route'), 0);
      assert.equal(status(checkRegister(req(m))), 'ok');
    },
  },
  'sdp01.dat': { outcome: 'ok', verify: (m) => assert.equal(status(checkAcceptsSdp(req(m))), 406) },
  'inv2543.dat': {
    outcome: 'ok',
    verify: (m) => {
      assert.equal(countHeaderLines(m, 'Content-Length'), 0);
      assert.match(m.body.toString(), /^v=0\r\n[\s\S]*m=audio 49217 RTP\/AVP 0\r\n$/);
      assert.equal(getParam(vias(m)[0]?.params ?? [], 'branch'), undefined);
      assert.equal(tagOf(getHeader(m, 'From') ?? ''), undefined);
      assert.equal(getMaxForwards(m), undefined);
    },
  },
};
