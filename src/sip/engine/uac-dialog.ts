/**
 * How the UAC half builds its dialogs (RFC 3261 §12.1.2): from what the forming request
 * said (its DialogOrigin, kept past the final response) and the response that created the
 * dialog. Kept apart from uac.ts so that the request/response flow reads on its own.
 */
import { getHeader, getHeaderValues, ownString, parseCSeq } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Source } from '../transaction/index.js';
import type { AppConnection } from '../wire/index.js';
import type { Dialog } from './dialog.js';
import { uriOf } from './uri-of.js';

/** What a UAC dialog takes from the request that formed it. */
export interface DialogOrigin {
  callId: string;
  localHeader: string;
  localTag: string;
  localContact: string;
  cseq: number;
  uri: string;
}

/** The forming request's side of a dialog: its id, method, transaction and owner. */
export interface UacDialogRequest {
  dlgId: string;
  method: string;
  txnId: string;
  app?: AppConnection;
  origin?: DialogOrigin;
}

/**
 * The request fields a UAC dialog is built from, copied into strings of their own: a value
 * read off a parsed message may be a slice that keeps the whole message text alive, and
 * the origin outlives the request by the 32 s of the Accepted state (RFC 6026 §7.2).
 */
export function dialogOrigin(req: SipRequest, fromTag: string): DialogOrigin {
  return {
    callId: ownString(getHeader(req, 'call-id') ?? ''),
    localHeader: ownString(getHeader(req, 'from') ?? ''),
    localTag: ownString(fromTag),
    localContact: ownString(getHeader(req, 'contact') ?? ''),
    cseq: parseCSeq(getHeader(req, 'cseq') ?? '')?.seq ?? 1,
    uri: ownString(req.uri),
  };
}

/** The dialog a 2xx or reliable 1xx with To tag `toTag` creates (RFC 3261 §12.1.2). */
export function uacDialog(r: UacDialogRequest, res: SipResponse, toTag: string, src: Source): Dialog {
  const o = r.origin ?? { callId: '', localHeader: '', localTag: '', localContact: '', cseq: 1, uri: '' };
  return {
    id: r.dlgId, role: 'uac', method: r.method, callId: o.callId,
    localTag: o.localTag, remoteTag: ownString(toTag),
    localHeader: o.localHeader, remoteHeader: ownString(getHeader(res, 'to') ?? ''),
    remoteTarget: ownString(uriOf(getHeader(res, 'contact') ?? '')) || o.uri,
    routeSet: recordRoutes(res).reverse().map(ownString),
    localContact: o.localContact,
    localCseq: o.cseq,
    remoteCseq: 0,
    flow: { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort, connectionId: src.connectionId },
    state: res.status >= 200 ? 'confirmed' : 'early',
    owner: r.app, inviteTxnId: r.txnId,
    inviteCseq: o.cseq,
  };
}

/** Record-Route entries in order, however they were split across lines (RFC 3261 §20.30). */
export function recordRoutes(m: SipResponse): string[] {
  return getHeaderValues(m, 'record-route');
}
