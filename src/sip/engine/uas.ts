/**
 * The UAS half of the engine: requests from the network delivered to apps, and the
 * apps' responses put on the wire (wire protocol §7.1, §7.4, §7.6).
 */
import {
  addHeader, buildResponse, getHeader, headerKey, parseCSeq, setHeader, tagOf, withContentLength,
} from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction, Source } from '../transaction/index.js';
import type { AppConnection } from '../wire/index.js';
import { formatNok, formatResponseSentAck, formatSipEvent, wireTime } from '../wire/index.js';
import { parseAppMessage, recaseHeaderName, rewriteLocalhost } from './app-message.js';
import type { EngineContext } from './context.js';
import type { Dialog } from './dialog.js';
import { ReliableProvisionals } from './reliable-provisionals.js';
import type { ProxyTarget } from './proxy-fork.js';
import { requires100rel, supports100rel, uasDialog } from './uas-dialog.js';

/** What the UAS needs from the UAC half: the engine's own BYE (§7.7). */
export interface InDialogSender {
  sendUnsolicitedBye(d: Dialog, reason: string): void;
}

/** Methods a new out-of-dialog request may have to be offered to an app (wire protocol §3.3). */
const ROUTABLE = new Set(['INVITE', 'REGISTER', 'MESSAGE', 'OPTIONS', 'INFO', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH']);
const KNOWN = new Set([...ROUTABLE, 'ACK', 'BYE', 'CANCEL', 'PRACK', 'UPDATE', 'REFER']);

/** Headers of an app response the engine derives itself from the request (§7.2). */
const DERIVED = new Set(['from', 'call-id', 'cseq', 'to', 'via', 'route', 'record-route', 'rseq', 'content-length']);

export interface ServerRecord {
  txnId: string;
  stx: ServerTransaction;
  app: AppConnection;
  req: SipRequest;
  src: Source;
  dialog?: Dialog;
  toTag?: string;
  /** Set once CANCEL answered 487 for us: later app responses are refused (§7.6). */
  cancelled?: boolean;
  finalSent?: boolean;
  /** Handed to the proxy core (srf.proxyRequest): the app no longer answers it. */
  fork?: { cancel(): void };
}

export interface UasHooks {
  selectApp(method: string): AppConnection | undefined;
  inDialog: InDialogSender;
}

/**
 * What remains of a record once its final response is sent (see retire()): a CANCEL that
 * still matches the INVITE transaction gets 200 and has no effect (RFC 3261 §9.2).
 */
const ANSWERED = 'answered';

export class Uas {
  private readonly byTxnId = new Map<string, ServerRecord>();
  readonly reliable: ReliableProvisionals;

  constructor(private readonly ctx: EngineContext, private readonly hooks: UasHooks) {
    this.reliable = new ReliableProvisionals(ctx.clock, ctx.timers.T1);
  }

  /** A new server transaction from the transaction layer. */
  onRequest(req: SipRequest, src: Source, stx: ServerTransaction): void {
    const toTag = tagOf(getHeader(req, 'to') ?? '');
    if (toTag) return this.onInDialogRequest(req, src, stx, toTag);
    if (!KNOWN.has(req.method)) return this.reject(stx, req, 501);
    if (req.method === 'BYE' || req.method === 'UPDATE' || req.method === 'PRACK') return this.reject(stx, req, 481);
    if (!ROUTABLE.has(req.method)) return this.reject(stx, req, 405);
    const app = this.hooks.selectApp(req.method.toLowerCase());
    if (!app) {
      this.ctx.stats.noApp503++;
      return this.reject(stx, req, 503);
    }
    // Every new INVITE gets 100 Trying at once, before any app sees it (§3.3, RFC 3261 §17.2.1).
    if (req.method === 'INVITE') {
      stx.respond(buildResponse(req, 100));
      this.ctx.cdrs.attempt('network', req);
    }
    const rec = this.track(stx, app, req, src);
    this.deliver(app, req, src, rec.txnId, '', true);
  }

  private onInDialogRequest(req: SipRequest, src: Source, stx: ServerTransaction, toTag: string): void {
    const callId = getHeader(req, 'call-id') ?? '';
    const fromTag = tagOf(getHeader(req, 'from') ?? '') ?? '';
    const d = this.ctx.dialogs.match(callId, toTag, fromTag);
    if (!d) return this.reject(stx, req, 481);
    const app = d.owner as AppConnection;
    const cseq = parseCSeq(getHeader(req, 'cseq') ?? '');
    // RFC 3261 §12.2.2: a CSeq lower than the last one seen is out of order.
    if (cseq && req.method !== 'PRACK' && cseq.seq < d.remoteCseq) return this.reject(stx, req, 500);
    if (cseq) d.remoteCseq = Math.max(d.remoteCseq, cseq.seq);

    if (!app.alive) {
      // No app owns the dialog any more: a BYE still tears it down (§3.3), anything else is 481.
      if (req.method === 'BYE') {
        this.ctx.dialogs.delete(d);
        return this.reject(stx, req, 200);
      }
      return this.reject(stx, req, 481);
    }
    if (req.method === 'INVITE') {
      // RFC 3261 §14.2: a re-INVITE while ours is pending → 491; while theirs is → 500 + Retry-After.
      if (d.pendingOutgoingInvite) return this.reject(stx, req, 491);
      if (d.pendingIncomingInvite) {
        const res = buildResponse(req, 500);
        addHeader(res, 'Retry-After', String(1 + Math.floor(Math.random() * 10)));
        return void stx.respond(withContentLength(res));
      }
      stx.respond(buildResponse(req, 100));
    }
    if (req.method === 'BYE') {
      // An incoming BYE clears the dialog at once, before the app answers (§7.4, gotcha 7).
      this.ctx.dialogs.delete(d);
      if (d.method === 'INVITE') this.ctx.cdrs.stop('network', 'normal-release', req);
      this.reliable.stopDialog(d.id);
    }
    if (req.method === 'PRACK') this.reliable.onPrack(d.id, getHeader(req, 'rack') ?? '');
    const rec = this.track(stx, app, req, src, d);
    if (req.method === 'INVITE') d.pendingIncomingInvite = rec.txnId;
    this.deliver(app, req, src, rec.txnId, d.id, false);
  }

  /** ACK to a 2xx: it has its own branch, so the dialog — not a transaction — matches it. */
  onAck(req: SipRequest, src: Source): void {
    const callId = getHeader(req, 'call-id') ?? '';
    const toTag = tagOf(getHeader(req, 'to') ?? '') ?? '';
    const fromTag = tagOf(getHeader(req, 'from') ?? '') ?? '';
    const d = this.ctx.dialogs.match(callId, toTag, fromTag);
    if (!d || d.role !== 'uas') return;
    const cseq = parseCSeq(getHeader(req, 'cseq') ?? '');
    const pending = d.awaitingAck;
    if (!pending || !cseq || cseq.seq !== pending.cseq) return; // a retransmitted ACK: absorbed
    d.awaitingAck = undefined;
    pending.stx.ackReceived();
    const app = d.owner as AppConnection;
    // ACK to the initial INVITE's 2xx carries the INVITE's transaction id; to a re-INVITE's, a fresh one (§6.2).
    const txnId = pending.initial ? d.inviteTxnId : this.ctx.newTxnId();
    this.deliver(app, req, src, txnId, d.id, false);
  }

  onCancel(cancel: SipRequest, src: Source, cancelStx: ServerTransaction, invite: ServerTransaction | undefined): void {
    const rec = invite ? recordOf(invite) : undefined;
    if (!invite || !rec) return void cancelStx.respond(withContentLength(buildResponse(cancel, 481)));
    cancelStx.respond(withContentLength(buildResponse(cancel, 200)));
    if (rec === ANSWERED) return;
    // A proxied INVITE: the fork cancels its branches and sends the final response (§16.10).
    if (rec.fork) return rec.fork.cancel();
    // RFC 3261 §9.2: once a final response was sent the CANCEL has no effect on the INVITE.
    if (rec.finalSent || rec.cancelled) return;
    rec.cancelled = true;
    rec.finalSent = true;
    invite.respond(withContentLength(buildResponse(rec.req, 487, undefined, { toTag: rec.toTag })));
    const d = rec.dialog;
    if (d) {
      this.reliable.stopDialog(d.id);
      this.ctx.dialogs.delete(d);
    }
    this.ctx.cdrs.stop('network', 'call-canceled', cancel);
    this.deliver(rec.app, cancel, src, rec.txnId, d ? d.id : '', false);
    this.retire(rec);
  }

  /** srf.proxyRequest: the pending request leaves the app's hands (wire protocol §7.5 "Limitation"). */
  takeForProxy(app: AppConnection, txnId: string): ProxyTarget | undefined {
    const rec = this.byTxnId.get(txnId);
    if (!rec || rec.app !== app || rec.finalSent || rec.cancelled || rec.toTag) return undefined;
    rec.finalSent = true;
    return { stx: rec.stx, req: rec.req, src: rec.src, attach: (fork) => { rec.fork = fork; } };
  }

  /** `sip|<txnId>|` + a response from the app. */
  respondFromApp(app: AppConnection, msgId: string, txnId: string, text: string): void {
    const rec = this.byTxnId.get(txnId);
    if (!rec || rec.app !== app || rec.cancelled) {
      return this.ctx.appSend(app, formatNok(msgId, 'Response not sent due to unknown transaction'));
    }
    if (rec.req.method === 'CANCEL') {
      return this.ctx.appSend(app, formatNok(msgId, '200 OK to incoming CANCEL is automatically generated by the stack'));
    }
    if (rec.finalSent) return this.ctx.appSend(app, formatNok(msgId, 'Response not sent due to unknown transaction'));
    const parsed = parseAppMessage(text);
    if (!parsed.ok || parsed.message.type !== 'response') {
      return this.ctx.appSend(app, formatNok(msgId, `invalid response: ${parsed.ok ? 'not a response' : parsed.error}`));
    }
    const appRes = parsed.message;
    const res = this.buildFromApp(rec, appRes);
    if (!res.ok) return this.ctx.appSend(app, formatNok(msgId, res.error));
    this.send(rec, res.res);
    const d = rec.dialog;
    this.ctx.appSend(app, formatResponseSentAck({
      clientMsgId: msgId,
      bytes: this.ctx.wireBytes(res.res).length,
      proto: rec.src.protocol,
      address: rec.src.remoteAddress,
      port: rec.src.remotePort,
      time: wireTime(new Date()),
      transactionId: txnId,
      dialogId: d && this.ctx.dialogs.get(d.id) ? d.id : '',
      sip: this.ctx.wireBytes(res.res).toString('utf8'),
    }));
  }

  private buildFromApp(rec: ServerRecord, appRes: SipResponse): { ok: true; res: SipResponse } | { ok: false; error: string } {
    const { req } = rec;
    const status = appRes.status;
    const formsDialog = req.method === 'INVITE' || req.method === 'SUBSCRIBE';
    if (status > 100 && !rec.toTag) {
      // An app-supplied To tag on the first response wins (srf: res.send(…, {headers: {To}})) — §7.1.
      rec.toTag = tagOf(getHeader(appRes, 'to') ?? '') ?? tagOf(getHeader(req, 'to') ?? '') ?? this.ctx.newTag();
    }
    const res = buildResponse(req, status, appRes.reason, { toTag: status > 100 ? rec.toTag : undefined });
    const l = this.ctx.identity.listenerFor(rec.src.protocol, rec.src.localAddress.includes(':'));
    const hostport = l ? this.ctx.identity.hostport(l) : rec.src.localAddress;
    for (const h of appRes.headers) {
      const key = headerKey(h.name);
      if (DERIVED.has(key)) continue;
      const value = key === 'contact' || key === 'p-asserted-identity' ? rewriteLocalhost(h.value, hostport) : h.value;
      res.headers.push({ name: recaseHeaderName(h.name), value });
    }
    const reliable = req.method === 'INVITE' && status > 100 && status < 200 && requires100rel(appRes);
    if (reliable && !supports100rel(req)) return { ok: false, error: 'Remote endpoint does not support 100rel' };
    const needsContact = (req.method === 'INVITE' || req.method === 'SUBSCRIBE') && ((status >= 200 && status < 300) || reliable);
    if (needsContact && !getHeader(res, 'contact') && l) addHeader(res, 'Contact', `<${this.ctx.identity.contactUri(l)}>`);
    if (req.method === 'INVITE' && ((status >= 200 && status < 300) || reliable) && !getHeader(res, 'record-route')) {
      // RFC 3261 §12.1.1: a UAS copies Record-Route into every dialog-forming response.
      for (const rr of req.headers) if (headerKey(rr.name) === 'record-route') res.headers.push({ name: 'Record-Route', value: rr.value });
    }
    res.body = appRes.body;
    if (res.body.length > 0 && !getHeader(res, 'content-type') && res.body.subarray(0, 3).toString() === 'v=0') {
      setHeader(res, 'Content-Type', 'application/sdp');
    }
    if (formsDialog && status > 100 && status < 300) this.ensureDialog(rec, res);
    if (reliable && rec.dialog) this.reliable.prepare(rec.dialog, res, req);
    return { ok: true, res: withContentLength(res) };
  }

  private ensureDialog(rec: ServerRecord, res: SipResponse): void {
    let d = rec.dialog;
    if (!d) {
      d = uasDialog(rec, res);
      rec.dialog = d;
      this.ctx.dialogs.add(d);
    }
    if (res.status >= 200) d.state = 'confirmed';
  }

  private send(rec: ServerRecord, res: SipResponse): void {
    const d = rec.dialog;
    const isFinal = res.status >= 200;
    if (isFinal) rec.finalSent = true;
    if (d && rec.req.method === 'INVITE' && isFinal) {
      if (d.pendingIncomingInvite === rec.txnId) d.pendingIncomingInvite = undefined;
      this.reliable.stopDialog(d.id);
      const initial = d.inviteTxnId === rec.txnId;
      if (initial) {
        if (res.status < 300) this.ctx.cdrs.start('application', 'uas', res);
        else this.ctx.cdrs.stop('application', 'call-rejected', res);
      }
      if (res.status < 300) {
        d.localContact = getHeader(res, 'contact') ?? d.localContact;
        const cseq = parseCSeq(getHeader(rec.req, 'cseq') ?? '')?.seq ?? 0;
        d.awaitingAck = { stx: rec.stx, cseq, initial: d.inviteTxnId === rec.txnId };
        rec.stx.on('ackTimeout', () => this.onAckTimeout(d));
      } else if (d.inviteTxnId === rec.txnId) {
        this.ctx.dialogs.delete(d);
      }
    }
    if (d && rec.req.method === 'SUBSCRIBE' && res.status >= 300 && d.inviteTxnId === rec.txnId) this.ctx.dialogs.delete(d);
    if (this.reliable.isReliable(res)) this.reliable.send(rec.stx, res);
    else rec.stx.respond(res);
    if (isFinal) this.retire(rec);
  }

  /**
   * Past the final response the app can no longer answer, so the record (and the parsed
   * request it holds) is dropped now rather than when the transaction ends 32 s later
   * (timers J/L): at load those records were a large part of the live heap.
   */
  private retire(rec: ServerRecord): void {
    this.byTxnId.delete(rec.txnId);
    rec.stx.tuData = ANSWERED;
  }

  /** The transaction layer ended `stx` (TransactionUser.onServerTerminated): forget a record it still had. */
  onTerminated(stx: ServerTransaction): void {
    const rec = recordOf(stx);
    if (rec !== undefined && rec !== ANSWERED) this.byTxnId.delete(rec.txnId);
  }

  /** RFC 3261 §13.3.1.4: no ACK within 64·T1 — the UAS ends the dialog with BYE; the app hears an "unsolicited" BYE (§7.7). */
  private onAckTimeout(d: Dialog): void {
    d.awaitingAck = undefined;
    if (!this.ctx.dialogs.get(d.id)) return;
    this.hooks.inDialog.sendUnsolicitedBye(d, 'ACK timeout');
  }

  private track(stx: ServerTransaction, app: AppConnection, req: SipRequest, src: Source, dialog?: Dialog): ServerRecord {
    const rec: ServerRecord = { txnId: this.ctx.newTxnId(), stx, app, req, src, dialog };
    this.byTxnId.set(rec.txnId, rec);
    // Until retire() replaces it with ANSWERED: the transaction outlives a retired record by up to 32 s.
    stx.tuData = rec;
    return rec;
  }

  private deliver(app: AppConnection, req: SipRequest, src: Source, txnId: string, dlgId: string, isNew: boolean): void {
    const bytes = this.ctx.wireBytes(req);
    this.ctx.appSend(app, formatSipEvent({
      source: 'network',
      bytes: bytes.length,
      proto: src.protocol,
      address: src.remoteAddress,
      port: src.remotePort,
      time: wireTime(new Date()),
      transactionId: txnId,
      dialogId: dlgId,
      receivedOn: isNew ? { address: src.localAddress, port: src.localPort } : undefined,
      sip: bytes.toString('utf8'),
    }));
  }

  private reject(stx: ServerTransaction, req: SipRequest, status: number): void {
    stx.respond(withContentLength(buildResponse(req, status)));
  }

  /** Pending transactions of an app that went away get 503 so callers are not left ringing. */
  onAppGone(app: AppConnection): void {
    for (const rec of this.byTxnId.values()) {
      if (rec.app !== app || rec.finalSent || rec.req.method === 'ACK') continue;
      rec.finalSent = true;
      rec.stx.respond(withContentLength(buildResponse(rec.req, 503, undefined, { toTag: rec.toTag })));
      this.retire(rec);
    }
  }
}

/** What the Uas noted on a server transaction: its record, ANSWERED once retired, or nothing. */
function recordOf(stx: ServerTransaction): ServerRecord | typeof ANSWERED | undefined {
  return stx.tuData as ServerRecord | typeof ANSWERED | undefined;
}
