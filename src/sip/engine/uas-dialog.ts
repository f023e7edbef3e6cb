/**
 * How the UAS half builds its dialogs (RFC 3261 §12.1.1): from the request that formed it
 * and our first dialog-forming response, with the flow it arrived on; and the 100rel
 * option tests (RFC 3262 §3) that decide whether a provisional is sent reliably.
 */
import { getHeader, getHeaderValues, parseCSeq, tagOf } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Source } from '../transaction/index.js';
import type { AppConnection } from '../wire/index.js';
import { dialogId } from './dialog.js';
import type { Dialog } from './dialog.js';
import { uriOf } from './uri-of.js';

/** The server record's side of a dialog: the request, where it came from, our To tag. */
export interface UasDialogRequest {
  req: SipRequest;
  src: Source;
  txnId: string;
  app: AppConnection;
  toTag?: string;
}

/** The early dialog our response `res` creates (RFC 3261 §12.1.1); the caller confirms it on a 2xx. */
export function uasDialog(r: UasDialogRequest, res: SipResponse): Dialog {
  const { req, src } = r;
  const callId = getHeader(req, 'call-id') ?? '';
  const fromTag = tagOf(getHeader(req, 'from') ?? '') ?? '';
  const cseq = parseCSeq(getHeader(req, 'cseq') ?? '')?.seq ?? 0;
  return {
    id: dialogId(callId, fromTag),
    role: 'uas',
    method: req.method,
    callId,
    localTag: r.toTag ?? '',
    remoteTag: fromTag,
    localHeader: getHeader(res, 'to') ?? '',
    remoteHeader: getHeader(req, 'from') ?? '',
    remoteTarget: uriOf(getHeader(req, 'contact') ?? ''),
    routeSet: getHeaderValues(req, 'record-route'),
    localContact: getHeader(res, 'contact') ?? '',
    localCseq: NaN,
    remoteCseq: cseq,
    flow: { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort, connectionId: src.connectionId },
    state: 'early',
    owner: r.app,
    inviteTxnId: r.txnId,
    inviteCseq: cseq,
  };
}

const OPTION_100REL = /(^|,)\s*100rel\s*(,|$)/i;

/** The app asks for a reliable provisional (RFC 3262 §3). */
export function requires100rel(m: SipResponse): boolean {
  return OPTION_100REL.test(getHeader(m, 'require') ?? '');
}

/** The caller can take one (Supported or Require: 100rel, RFC 3262 §3). */
export function supports100rel(req: SipRequest): boolean {
  return OPTION_100REL.test(getHeader(req, 'supported') ?? '') || OPTION_100REL.test(getHeader(req, 'require') ?? '');
}
