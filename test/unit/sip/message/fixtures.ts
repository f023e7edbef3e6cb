import assert from 'node:assert/strict';
import { parseMessage, type ParseOptions, type SipMessage, type SipRequest, type SipResponse } from '../../../../src/sip/message/index.js';

/** Text with `\n` line ends → wire bytes with CRLF (the body, if any, is given separately). */
export function wire(text: string, body = ''): Buffer {
  return Buffer.from(text.replace(/\n/g, '\r\n') + body, 'utf8');
}

export function parseOk(buf: Buffer, opts?: ParseOptions): SipMessage {
  const r = parseMessage(buf, opts);
  if (!r.ok) assert.fail(`expected a parse, got ${r.code}: ${r.error}`);
  return r.message;
}

export function parseRequest(text: string, body = '', opts?: ParseOptions): SipRequest {
  const m = parseOk(wire(text, body), opts);
  assert.equal(m.type, 'request');
  return m as SipRequest;
}

export function parseResponse(text: string, body = '', opts?: ParseOptions): SipResponse {
  const m = parseOk(wire(text, body), opts);
  assert.equal(m.type, 'response');
  return m as SipResponse;
}

/** A well-formed OPTIONS; `extra` lines are inserted before Content-Length. */
export function options(extra = '', overrides: { method?: string; uri?: string; cseq?: string } = {}): string {
  const method = overrides.method ?? 'OPTIONS';
  return (
    `${method} ${overrides.uri ?? 'sip:bob@example.com'} SIP/2.0\n` +
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\n' +
    'Max-Forwards: 70\n' +
    'To: Bob <sip:bob@example.com>\n' +
    'From: Alice <sip:alice@example.com>;tag=1928301774\n' +
    'Call-ID: a84b4c76e66710@pc33.example.com\n' +
    `CSeq: ${overrides.cseq ?? `314159 ${method}`}\n` +
    extra +
    'Content-Length: 0\n\n'
  );
}

/** A typical ~800-byte INVITE with an SDP body and a correct Content-Length. */
export function typicalInvite(): Buffer {
  const sdp =
    'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\n' +
    't=0 0\r\nm=audio 49172 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n' +
    'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n';
  const head =
    'INVITE sip:bob@biloxi.example.com SIP/2.0\n' +
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\n' +
    'Max-Forwards: 70\n' +
    'To: Bob <sip:bob@biloxi.example.com>\n' +
    'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\n' +
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n' +
    'CSeq: 314159 INVITE\n' +
    'Contact: <sip:alice@pc33.atlanta.example.com;transport=udp>\n' +
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\n' +
    'Supported: replaces, timer, 100rel\n' +
    'User-Agent: linegate-bench/1.0\n' +
    'Content-Type: application/sdp\n' +
    `Content-Length: ${Buffer.byteLength(sdp)}\n\n`;
  return wire(head, sdp);
}
