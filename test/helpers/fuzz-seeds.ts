/**
 * Valid SIP messages for the fuzzer to start from (written for this project): requests
 * the engine routes to an app, requests it answers itself, and stray responses. Every
 * draft gets a fresh Call-ID, tag and branch, so each mutant is a new transaction rather
 * than a retransmission of the previous one.
 */
import type { Xorshift32 } from './xorshift32.js';

/** A message as lines (start line first, no CRLF) and a body. */
export interface SipDraft {
  kind: SeedKind;
  /** The Call-ID the draft was written with (mutations may change it on the wire). */
  callId: string;
  lines: string[];
  body: Buffer;
}

export interface SeedAddressing {
  /** 'UDP' or 'TCP', as it appears in Via. */
  transport: 'UDP' | 'TCP';
  /** The port our Via and Contact name. */
  localPort: number;
  /** The engine's SIP port for this transport. */
  enginePort: number;
}

export const SEED_KINDS = [
  'INVITE', 'REGISTER', 'OPTIONS', 'BYE', 'MESSAGE', 'CANCEL', '180-INVITE', '200-INVITE', '486-INVITE', '200-BYE',
] as const;
export type SeedKind = (typeof SEED_KINDS)[number];

const SDP = [
  'v=0', 'o=fuzz 2890844526 2890844526 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', '',
].join('\r\n');

interface Ids {
  branch: string;
  callId: string;
  fromTag: string;
  toTag: string;
  cseq: number;
}

export function seedDraft(kind: SeedKind, rng: Xorshift32, a: SeedAddressing): SipDraft {
  const ids: Ids = {
    branch: `z9hG4bK-${rng.token(12)}`, callId: `${rng.token(16)}@127.0.0.1`,
    fromTag: rng.token(8), toTag: rng.token(8), cseq: rng.between(1, 9999),
  };
  const [method, status] = kind.includes('-') ? [kind.split('-')[1] as string, Number(kind.split('-')[0])] : [kind, 0];
  const body = bodyOf(kind);
  const lines = status > 0 ? responseLines(method, status, ids, a) : requestLines(method, ids, a);
  if (body.length > 0) lines.push(`Content-Type: ${kind === 'MESSAGE' ? 'text/plain' : 'application/sdp'}`);
  lines.push(`Content-Length: ${body.length}`);
  return { kind, callId: ids.callId, lines, body };
}

function bodyOf(kind: SeedKind): Buffer {
  if (kind === 'INVITE' || kind === '200-INVITE') return Buffer.from(SDP, 'latin1');
  if (kind === 'MESSAGE') return Buffer.from('hello from the fuzzer ☎', 'utf8');
  return Buffer.alloc(0);
}

function requestLines(method: string, ids: Ids, a: SeedAddressing): string[] {
  const engine = `127.0.0.1:${a.enginePort}`;
  const me = `127.0.0.1:${a.localPort}`;
  const ruri = method === 'REGISTER' ? `sip:${engine}` : `sip:service@${engine}`;
  const user = method === 'REGISTER' ? 'alice' : 'service';
  const toTag = method === 'BYE' ? `;tag=${ids.toTag}` : '';
  const lines = [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/${a.transport} ${me};branch=${ids.branch};rport`,
    'Max-Forwards: 70',
    `From: "Fuzz Tester" <sip:alice@${me}>;tag=${ids.fromTag}`,
    `To: <sip:${user}@${engine}>${toTag}`,
    `Call-ID: ${ids.callId}`,
    `CSeq: ${ids.cseq} ${method}`,
  ];
  if (method === 'INVITE' || method === 'REGISTER') {
    lines.push(`Contact: <sip:alice@${me};transport=${a.transport.toLowerCase()}>;expires=3600`);
  }
  if (method === 'INVITE') lines.push('Allow: INVITE, ACK, CANCEL, BYE, OPTIONS', 'Supported: timer, 100rel', 'Subject: fuzz "call"');
  if (method === 'REGISTER') {
    lines.push('Expires: 3600', `Authorization: Digest username="alice", realm="127.0.0.1", nonce="4f3a9c", uri="sip:${engine}", response="0123456789abcdef0123456789abcdef", algorithm=MD5`);
  }
  if (method === 'OPTIONS') lines.push('Accept: application/sdp', `Route: <sip:${engine};lr>`);
  lines.push('User-Agent: linegate-fuzzer/1.0');
  return lines;
}

function responseLines(method: string, status: number, ids: Ids, a: SeedAddressing): string[] {
  const engine = `127.0.0.1:${a.enginePort}`;
  const reason: Record<number, string> = { 180: 'Ringing', 200: 'OK', 486: 'Busy Here' };
  const lines = [
    `SIP/2.0 ${status} ${reason[status] ?? 'Whatever'}`,
    `Via: SIP/2.0/${a.transport} ${engine};branch=${ids.branch};received=127.0.0.1`,
    `From: <sip:service@${engine}>;tag=${ids.fromTag}`,
    `To: "Fuzz Tester" <sip:alice@127.0.0.1:${a.localPort}>;tag=${ids.toTag}`,
    `Call-ID: ${ids.callId}`,
    `CSeq: ${ids.cseq} ${method}`,
  ];
  if (method === 'INVITE' && status < 300) lines.push(`Contact: <sip:alice@127.0.0.1:${a.localPort}>`, 'Record-Route: <sip:proxy.invalid;lr>');
  lines.push('Server: linegate-fuzzer/1.0');
  return lines;
}

/** The bytes of a draft: lines joined by CRLF, an empty line, the body. */
export function draftBytes(d: SipDraft): Buffer {
  return Buffer.concat([Buffer.from(`${d.lines.join('\r\n')}\r\n\r\n`, 'utf8'), d.body]);
}

export interface PlainOptionsSpec extends SeedAddressing {
  callId: string;
  userAgent?: string;
}

/** A minimal valid OPTIONS out of dialog, for probes and for the edge tests. */
export function plainOptions(s: PlainOptionsSpec): Buffer {
  const engine = `127.0.0.1:${s.enginePort}`;
  return Buffer.from([
    `OPTIONS sip:service@${engine} SIP/2.0`,
    `Via: SIP/2.0/${s.transport} 127.0.0.1:${s.localPort};branch=z9hG4bK-${s.callId};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1:${s.localPort}>;tag=t-${s.callId}`,
    `To: <sip:service@${engine}>`,
    `Call-ID: ${s.callId}`,
    'CSeq: 1 OPTIONS',
    ...(s.userAgent ? [`User-Agent: ${s.userAgent}`] : []),
    'Content-Length: 0', '', '',
  ].join('\r\n'), 'latin1');
}
