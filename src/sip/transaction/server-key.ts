/**
 * Keys of the server transaction map (RFC 3261 §17.2.3).
 *
 * With an RFC 3261 branch the key is branch + sent-by + method, where ACK counts as
 * INVITE (it belongs to the INVITE transaction) and CANCEL stays CANCEL (its own
 * transaction, §9.2). Without one (RFC 2543 peers, or RFC 4475 "badbranch") the key is
 * built from the RFC 2543 matching fields: Request-URI, To tag, From tag, Call-ID, CSeq
 * number and top Via, plus the method mapped the same way.
 */
import { getHeader, ownString } from '../message/index.js';
import type { CSeq, SipRequest } from '../message/index.js';
import { isRfc3261Branch } from './branch.js';
import { headerTag, sentByOf } from './message-fields.js';
import type { TopVia } from './message-fields.js';

// A separator that cannot appear in a header value, so no two field lists collide.
const SEP = '\n';

/**
 * @param method the transaction's method: 'INVITE' for an ACK, or for the INVITE a CANCEL targets.
 * @param toTag RFC 2543 only: the To tag to match; defaults to the request's own.
 */
export function serverKey(req: SipRequest, top: TopVia, cseq: CSeq, method: string, toTag?: string): string {
  if (isRfc3261Branch(top.branch)) return top.branch + SEP + sentByOf(top.via) + SEP + method;
  return rfc2543Key(req, top, cseq, method, toTag ?? headerTag(req, 'to'));
}

/**
 * A key the layer stores (a new transaction's): a string of its own, not a cons of slices
 * that would keep the request's whole text alive for the transaction's 32 s (see kept.ts).
 * Lookups use serverKey's result as it is: it is dropped right away.
 */
export function storedKey(key: string): string {
  return ownString(key);
}

export function usesRfc2543Matching(top: TopVia): boolean {
  return !isRfc3261Branch(top.branch);
}

/** A stored key built by RFC 2543 matching (an RFC 3261 key starts with its z9hG4bK branch). */
export function isRfc2543Key(key: string): boolean {
  return key.startsWith(RFC2543_PREFIX);
}

const RFC2543_PREFIX = '2543' + SEP;

function rfc2543Key(req: SipRequest, top: TopVia, cseq: CSeq, method: string, toTag: string): string {
  return [
    '2543',
    method,
    req.uri,
    toTag,
    headerTag(req, 'from'),
    getHeader(req, 'call-id') ?? '',
    String(cseq.seq),
    top.raw,
  ].join(SEP);
}

/** RFC 3261 §17.1.3: a response matches the client transaction with its branch and CSeq method. */
export function clientKey(branch: string, method: string): string {
  return branch + SEP + method;
}
