/**
 * The transaction layer (RFC 3261 §17, amended by RFC 6026): matches incoming messages to
 * transactions, creates server transactions for new requests, runs client transactions
 * for the TU's requests, and owns every transaction's lifetime.
 */
import { LinegateError } from '../../shared/index.js';
import { ownString } from '../message/index.js';
import type { CSeq, SipRequest, SipResponse } from '../message/index.js';
import { ClientTransactionBase } from './client-transaction-base.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { cseqOf, headerTag, topViaOf } from './message-fields.js';
import type { TopVia } from './message-fields.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { responseDestination } from './response-destination.js';
import { ServerTransactionBase } from './server-transaction-base.js';
import { clientKey, serverKey, storedKey, usesRfc2543Matching } from './server-key.js';
import { ExpiryQueues } from './expiry-queues.js';
import { resolveTimers } from './timers.js';
import type { ClientEnv } from './transaction-env.js';
import type {
  ClientTransaction,
  ClientTransactionHandler,
  Destination,
  ServerTransaction,
  Source,
  TransactionLayerOptions,
  TransactionUser,
} from './types.js';

type AnyServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
type AnyClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export class TransactionLayer {
  private readonly servers = new Map<string, AnyServerTransaction>();
  private readonly clients = new Map<string, AnyClientTransaction>();
  private readonly env: ClientEnv;
  private readonly forceRport: boolean;
  private closed = false;

  constructor(
    opts: TransactionLayerOptions,
    private readonly tu: TransactionUser,
  ) {
    this.forceRport = opts.forceRport ?? false;
    const timers = resolveTimers(opts.timers);
    this.env = {
      clock: opts.clock,
      timers,
      expiry: new ExpiryQueues(opts.clock),
      transmit: (msg, dest, tx) => opts.transmit(msg, dest, tx),
      compact: opts.compact,
      release: (key, tx) => this.release(key, tx),
      createCancel: (invite, cancel, handler) => this.createCancel(invite, cancel, handler),
    };
  }

  /** A request from the transport. Never throws on malformed input; unmatchable requests are dropped. */
  receiveRequest(req: SipRequest, src: Source): void {
    if (this.closed) return;
    const top = topViaOf(req);
    const cseq = cseqOf(req);
    // Without a top Via no response can be routed, without a CSeq nothing can be matched.
    if (!top || !cseq) return;
    if (req.method === 'ACK') this.receiveAck(req, src, top, cseq);
    else if (req.method === 'CANCEL') this.receiveCancel(req, src, top, cseq);
    else this.receiveOther(req, src, top, cseq);
  }

  /** A response from the transport: to its client transaction (RFC 3261 §17.1.3) or to onStrayResponse. */
  receiveResponse(res: SipResponse, src: Source): void {
    if (this.closed) return;
    const top = topViaOf(res);
    const cseq = cseqOf(res);
    if (!top || !cseq) return;
    const ctx = top.branch === undefined ? undefined : this.clients.get(clientKey(top.branch, cseq.method));
    if (ctx) ctx.receiveResponse(res, src);
    else this.tu.onStrayResponse(res, src);
  }

  /**
   * Starts a client transaction. The request must carry its top Via with a branch (see
   * newBranch()) and a CSeq naming its method; ACK is not a transaction (send it directly).
   * Throws LinegateError on such programming errors, never on network conditions.
   */
  sendRequest(req: SipRequest, dest: Destination, handler: ClientTransactionHandler): ClientTransaction {
    if (this.closed) throw new LinegateError('SIP_TX_CLOSED', 'the transaction layer is closed');
    if (req.method === 'ACK') throw new LinegateError('SIP_TX_ACK', 'ACK is not sent in a client transaction');
    const top = topViaOf(req);
    if (top?.branch === undefined) throw new LinegateError('SIP_TX_NO_BRANCH', 'the request needs a top Via with a branch');
    const cseq = cseqOf(req);
    if (!cseq || cseq.method !== req.method) throw new LinegateError('SIP_TX_BAD_CSEQ', 'the CSeq must name the request method');
    const lookup = clientKey(top.branch, req.method);
    if (this.clients.has(lookup)) throw new LinegateError('SIP_TX_DUPLICATE', `a client transaction with branch ${top.branch} exists`);
    // What the transaction keeps past its final response is copied out of the request's text (kept.ts).
    const key = storedKey(lookup);
    const branch = ownString(top.branch);
    const ctx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(this.env, key, branch, ownString(top.raw), cseq.seq, req, dest, handler)
        : new NonInviteClientTransaction(this.env, key, branch, req, dest, handler, 'held');
    this.clients.set(key, ctx);
    ctx.start();
    return ctx;
  }

  /**
   * The owner reports that sending a message of `tx` failed (RFC 3261 §17.1.4, §17.2.4):
   * the transaction ends and its TU is told (client: onTransportError; server:
   * 'transportError'), unless a client's final response was already delivered.
   */
  transportError(tx: ServerTransaction | ClientTransaction, error: string): void {
    if (tx instanceof ServerTransactionBase || tx instanceof ClientTransactionBase) tx.failTransport(error);
  }

  /** Stops every transaction and timer without calling the TU. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const tx of this.servers.values()) tx.destroy();
    for (const tx of this.clients.values()) tx.destroy();
    this.env.expiry.close();
    this.servers.clear();
    this.clients.clear();
  }

  size(): { client: number; server: number } {
    return { client: this.clients.size, server: this.servers.size };
  }

  private receiveOther(req: SipRequest, src: Source, top: TopVia, cseq: CSeq): void {
    const key = serverKey(req, top, cseq, req.method);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRetransmission();
      return;
    }
    const stx = this.createServer(key, req, src, top);
    this.tu.onRequest(req, src, stx);
  }

  private receiveAck(req: SipRequest, src: Source, top: TopVia, cseq: CSeq): void {
    const stx = this.matchAck(req, top, cseq);
    if (stx && stx.receiveAck() === 'absorbed') return;
    this.tu.onAck(req, src);
  }

  /** RFC 3261 §9.2: the CANCEL is its own transaction; the INVITE it targets has the same identity. */
  private receiveCancel(req: SipRequest, src: Source, top: TopVia, cseq: CSeq): void {
    const key = serverKey(req, top, cseq, 'CANCEL');
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRetransmission();
      return;
    }
    const stx = this.createServer(key, req, src, top);
    const invite = this.servers.get(serverKey(req, top, cseq, 'INVITE'));
    this.tu.onCancel(req, src, stx, invite instanceof InviteServerTransaction ? invite : undefined);
  }

  /**
   * RFC 3261 §17.2.3. With RFC 2543 matching the ACK carries the To tag of our response
   * while the INVITE it acknowledges (unless a re-INVITE) had none: try the ACK's tag,
   * then no tag, checking that our last response carried the ACK's tag.
   */
  private matchAck(req: SipRequest, top: TopVia, cseq: CSeq): InviteServerTransaction | undefined {
    const direct = this.servers.get(serverKey(req, top, cseq, 'INVITE'));
    if (direct instanceof InviteServerTransaction) return direct;
    if (!usesRfc2543Matching(top)) return undefined;
    const candidate = this.servers.get(serverKey(req, top, cseq, 'INVITE', ''));
    if (!(candidate instanceof InviteServerTransaction)) return undefined;
    const sentTag = candidate.lastToTag();
    return sentTag !== undefined && sentTag === headerTag(req, 'to') ? candidate : undefined;
  }

  private createServer(lookup: string, req: SipRequest, src: Source, top: TopVia): AnyServerTransaction {
    const key = storedKey(lookup);
    const dest = responseDestination(top.via, src, this.forceRport);
    const stx =
      req.method === 'INVITE'
        ? new InviteServerTransaction(this.env, key, req, src, dest, 'proceeding')
        : new NonInviteServerTransaction(this.env, key, req, src, dest, 'trying');
    this.servers.set(key, stx);
    return stx;
  }

  private createCancel(
    invite: ClientTransaction,
    cancel: SipRequest,
    handler: ClientTransactionHandler,
  ): NonInviteClientTransaction | undefined {
    const key = storedKey(clientKey(invite.branch, 'CANCEL'));
    if (this.closed || this.clients.has(key)) return undefined;
    const ctx = new NonInviteClientTransaction(this.env, key, invite.branch, cancel, invite.destination, handler, 'held');
    this.clients.set(key, ctx);
    return ctx;
  }

  private release(key: string, tx: ServerTransaction | ClientTransaction): void {
    if (this.servers.get(key) === tx) {
      this.servers.delete(key);
      this.tu.onServerTerminated?.(tx as ServerTransaction);
    } else if (this.clients.get(key) === tx) {
      this.clients.delete(key);
    }
  }
}
