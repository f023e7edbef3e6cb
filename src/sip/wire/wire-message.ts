/**
 * The payload of one drachtio control-channel message (wire protocol §2): a leader of
 * `|`-separated tokens, then optionally CRLF and a SIP message. This file parses what
 * an app sends and builds every message the server sends back (§6.1–§6.3), with the
 * exact token positions drachtio-srf indexes into. Framing (`<len>#`) is wire-framer.ts.
 *
 * There is no escaping on the wire: a token must never contain `|`, CR or LF. The
 * builders trust their callers on that (the values are ids, addresses and numbers the
 * engine produced itself).
 */
import { randomBytes } from 'node:crypto';

const CRLF = '\r\n';

export interface WireMessage {
  /** Token 0: the sender's message id, echoed back as token 2 of our `response`. */
  readonly msgId: string;
  /** Token 1: `authenticate`, `route`, `sip`, `proxy`, … */
  readonly command: string;
  /** Every token of the leader, including 0 and 1; empty and trailing empty tokens kept. */
  readonly tokens: readonly string[];
  /** The text after the first CRLF (a SIP message), if the payload had one. */
  readonly sip?: string;
}

export type WireParseErrorCode = 'NO_COMMAND';

export type WireParseResult =
  | { ok: true; message: WireMessage }
  | { ok: false; code: WireParseErrorCode; error: string; msgId: string };

/**
 * Splits a payload the way drachtio-server does (§2 "Where the leader ends"): the
 * leader ends at the first CRLF, everything after it is SIP text. (srf itself splits at
 * the first CR; for what srf sends the two agree.) Never throws.
 */
export function parseWireMessage(payload: string): WireParseResult {
  const eol = payload.indexOf(CRLF);
  const leader = eol === -1 ? payload : payload.slice(0, eol);
  const tokens = leader.split('|');
  const msgId = tokens[0] ?? '';
  const command = tokens[1];
  if (command === undefined) {
    return { ok: false, code: 'NO_COMMAND', error: 'leader has no command token', msgId };
  }
  const message: WireMessage =
    eol === -1 ? { msgId, command, tokens } : { msgId, command, tokens, sip: payload.slice(eol + 2) };
  return { ok: true, message };
}

// ---------------------------------------------------------------------------------------
// Message ids

/*
 * srf keys its pending-request map by the ids it sends; the ids we send are token 0
 * of server messages and srf never reads them, but they must still be unique per
 * sender (§2). A random 80-bit prefix plus a 48-bit counter, laid out like a UUIDv4
 * (version nibble 4, variant 8–b), is unique and costs one string concat per message.
 */
let idPrefix = '';
let idCounter = 0;
const ID_COUNTER_LIMIT = 2 ** 48;

function renewIdPrefix(): void {
  const hex = randomBytes(10).toString('hex');
  const variant = ((parseInt(hex[12] ?? '0', 16) & 0x3) | 0x8).toString(16);
  idPrefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(16, 19)}-`;
  idCounter = 0;
}

/** A fresh message id shaped like a UUIDv4: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
export function newMsgId(): string {
  if (idPrefix === '' || idCounter >= ID_COUNTER_LIMIT) renewIdPrefix();
  const n = idCounter++;
  return idPrefix + n.toString(16).padStart(12, '0');
}

// ---------------------------------------------------------------------------------------
// Time

const MICROS_PER_DAY = 86_400_000_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `HH:MM:SS.uuuuuu`, UTC time of day (§6.1 "time"). Accepts a Date or epoch
 * milliseconds; fractional milliseconds (e.g. performance.timeOrigin + now()) give
 * real microseconds, a Date gives `…000` micros.
 */
export function wireTime(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const micros = ((Math.floor(ms * 1000) % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
  const secs = Math.floor(micros / 1_000_000);
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}.${frac}`;
}

// ---------------------------------------------------------------------------------------
// Server → app: `response` (§6.1)

/** The UTF-8 size of a SIP message, the `bytes` token of §6.1/§6.2. */
export function sipByteLength(sip: string): number {
  return Buffer.byteLength(sip, 'utf8');
}

function responseLeader(clientMsgId: string, status: string): string {
  return `${newMsgId()}|response|${clientMsgId}|${status}`;
}

/** `OK` plus extra tokens: control replies (`route`), `pong`, authenticate's hostports… */
export function formatOk(clientMsgId: string, tokens: readonly string[] = []): string {
  const head = responseLeader(clientMsgId, 'OK');
  return tokens.length === 0 ? head : `${head}|${tokens.join('|')}`;
}

/** SIP-level failure. srf's `Request#proxy` tests for `NOK` specifically (§6.1 quirk). */
export function formatNok(clientMsgId: string, reason: string): string {
  return `${responseLeader(clientMsgId, 'NOK')}|${reason}`;
}

/** Control-level failure (authenticate, unknown command): the server writes `NO` (§6.1 quirk). */
export function formatNo(clientMsgId: string, reason: string): string {
  return `${responseLeader(clientMsgId, 'NO')}|${reason}`;
}

interface SentMessage {
  clientMsgId: string;
  /** Defaults to the UTF-8 length of `sip`. */
  bytes?: number;
  /** `udp`, `tcp`, `tls`, or empty (some ACK/BYE-response cases, §6.1). */
  proto: string;
  address: string;
  port: number | string;
  /** Already formatted with wireTime(). */
  time: string;
  transactionId: string;
  /** The message exactly as it went on the wire. */
  sip: string;
}

export type RequestSentAck = SentMessage;

export interface ResponseSentAck extends SentMessage {
  /** Empty when the response belongs to no dialog. */
  dialogId: string;
}

/**
 * "Request sent" (§6.1): tokens 3… are `OK|application|bytes|proto|local-address|
 * local-port|time|transactionId|Msg sent:|` — note the trailing empty token.
 */
export function formatRequestSentAck(a: RequestSentAck): string {
  const bytes = a.bytes ?? sipByteLength(a.sip);
  return `${responseLeader(a.clientMsgId, 'OK')}|application|${bytes}|${a.proto}|${a.address}|${a.port}` +
    `|${a.time}|${a.transactionId}|Msg sent:|${CRLF}${a.sip}`;
}

/**
 * "Response sent" (§6.1, trace B.3): `…|transactionId|dialogId||Msg sent:|`. srf takes
 * token 11 as the dialog id (`res.stackDialogId`), so the empty token 12 matters.
 */
export function formatResponseSentAck(a: ResponseSentAck): string {
  const bytes = a.bytes ?? sipByteLength(a.sip);
  return `${responseLeader(a.clientMsgId, 'OK')}|application|${bytes}|${a.proto}|${a.address}|${a.port}` +
    `|${a.time}|${a.transactionId}|${a.dialogId}||Msg sent:|${CRLF}${a.sip}`;
}

export interface ProxyContinue {
  clientMsgId: string;
  bytes?: number;
  proto: string;
  /** The target that answered. */
  address: string;
  port: number | string;
  time: string;
  /** The target's final response as received. */
  sip: string;
}

/**
 * One target's final response during `proxy` (§6.1, trace D): `OK|network|bytes|proto|
 * address|port|time|||continue`. srf keeps its callback alive only while token 12 is
 * exactly `continue`.
 */
export function formatProxyContinue(a: ProxyContinue): string {
  const bytes = a.bytes ?? sipByteLength(a.sip);
  return `${responseLeader(a.clientMsgId, 'OK')}|network|${bytes}|${a.proto}|${a.address}|${a.port}` +
    `|${a.time}|||continue${CRLF}${a.sip}`;
}

/** The end of a `proxy` (§6.1): `OK|done`. */
export function formatProxyDone(clientMsgId: string): string {
  return formatOk(clientMsgId, ['done']);
}

// ---------------------------------------------------------------------------------------
// Server → app: `sip` (§6.2) and CDRs (§6.3)

export interface SipEvent {
  /** `application` only for the server's own "unsolicited" BYE (§7.7). */
  source: 'network' | 'application';
  bytes?: number;
  proto: string;
  /** The peer, after rport/received processing. */
  address: string;
  port: number | string;
  time: string;
  transactionId: string;
  /** Empty for out-of-dialog requests and responses to non-dialog requests. */
  dialogId: string;
  /** Only for new out-of-dialog requests: the listener that received it (tokens 10, 11). */
  receivedOn?: { address: string; port: number | string };
  sip: string;
}

/**
 * `<id>|sip|source|bytes|proto|address|port|time|txn|dialogId|[recvAddr|recvPort|]`.
 * Both shapes end in `|`: srf counts tokens (> 11 → receivedOn, > 12 → sessionToken),
 * so the trailing empty token is part of the format (traces B.1, B.4, C.3).
 */
export function formatSipEvent(e: SipEvent): string {
  const bytes = e.bytes ?? sipByteLength(e.sip);
  const tail = e.receivedOn === undefined ? '|' : `|${e.receivedOn.address}|${e.receivedOn.port}|`;
  return `${newMsgId()}|sip|${e.source}|${bytes}|${e.proto}|${e.address}|${e.port}|${e.time}` +
    `|${e.transactionId}|${e.dialogId}${tail}${CRLF}${e.sip}`;
}

/*
 * The discriminant is the wire verb itself rather than a PascalCase `type`: the same
 * string is what apps `route` and what WireServer.selectApp() is asked for (§3.3:
 * CDRs are round-robined, not broadcast), so callers never need a mapping table.
 */
export type CdrEvent =
  | { verb: 'cdr:attempt'; source: 'network' | 'application'; time: string; sip: string }
  | { verb: 'cdr:start'; source: 'network' | 'application'; time: string; role: CdrRole; sip: string }
  | { verb: 'cdr:stop'; source: 'network' | 'application'; time: string; reason: string; sip: string };

export type CdrRole = 'uac' | 'uas' | 'proxy-uac' | 'proxy-uas';

/** `<id>|cdr:attempt|source|time`, `…|cdr:start|source|time|role`, `…|cdr:stop|source|time|reason` (§6.3). */
export function formatCdr(e: CdrEvent): string {
  const head = `${newMsgId()}|${e.verb}|${e.source}|${e.time}`;
  switch (e.verb) {
    case 'cdr:attempt':
      return `${head}${CRLF}${e.sip}`;
    case 'cdr:start':
      return `${head}|${e.role}${CRLF}${e.sip}`;
    case 'cdr:stop':
      return `${head}|${e.reason}${CRLF}${e.sip}`;
  }
}
