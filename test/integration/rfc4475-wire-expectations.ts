/**
 * What the RUNNING engine must put on the wire for each RFC 4475 torture message, one row
 * per file of /work/shared/corpora/rfc4475, each citing the manifest's expected_handling.
 * Used by rfc4475-wire.test.ts. The engine plays drachtio-server: a UAS front end whose
 * application-level answers (registrar, UAS: 420, 415, 401, 406, …) come from the srf app,
 * so for those rows the app (rfc4475-wire-app.ts) is told to give the manifest's answer
 * and the test checks the engine delivered the request intact and relayed that answer.
 *
 * Transport per row: TCP unless the message needs datagram semantics (dblreq, inv2543,
 * the UDP half of clerr/ncl/mcl01) — over TCP the answer comes back on the connection
 * whatever the Via says (RFC 3261 §18.2.2). UDP requests are sent from 127.0.0.1 on the
 * Via's sent-by port (5060 for all of them); if that port is busy the top Via's sent-by
 * port is rewritten to the peer's (see rfc4475-wire-peer.ts), and the test says so.
 * Responses are sent over UDP from any port: nothing may come back.
 */
import assert from 'node:assert/strict';
import { parseVia } from '../../src/sip/message/index.js';
import type { AppAnswer, SeenRequest } from './rfc4475-wire-app.js';
import { header, headerValues, responseOf, type Heard } from './rfc4475-wire-peer.js';

export type Over = 'tcp' | 'udp';

/** The engine answers the request itself with `status`; the app never sees it. */
export interface Refused {
  type: 'Refused';
  over: Over;
  status: number;
  verify?: (response: Heard) => void;
}

/** What a ToApp row's `verify` gets: the request as srf saw it and every message heard back. */
export interface Delivered {
  seen: SeenRequest;
  heard: Heard[];
  final: Heard;
}

/** The request reaches the app with these values; the engine relays the app's answer. */
export interface ToApp {
  type: 'ToApp';
  over: Over;
  method: string;
  uri: string;
  /** Header values as srf's req.get() returns them (undefined: srf must not have the header). */
  headers?: Record<string, string | undefined>;
  /** The app's answer; default: 200 (INVITE via createUAS, with an SDP). */
  answer?: AppAnswer;
  /** Distinct statuses heard back, ascending. */
  heard: number[];
  verify?: (d: Delivered) => void;
}

/** A response: nothing is sent anywhere and no app hears of it. */
export interface Absorbed {
  type: 'Absorbed';
  /** true: it parses (counted in responsesIn) and is dropped later; false: a parse error. */
  parses: boolean;
}

/** A request with broken framing: answered over UDP, connection closed over TCP. */
export interface Unframable {
  type: 'Unframable';
  udpStatus: number;
  /** 'closed': at once (a framing error); 'closed-when-idle': after waiting for more data. */
  tcp: 'closed' | 'closed-when-idle';
}

export type WireExpectation = Refused | ToApp | Absorbed | Unframable;

/** The `it` title's outcome part. */
export function outcomeTitle(w: WireExpectation): string {
  switch (w.type) {
    case 'Refused':
      return `refused by the engine with ${w.status} (over ${w.over.toUpperCase()}), app never sees it`;
    case 'ToApp':
      return `reaches the app as ${w.method}, its ${w.answer?.status ?? 200} is relayed (over ${w.over.toUpperCase()})`;
    case 'Absorbed':
      return w.parses ? 'response parsed and absorbed: nothing sent, no app told' : 'response dropped as unparsable: nothing sent';
    case 'Unframable':
      return `${w.udpStatus} over UDP; over TCP the connection is closed${w.tcp === 'closed' ? ' at once' : ' when no more data comes'}`;
  }
}

const refused = (status: number, verify?: (r: Heard) => void): Refused => ({ type: 'Refused', over: 'tcp', status, ...(verify ? { verify } : {}) });
const inviteToApp = (uri: string, more: Partial<ToApp> = {}): ToApp => ({ type: 'ToApp', over: 'tcp', method: 'INVITE', uri, heard: [100, 200], ...more });
const toApp = (method: string, uri: string, more: Partial<ToApp> = {}): ToApp => ({ type: 'ToApp', over: 'tcp', method, uri, heard: [200], ...more });

const res = (h: Heard) => {
  const r = responseOf(h);
  assert.ok(r, `a SIP response: ${h.raw.toString('latin1').slice(0, 80)}`);
  return r;
};
/** The sent-by hosts of the Vias the engine echoed, top first. */
const viaHosts = (h: Heard): string[] => headerValues(res(h), 'Via').map((v) => parseVia(v)?.host ?? `unparsable Via: ${v}`);
const relayedHeader = (h: Heard, name: string): string | undefined => header(res(h), name);
const SDP_OFFER_START = 'v=0\r\no=mhandley 29739 7272939 IN IP4 ';
/** A registrar's 200 lists the binding it stored (RFC 3261 §10.3 step 8). */
const bound = (contact: string): AppAnswer => ({ status: 200, headers: { Contact: `${contact};expires=3600` } });

export const WIRE_EXPECTED: Record<string, WireExpectation> = {
  // MUST parse as well-formed (folding, LWS around ':' ';' '/', …). Process normally. — It carries a To tag
  // matching no dialog: processing it normally is 481 (RFC 3261 §12.2.2), as drachtio-server does.
  'wsinv.dat': refused(481, (r) => {
    assert.match(relayedHeader(r, 'To') ?? '', /tag\s*=\s*1918181833n$/);
    assert.deepEqual(viaHosts(r), ['192.0.2.2', 'spindle.example.com', '192.168.255.111']);
  }),
  // MUST parse: unknown method… As UAS: 501 Not Implemented / 405 for the unknown method, never a crash.
  'intmeth.dat': refused(501),
  // MUST parse. R-URI user unescapes to 'sips:user@example.com'; From user 'I have spaces'; Contact has lr and name=value%41.
  'esc01.dat': inviteToApp('sip:sips%3Auser%40example.com@example.net', {
    headers: {
      From: '<sip:I%20have%20spaces@example.net>;tag=938', To: 'sip:%75se%72@example.com',
      Contact: '<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>', 'Max-Forwards': '87',
    },
  }),
  // MUST parse. REGISTER with %00 in AOR/contacts: do not truncate at NUL when unescaping; registers two distinct contacts.
  'escnull.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { To: 'sip:null-%00-null@example.com', Contact: '<sip:%00@host5.example.com>,<sip:%00%00@host5.example.com>' },
    verify: ({ seen }) => assert.match(seen.raw, /\r\nContact: <sip:%00@host5\.example\.com>\r\nContact: <sip:%00%00@host5\.example\.com>\r\n/),
  }),
  // MUST parse. Method 'RE%47IST%45R' is an unknown method (NOT REGISTER)… — so the UAS answers 501.
  'esc02.dat': refused(501),
  // MUST parse (From: caller<sip:...>).
  'lwsdisp.dat': toApp('OPTIONS', 'sip:user@example.com', { headers: { From: 'caller<sip:caller@example.com>;tag=323' } }),
  // MUST parse: very long display name/params/branch, 34 Via values mixing Via/v/case variants. Any length cap must not reject this message.
  'longreq.dat': inviteToApp('sip:user@example.com', {
    verify: ({ seen, final }) => {
      assert.match(seen.header('To') ?? '', /^"I have a user name of (extreme){10} proportion"<sip:user@example\.com:6000;/);
      assert.match(seen.header('From') ?? '', /;tag=1(298){50}2424;/);
      assert.equal(viaHosts(final).length, 34, 'all 34 Via values echoed in the 200');
      assert.equal(viaHosts(final)[0], 'sip33.example.com');
    },
  }),
  // Process the REGISTER (Content-Length: 0) and IGNORE the trailing INVITE octets (RFC 3261 s18.3).
  // Sent over UDP from 127.0.0.1:5060, the Via's sent-by port (its top Via port is rewritten only if 5060 is busy).
  'dblreq.dat': toApp('REGISTER', 'sip:example.com', {
    over: 'udp',
    headers: { Contact: 'sip:j.user@host.example.com' },
    verify: ({ seen }) => assert.doesNotMatch(seen.raw, /INVITE sip:joe/, 'the trailing INVITE is not part of the REGISTER'),
  }),
  // MUST parse; R-URI user part is 'user;par=u@example.net'.
  'semiuri.dat': toApp('OPTIONS', 'sip:user;par=u%40example.net@example.com', {
    headers: { Accept: 'application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag' },
  }),
  // MUST parse Via values with UDP/SCTP/TLS/UNKNOWN/TCP transports and an unknown transport token.
  'transports.dat': toApp('OPTIONS', 'sip:user@example.com', {
    verify: ({ final }) => {
      const transports = headerValues(res(final), 'Via').map((v) => parseVia(v)?.transport);
      assert.deepEqual(transports, ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP'], 'the 200 echoes every Via');
    },
  }),
  // MUST parse: MESSAGE with multipart/mixed body incl. binary part with bare LF/NUL octets; framing by Content-Length only.
  'mpart01.dat': toApp('MESSAGE', 'sip:kumiko@example.org', {
    headers: { 'Content-Type': 'multipart/mixed;boundary=7a9cbec02ceef655', Route: '<sip:127.0.0.1:5080>' },
    verify: ({ seen }) => {
      assert.match(seen.raw, /\r\nContent-Length: 553\r\n/);
      assert.ok(seen.body.startsWith('--7a9cbec02ceef655\r\nContent-Type: text/plain\r\n'), 'first part');
      assert.ok(seen.body.endsWith('\r\n--7a9cbec02ceef655--\r\n'), 'the closing boundary: the body was not cut at a NUL or bare LF');
    },
  }),
  // MUST parse 200 response whose reason phrase is arbitrary UTF-8 text. — Matches no transaction: absorbed (§18.1.2).
  'unreason.dat': { type: 'Absorbed', parses: true },
  // MUST parse response 'SIP/2.0 100 ' with empty reason phrase. — Matches no transaction: absorbed.
  'noreason.dat': { type: 'Absorbed', parses: true },
  // Respond 400 Bad Request (Via has ';;,;,,' and Contact ';;;;'). Must not crash.
  'badinv01.dat': refused(400),
  // UDP: 400 Bad Request. Stream transport: wait for more data, close connection if none arrives in a reasonable time.
  // Sent over UDP from 127.0.0.1:5060, the Via's sent-by port (its top Via port is rewritten only if 5060 is busy).
  // The TCP half runs on a second engine with tcpIdleTimeoutMs 800: the default 60 s is the same wait, only longer.
  'clerr.dat': { type: 'Unframable', udpStatus: 400, tcp: 'closed-when-idle' },
  // Error response / discard rest of datagram (UDP); on TCP the framing error is unrecoverable: close the connection.
  // Sent over UDP from 127.0.0.1:5060, the Via's sent-by port (its top Via port is rewritten only if 5060 is busy).
  'ncl.dat': { type: 'Unframable', udpStatus: 400, tcp: 'closed' },
  // 400 Bad Request (CSeq > 2^32-1).
  'scalar02.dat': refused(400),
  // Response: silently discard (CSeq > 2^32-1, huge Retry-After, 4-digit warn-code).
  'scalarlg.dat': { type: 'Absorbed', parses: true },
  // Should return 400 Bad Request; a liberal element may infer the closing quote (carefully).
  'quotbal.dat': refused(400),
  // Reasonable to always 400; liberal elements may strip the brackets but must never forward them.
  'ltgtruri.dat': refused(400),
  // Should 400; may ignore embedded LWS only for schemes where unambiguous (sip).
  'lwsruri.dat': refused(400),
  // Acceptable to reject as malformed (400); liberal element may ignore the extra SP but must not forward them.
  'lwsstart.dat': refused(400),
  // Acceptable to reject (400); liberal element may ignore trailing SP but must not forward them.
  'trws.dat': refused(400),
  // Acceptable to 400; … a proxy must never put them in the forwarded R-URI nor turn them into real headers.
  'escruri.dat': refused(400),
  // Date uses EST (only GMT legal). Reject only if Date is needed; otherwise ignore the value.
  'baddate.dat': inviteToApp('sip:user@example.com', { headers: { Date: 'Fri, 01 Jan 2010 16:00:00 EST' } }),
  // REGISTER Contact URI with escaped header but no <>: reasonable to 400.
  'regbadct.dat': refused(400),
  // Parser must not break; reasonable to always 400; liberal elements may ignore the spaces.
  'badaspec.dat': refused(400),
  // Reasonable to 400 (unquoted display names with ','); a liberal proxy must not propagate the error.
  'baddn.dat': refused(400),
  // Respond 505 Version Not Supported (SIP/7.0).
  'badvers.dat': refused(505),
  // Respond 400 Bad Request (OPTIONS vs CSeq INVITE).
  'mismatch01.dat': refused(400),
  // Respond 501 Not Implemented (400 also acceptable; 501 preferred).
  'mismatch02.dat': refused(501),
  // Response code 4294967301 (>699, overflows uint32): drop the response; must not wrap to a valid code.
  'bigcode.dat': { type: 'Absorbed', parses: false },
  // branch=z9hG4bK with nothing after the magic cookie: must not break; either 400 or fall back to RFC 2543
  // matching. — The engine falls back: the OPTIONS is processed.
  'badbranch.dat': toApp('OPTIONS', 'sip:user@example.com', { headers: { Via: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK;received=127.0.0.1' } }),
  // INVITE without Call-ID, From, To or Max-Forwards: must not break; respond 400 Bad Request.
  'insuf.dat': refused(400),
  // Must parse; respond 416 Unsupported URI Scheme.
  'unkscm.dat': refused(416),
  // Must parse (soap.beep: R-URI); 416 if scheme never acceptable, else 404.
  'novelsc.dat': refused(416),
  // Must parse (isbn:/http:/name: URIs in To/From/Contact). Registrar: 400 (AOR must be SIP/SIPS).
  'unksm2.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { To: 'isbn:2983792873', From: '<http://www.example.com>;tag=3234233', Contact: '<name:John_Smith>' },
    answer: { status: 400 }, heard: [400],
  }),
  // 420 Bad Extension with Unsupported listing the unknown option tags (UAS: Require tags).
  'bext01.dat': toApp('OPTIONS', 'sip:user@example.com', {
    headers: { Require: 'nothingSupportsThis, nothingSupportsThisEither', 'Proxy-Require': 'noProxiesSupportThis, norDoAnyProxiesSupportThis' },
    answer: { status: 420, headers: { Unsupported: 'nothingSupportsThis, nothingSupportsThisEither' } }, heard: [420],
  }),
  // Must parse; UAS responds 415 Unsupported Media Type (with Accept).
  'invut.dat': inviteToApp('sip:user@example.com', {
    headers: { 'Content-Type': 'application/unknownformat' },
    answer: { status: 415, headers: { Accept: 'application/sdp' } }, heard: [100, 415],
    verify: ({ seen }) => assert.equal(seen.body, '<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n'),
  }),
  // Must parse; registrar that authenticates replies 401 with a Digest challenge it understands.
  'regaut01.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { Authorization: 'NoOneKnowsThisScheme opaque-data=here' },
    answer: { status: 401, headers: { 'WWW-Authenticate': 'Digest realm="example.com", nonce="rfc4475wire", algorithm=MD5, qop="auth"' } },
    heard: [401],
  }),
  // Two each of To, From, Call-ID and CSeq: must not break; respond 400 Bad Request.
  'multi01.dat': refused(400),
  // Should respond with an error; UDP: discard remainder; TCP: unrecoverable framing error, close connection.
  // Sent over UDP from 127.0.0.1:5060, the Via's sent-by port (its top Via port is rewritten only if 5060 is busy).
  'mcl01.dat': { type: 'Unframable', udpStatus: 400, tcp: 'closed' },
  // Must parse; endpoint discards; proxy/B2BUA must DROP (never send to 255.255.255.255).
  'bcast.dat': { type: 'Absorbed', parses: true },
  // Legal request; proxy must not forward -> 483 Too Many Hops; endpoint processes OPTIONS normally.
  'zeromf.dat': toApp('OPTIONS', 'sip:user@example.com', { headers: { 'Max-Forwards': '0' } }),
  // REGISTER succeeds; ';unknownparam' (no <>) is a contact-param, NOT a URI param, in the 200 and later fetches.
  'cparam01.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { Contact: 'sip:+19725552222@gw1.example.net;unknownparam' },
    answer: bound('<sip:+19725552222@gw1.example.net>;unknownparam'),
  }),
  // REGISTER succeeds; ';unknownparam' inside <> IS a URI param and must be kept in the binding.
  'cparam02.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { Contact: '<sip:+19725552222@gw1.example.net;unknownparam>' },
    answer: bound('<sip:+19725552222@gw1.example.net;unknownparam>'),
  }),
  // REGISTER succeeds; binding keeps the escaped Route header inside the Contact URI (do not apply it).
  'regescrt.dat': toApp('REGISTER', 'sip:example.com', {
    headers: { Contact: '<sip:user@example.com?Route=%3Csip:sip.example.com%3E>', Route: undefined },
    answer: bound('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>'),
  }),
  // Accept: text/nobodyknowsthis excludes SDP: respond 406 Not Acceptable (or other error); never answer with an SDP body.
  'sdp01.dat': inviteToApp('sip:user@example.com', {
    headers: { Accept: 'text/nobodyKnowsThis' },
    answer: { status: 406, headers: { Accept: 'application/sdp' } }, heard: [100, 406],
    verify: ({ final }) => {
      assert.equal(res(final).body.length, 0, 'no SDP body in the 406');
      assert.equal(relayedHeader(final, 'Content-Type'), undefined);
    },
  }),
  // Accept for backward compatibility: no Via branch, no From tag, no Content-Length (body = rest of UDP datagram), no Max-Forwards.
  // The app answers with a plain 200 + SDP: srf's createUAS refuses a request without Contact.
  // Sent over UDP from 127.0.0.1:5060, the Via's sent-by port (its top Via port is rewritten only if 5060 is busy).
  'inv2543.dat': inviteToApp('sip:UserB@example.com', {
    over: 'udp',
    headers: { 'Max-Forwards': undefined, 'Content-Length': undefined, From: '<sip:+13035551111@ift.client.example.net;user=phone>' },
    answer: { status: 200, headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\no=rfc4475-wire-app 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40004 RTP/AVP 0\r\n' },
    verify: ({ seen, final }) => {
      assert.ok(seen.body.startsWith(SDP_OFFER_START) && seen.body.endsWith('m=audio 49217 RTP/AVP 0\r\n'), 'body = the rest of the datagram');
      assert.equal(relayedHeader(final, 'Record-Route'), '<sip:UserB@example.com;maddr=ss1.example.com>', 'Record-Route copied into the 200 (RFC 3261 §12.1.1)');
    },
  }),
};
