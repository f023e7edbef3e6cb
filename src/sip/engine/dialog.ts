/**
 * Dialog state as drachtio-server keeps it (RFC 3261 §12): the engine, not the app,
 * owns tags, CSeq, the route set and the remote target. The app only ever sees the
 * dialog id, `<Call-ID>;from-tag=<From tag of the dialog-forming request>` (wire
 * protocol §6.2), which srf's findDialogByCallIDAndFromTag relies on.
 */
import type { KeptBytes } from '../message/index.js';
import type { Destination } from '../transport/index.js';

export type DialogRole = 'uas' | 'uac';

export interface Dialog {
  /** The id the app sees; constant for the dialog's life. */
  id: string;
  role: DialogRole;
  /** INVITE or SUBSCRIBE. */
  method: string;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From/To header values (name-addr with our/their tags) as we put them on requests we send. */
  localHeader: string;
  remoteHeader: string;
  /** Remote target (RFC 3261 §12.1.1/§12.1.2): the peer's Contact URI. */
  remoteTarget: string;
  /** Route set in the order requests must carry it (§12.1.1 UAS: RR as received; §12.1.2 UAC: reversed). */
  routeSet: string[];
  /** Our Contact header value, used on requests that need one (§12.2.1.1). */
  localContact: string;
  /** Local CSeq for requests we send (§12.2.1.1); NaN until the first one for UAS dialogs. */
  localCseq: number;
  /** Highest remote CSeq seen (§12.2.2: lower is out of order → 500). */
  remoteCseq: number;
  /** Where in-dialog requests go when there is no route set and the target is unusable. */
  flow: Destination;
  /** 'early' until a 2xx, then 'confirmed'. */
  state: 'early' | 'confirmed';
  /** The app connection that owns it (opaque to this module). */
  owner: unknown;
  /** Transaction id of the dialog-forming INVITE (ACK to its 2xx is reported with it). */
  inviteTxnId: string;
  /** CSeq number of the INVITE whose 2xx awaits/received ACK (UAC: for building the ACK). */
  inviteCseq: number;
  /** Incoming re-INVITE being processed (for 491/500 on overlap, §14.2). */
  pendingIncomingInvite?: string;
  /** Outgoing re-INVITE in progress (our client transaction id) — BYE cancels it first. */
  pendingOutgoingInvite?: string;
  /** Last ACK we sent for a 2xx (UAC), re-sent when the 2xx is retransmitted (§13.2.2.4). */
  lastAck?: { bytes: KeptBytes; dest: Destination };
  /** RFC 3262 §7.1.1: next RSeq for a reliable provisional in this dialog. */
  nextRseq?: number;
  /** UAS: the 2xx whose ACK we wait for (RFC 3261 §13.3.1.4). */
  awaitingAck?: { stx: { ackReceived(): void }; cseq: number; initial: boolean };
  /** Marked when a 200 arrived for a CANCELled INVITE: after the app's ACK we send BYE (§9.1). */
  ackThenBye?: boolean;
}

export function dialogId(callId: string, fromTagOfFormingRequest: string): string {
  return `${callId};from-tag=${fromTagOfFormingRequest}`;
}

/** Exact-match key: Call-ID plus both tags, as RFC 3261 §12 identifies a dialog. */
function matchKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

export class DialogStore {
  private readonly byId = new Map<string, Dialog>();
  private readonly byTags = new Map<string, Dialog>();
  private readonly byCallId = new Map<string, Dialog>();

  add(d: Dialog): void {
    this.byId.set(d.id, d);
    this.byTags.set(matchKey(d.callId, d.localTag, d.remoteTag), d);
    this.byCallId.set(d.callId, d);
  }

  get(id: string): Dialog | undefined {
    return this.byId.get(id);
  }

  /** Match an incoming in-dialog request: its To tag is our local tag, its From tag the remote one. */
  match(callId: string, toTag: string, fromTag: string): Dialog | undefined {
    return this.byTags.get(matchKey(callId, toTag, fromTag));
  }

  /** The remote tag of an early UAC dialog is learnt from the response that creates it. */
  setRemoteTag(d: Dialog, remoteTag: string): void {
    this.byTags.delete(matchKey(d.callId, d.localTag, d.remoteTag));
    d.remoteTag = remoteTag;
    this.byTags.set(matchKey(d.callId, d.localTag, d.remoteTag), d);
  }

  delete(d: Dialog): void {
    if (this.byId.get(d.id) === d) this.byId.delete(d.id);
    const k = matchKey(d.callId, d.localTag, d.remoteTag);
    if (this.byTags.get(k) === d) this.byTags.delete(k);
    if (this.byCallId.get(d.callId) === d) this.byCallId.delete(d.callId);
  }

  /** Dialogs owned by an app connection (to clean up when it goes away). */
  ownedBy(owner: unknown): Dialog[] {
    const out: Dialog[] = [];
    for (const d of this.byId.values()) if (d.owner === owner) out.push(d);
    return out;
  }

  /** The dialog an app-supplied Call-ID belongs to (wire protocol §5.3 quirk, gotcha 4). */
  findByCallId(callId: string): Dialog | undefined {
    return this.byCallId.get(callId);
  }

  get size(): number {
    return this.byId.size;
  }
}
