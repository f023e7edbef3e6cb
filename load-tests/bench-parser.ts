/**
 * Micro-benchmark of the SIP message layer on a typical ~800-byte INVITE.
 *   node --import tsx load-tests/bench-parser.ts [iterations]
 * Prints messages per second for parse, serialize and checkRequest. Results are for
 * the record (architecture §4: timings are never asserted in unit tests).
 */
import { checkRequest, parseMessage, serializeMessage, type SipMessage } from '../src/sip/message/index.js';

const SDP =
  'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\n' +
  'm=audio 49172 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n';

const INVITE = Buffer.from(
  [
    'INVITE sip:+15551230001@gw.biloxi.example.com;user=phone SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport',
    'Max-Forwards: 70',
    'To: <sip:+15551230001@biloxi.example.com;user=phone>',
    'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@192.0.2.101:5060;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY',
    'Supported: replaces, timer, 100rel',
    'Session-Expires: 1800;refresher=uac',
    'User-Agent: linegate-bench/1.0',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
    '',
    SDP,
  ].join('\r\n'),
);

function bench(name: string, iterations: number, fn: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 20000); i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = iterations / seconds;
  console.log(`${name.padEnd(12)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} msgs/s  ${((seconds / iterations) * 1e6).toFixed(2)} µs/msg`);
}

const iterations = Number(process.argv[2] ?? 200000);
const parsed = parseMessage(INVITE, { datagram: true });
if (!parsed.ok) throw new Error(`benchmark message does not parse: ${parsed.error}`);
const message: SipMessage = parsed.message;
if (message.type !== 'request') throw new Error('benchmark message is not a request');

console.log(`typical INVITE: ${INVITE.length} bytes, ${message.headers.length} headers, ${iterations} iterations`);
bench('parse', iterations, () => parseMessage(INVITE, { datagram: true }));
bench('serialize', iterations, () => serializeMessage(message));
bench('checkRequest', iterations, () => checkRequest(message));
