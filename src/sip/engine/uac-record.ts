/**
 * The UAC's record of one request it sent, and the handler its client transaction calls.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ClientTransaction, ClientTransactionHandler, Source } from '../transaction/index.js';
import type { Destination } from '../transport/index.js';
import type { AppConnection } from '../wire/index.js';
import type { Dialog } from './dialog.js';
import type { DialogOrigin } from './uac-dialog.js';

export interface ClientRecord {
  txnId: string;
  tx?: ClientTransaction;
  app?: AppConnection;
  method: string;
  /** Released once the final response is handled (the transaction lives on 32 s for retransmissions). */
  req: SipRequest | undefined;
  /** What a dialog is built from; released after a non-2xx final (no dialog can form any more). */
  origin?: DialogOrigin;
  dest: Destination;
  /** The dialog id reported with responses (INVITE/SUBSCRIBE and in-dialog requests). */
  dlgId: string;
  dialog?: Dialog;
  formsDialog: boolean;
  cancelled?: boolean;
  got2xx?: boolean;
}

/** A record whose request is still there: being sent, or just sent. */
export type SendingRecord = ClientRecord & { req: SipRequest };

/** What a RecordHandler reports to (the Uac). */
export interface RecordOwner {
  onResponse(rec: ClientRecord, res: SipResponse, src: Source): void;
  /** No final from the network: 408 on timeout, 503 on a transport error. */
  onLocalFailure(rec: ClientRecord, status: number): void;
  /** The record's transaction ended. */
  forget(rec: ClientRecord): void;
}

/**
 * A client transaction's handler for one record: one small object rather than four closures
 * and their context, since an INVITE transaction keeps its handler for the 32 s of timer M or
 * D after the call (RFC 6026 §7.2), ~23,000 of them at 360 calls/s.
 */
export class RecordHandler implements ClientTransactionHandler {
  constructor(
    private readonly owner: RecordOwner,
    private readonly rec: ClientRecord,
  ) {}

  onResponse(res: SipResponse, src: Source): void {
    this.owner.onResponse(this.rec, res, src);
  }

  onTimeout(): void {
    this.owner.onLocalFailure(this.rec, 408);
  }

  onTransportError(): void {
    this.owner.onLocalFailure(this.rec, 503);
  }

  onTerminated(): void {
    this.owner.forget(this.rec);
  }
}
