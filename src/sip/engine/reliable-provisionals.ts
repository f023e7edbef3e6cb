/**
 * Reliable provisional responses, RFC 3262 §3: the UAS numbers them with RSeq and
 * retransmits each (T1, doubling) until a PRACK with the matching RAck arrives, giving
 * up after 64·T1.
 */
import { randomInt } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/index.js';
import { getHeader, setHeader } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';

interface Outstanding {
  res: SipResponse;
  rseq: number;
  cseq: string;
  timer?: TimerHandle;
  started: number;
  interval: number;
}

export class ReliableProvisionals {
  private readonly outstanding = new Map<string, Outstanding>();
  private readonly marked = new WeakSet<SipResponse>();

  constructor(private readonly clock: Clock, private readonly T1: number) {}

  /** Number the response (RSeq) and remember it belongs to a dialog. */
  prepare(dialog: { id: string; nextRseq?: number }, res: SipResponse, req: SipRequest): void {
    const dialogId = dialog.id;
    // §7.1.1: the first RSeq is random in 1..2^31-1, then increments by one.
    const rseq = dialog.nextRseq ?? randomInt(1, 2 ** 31 - 1);
    dialog.nextRseq = rseq + 1;
    setHeader(res, 'RSeq', String(rseq));
    this.marked.add(res);
    this.outstanding.set(dialogId, {
      res, rseq, cseq: getHeader(req, 'cseq') ?? '', started: 0, interval: 0,
    });
  }

  isReliable(res: SipResponse): boolean {
    return this.marked.has(res);
  }

  send(stx: ServerTransaction, res: SipResponse): void {
    for (const [id, o] of this.outstanding) {
      if (o.res !== res) continue;
      const T1 = this.T1;
      o.started = this.clock.now();
      o.interval = T1;
      const tick = (): void => {
        if (this.outstanding.get(id) !== o) return;
        if (this.clock.now() - o.started >= 64 * T1) return void this.outstanding.delete(id);
        stx.respond(res);
        o.interval *= 2;
        o.timer = this.clock.setTimeout(tick, o.interval);
      };
      stx.respond(res);
      // Over TCP the transport is reliable, but RFC 3262 still asks for retransmission
      // until PRACK (§3), so the timer runs for both.
      o.timer = this.clock.setTimeout(tick, o.interval);
      return;
    }
    stx.respond(res);
  }

  /** A PRACK whose RAck (`<rseq> <cseq-num> <method>`) matches stops the retransmissions. */
  onPrack(dialogId: string, rack: string): boolean {
    const o = this.outstanding.get(dialogId);
    if (!o) return false;
    const [rseq, ...rest] = rack.trim().split(/\s+/);
    if (Number(rseq) !== o.rseq || rest.join(' ').toUpperCase() !== o.cseq.trim().split(/\s+/).join(' ').toUpperCase()) return false;
    this.clock.clearTimeout(o.timer);
    this.outstanding.delete(dialogId);
    return true;
  }

  stopDialog(dialogId: string): void {
    const o = this.outstanding.get(dialogId);
    if (o) this.clock.clearTimeout(o.timer);
    this.outstanding.delete(dialogId);
  }

  close(): void {
    for (const o of this.outstanding.values()) this.clock.clearTimeout(o.timer);
    this.outstanding.clear();
  }
}
