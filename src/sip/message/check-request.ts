/**
 * The stateless sanity checks a UAS core, registrar or proxy runs on a parsed request
 * before anything else (RFC 3261 §8.2.1-§8.2.2, §16.3), mapped to the response to send.
 * Policy choices for RFC 4475 §3.1.2 are the strict ones ("reasonable to 400").
 */
import type { ParseErrorCode, ParseResult, SipRequest } from './types.js';
import { ACCEPT, reject, type CheckResult } from './check-result.js';
import { isKnownMethod } from './check-method.js';
import { countHeaderLines, getHeader, getHeaderLines } from './headers.js';
import { splitHeaderList } from './split-list.js';
import { hasWsp, isDigits } from './char-classes.js';
import { parseUri } from './uri.js';
import { parseCSeq } from './cseq.js';
import { parseNameAddr } from './name-addr.js';
import { parseVia } from './via.js';

type Step = (req: SipRequest) => CheckResult | undefined;

const SUPPORTED_SCHEMES = new Set(['sip', 'sips', 'tel']);
/** Exactly one line each; Max-Forwards may be absent for RFC 2543 peers (RFC 4475 §3.4.1). */
const SINGLE_HEADERS = ['Call-ID', 'From', 'To', 'CSeq'];

const checkVersion: Step = (req) =>
  req.version.toUpperCase() === 'SIP/2.0' ? undefined : reject(505, 'Version Not Supported');

const checkRequestUri: Step = (req) => {
  // Embedded LWS or <> never belong to a Request-URI (RFC 4475 §3.1.2.7, §3.1.2.8).
  if (req.uri.length === 0 || hasWsp(req.uri)) return reject(400, 'Whitespace in Request-URI');
  if (req.uri.charCodeAt(0) === 0x3c) return reject(400, 'Request-URI must not be enclosed in <>');
  const uri = parseUri(req.uri);
  if (uri === null) return reject(400, 'Malformed Request-URI');
  if (!SUPPORTED_SCHEMES.has(uri.scheme)) return reject(416, 'Unsupported URI Scheme'); // §8.2.2.1
  // Headers are not allowed in a Request-URI (§19.1.1 table 1); never apply them
  // (RFC 4475 §3.1.2.11: that is how Route headers get injected).
  if (uri.headers !== undefined) return reject(400, 'Headers not allowed in Request-URI');
  return undefined;
};

const checkMandatoryHeaders: Step = (req) => {
  for (const name of SINGLE_HEADERS) {
    const n = countHeaderLines(req, name);
    if (n === 0) return reject(400, `Missing ${name} header field`);
    if (n > 1) return reject(400, `Multiple ${name} header fields`); // RFC 4475 §3.3.8
  }
  if (countHeaderLines(req, 'Via') === 0) return reject(400, 'Missing Via header field');
  const callId = getHeader(req, 'Call-ID') ?? '';
  if (callId.length === 0 || hasWsp(callId)) return reject(400, 'Malformed Call-ID header field');
  return undefined;
};

const checkCSeq: Step = (req) => {
  const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '');
  if (cseq === null) return reject(400, 'Malformed CSeq header field');
  if (cseq.method === req.method) return undefined;
  // RFC 4475 §3.1.2.18: for a method we do not know, 501 is the more useful answer.
  return isKnownMethod(req.method)
    ? reject(400, 'CSeq method does not match request method')
    : reject(501, 'Not Implemented');
};

const checkFromTo: Step = (req) => {
  for (const name of ['From', 'To']) {
    if (parseNameAddr(getHeader(req, name) ?? '') === null) return reject(400, `Malformed ${name} header field`);
  }
  return undefined;
};

const checkVias: Step = (req) => {
  for (const line of getHeaderLines(req, 'Via')) {
    for (const v of splitHeaderList(line)) {
      if (parseVia(v) === null) return reject(400, 'Malformed Via header field');
    }
  }
  return undefined;
};

const checkContacts: Step = (req) => {
  for (const line of getHeaderLines(req, 'Contact')) {
    for (const v of splitHeaderList(line)) {
      // `*` is only meaningful in REGISTER (§10.2.2); checkRegister polices its use.
      if (v === '*' && req.method === 'REGISTER') continue;
      if (parseNameAddr(v) === null) return reject(400, 'Malformed Contact header field');
    }
  }
  return undefined;
};

const checkMaxForwardsSyntax: Step = (req) => {
  const lines = getHeaderLines(req, 'Max-Forwards');
  if (lines.length > 1) return reject(400, 'Multiple Max-Forwards header fields');
  // A value above 255 is tolerated (treated as absent, RFC 4475 §3.1.2.4).
  if (lines.length === 1 && !isDigits(lines[0] ?? '')) return reject(400, 'Malformed Max-Forwards header field');
  return undefined;
};

const STEPS: Step[] = [
  checkVersion,
  checkRequestUri,
  checkMandatoryHeaders,
  checkCSeq,
  checkFromTo,
  checkVias,
  checkContacts,
  checkMaxForwardsSyntax,
];

export function checkRequest(req: SipRequest): CheckResult {
  for (const step of STEPS) {
    const result = step(req);
    if (result !== undefined) return result;
  }
  return ACCEPT;
}

const UNPARSABLE_REASONS: Partial<Record<ParseErrorCode, string>> = {
  BAD_START_LINE: 'Malformed Request-Line',
  BAD_HEADER: 'Malformed Header Field',
  BAD_CONTENT_LENGTH: 'Malformed Content-Length',
  TRUNCATED_BODY: 'Content-Length Larger Than Message',
};

/**
 * The answer to a request that failed to parse but whose start line and headers
 * could be read (`partial`): 505 for a version that is not SIP/x.y, else 400 with a
 * fixed reason (never echoing peer bytes). Undefined when there is nobody to answer:
 * no partial, or a partial response. On a stream, a framing error (BAD_CONTENT_LENGTH,
 * TRUNCATED_BODY) also means the connection cannot continue (RFC 4475 §3.1.2.2-3).
 */
export function rejectUnparsable(result: Extract<ParseResult, { ok: false }>): CheckResult | undefined {
  if (result.partial?.type !== 'request') return undefined;
  if (result.code === 'BAD_VERSION') return reject(505, 'Version Not Supported');
  return reject(400, UNPARSABLE_REASONS[result.code] ?? 'Bad Request');
}
