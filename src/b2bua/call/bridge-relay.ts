/**
 * Once bridged, the caller's dialog (A) and the answering leg (B) act as one call:
 * re-INVITE and UPDATE are relayed with their SDP both ways, INFO is relayed, and a leg that
 * answers a relayed request with 408 or 481 has lost its dialog (RFC 3261 §12.2.1.2), which
 * ends the call.
 *
 * Glare (RFC 3261 §14.1): a re-INVITE arriving on a dialog where our own re-INVITE is
 * pending gets 491. When ours gets 491, it is retried after a random wait: 2.1–4 s if we
 * own the dialog's Call-ID (leg B: we sent its INVITE), 0–2 s if not (leg A).
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { Headers, InDialogResponse, ShellDialog, ShellRequest, ShellResponse } from './shell-srf.js';
import { finalResponse } from './shell-srf.js';

export type Side = 'A' | 'B';

export interface RelayDeps {
  clock: Clock;
  random: () => number;
  log: Logger;
  /** A dialog answered 408/481: the call must end as if that side hung up. */
  onDialogLost: (side: Side) => void;
  /**
   * With a media anchor (docs/recording.md hook 3): a re-INVITE or UPDATE offer is answered
   * by the endpoint facing the side that sent it, and nothing is relayed to the other party.
   */
  answerOffer?: (from: Side, sdp: string) => Promise<string>;
}

/** How often a relayed re-INVITE is retried after 491 before the 491 is passed back. */
const GLARE_RETRIES = 2;

export function glareDelayMs(weOwnCallId: boolean, random: () => number): number {
  return weOwnCallId ? 2100 + Math.floor(random() * 1900) : Math.floor(random() * 2000);
}

export class BridgeRelay {
  /** Sides towards which a re-INVITE of ours is in progress. */
  private readonly pending = new Set<Side>();
  private readonly waits = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    private readonly a: ShellDialog,
    private readonly b: ShellDialog,
    readonly legId: string,
    private readonly deps: RelayDeps,
  ) {
    a.on('modify', (req: ShellRequest, res: ShellResponse) => void this.relayInvite('A', req, res));
    b.on('modify', (req: ShellRequest, res: ShellResponse) => void this.relayInvite('B', req, res));
    a.on('update', (req: ShellRequest, res: ShellResponse) => void this.relayRequest('A', 'UPDATE', req, res));
    b.on('update', (req: ShellRequest, res: ShellResponse) => void this.relayRequest('B', 'UPDATE', req, res));
    a.on('info', (req: ShellRequest, res: ShellResponse) => this.relayInfo('A', req, res));
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.waits) this.deps.clock.clearTimeout(w);
    this.waits.clear();
  }

  relayInfo(from: Side, req: ShellRequest, res: ShellResponse): void {
    void this.relayRequest(from, 'INFO', req, res);
  }

  private dialog(side: Side): ShellDialog {
    return side === 'A' ? this.a : this.b;
  }

  private async relayInvite(from: Side, req: ShellRequest, res: ShellResponse): Promise<void> {
    if (this.deps.answerOffer) return this.answerAtAnchor(this.deps.answerOffer, from, req, res);
    const to: Side = from === 'A' ? 'B' : 'A';
    if (this.pending.has(from)) return res.send(491, 'Request Pending');
    this.pending.add(to);
    try {
      for (let attempt = 0; ; attempt++) {
        const r = await this.reinvite(to, req.body ?? '');
        if (r.status === 200) return res.send(200, { body: r.body ?? '', headers: { 'Content-Type': 'application/sdp' } });
        if (r.status === 491 && attempt < GLARE_RETRIES && !this.stopped) {
          await this.wait(glareDelayMs(to === 'B', this.deps.random));
          continue;
        }
        this.lost(to, r.status);
        return res.send(r.status, r.reason ?? 'Relayed');
      }
    } finally {
      this.pending.delete(to);
    }
  }

  /**
   * A re-INVITE with this offer, as a plain in-dialog request rather than srf's
   * Dialog#modify: in srf 5.0.29 a modify() answered with anything but 200 (a 491 in
   * glare) never leaves srf's one-re-INVITE-at-a-time queue, so every later modify() on
   * that dialog, our §14.1 retry first, would wait forever. srf ACKs the final response.
   */
  private reinvite(to: Side, sdp: string): Promise<InDialogResponse> {
    const dialog = this.dialog(to);
    const headers: Headers = { 'Content-Type': 'application/sdp' };
    if (dialog.local.contact) headers.Contact = dialog.local.contact; // RFC 3261 §12.2.1.1: a target refresh
    return finalResponse(dialog, { method: 'INVITE', headers, body: sdp });
  }

  /** RFC 3311 UPDATE and RFC 6086 INFO: the far side's final answer, body included, goes back. */
  private async relayRequest(from: Side, method: 'UPDATE' | 'INFO', req: ShellRequest, res: ShellResponse): Promise<void> {
    if (method === 'UPDATE' && req.body && this.deps.answerOffer) return this.answerAtAnchor(this.deps.answerOffer, from, req, res);
    const to: Side = from === 'A' ? 'B' : 'A';
    const headers: Headers = {};
    const ct = req.get('Content-Type');
    if (ct) headers['Content-Type'] = ct;
    const r = await finalResponse(this.dialog(to), { method, headers, ...(req.body ? { body: req.body } : {}) });
    this.lost(to, r.status);
    const contentType = r.contentType ?? (method === 'UPDATE' ? 'application/sdp' : 'application/octet-stream');
    const opts = r.body ? { body: r.body, headers: { 'Content-Type': contentType } } : {};
    res.send(r.status, r.reason ?? '', opts);
  }

  private answerAtAnchor(answerOffer: NonNullable<RelayDeps['answerOffer']>, from: Side, req: ShellRequest, res: ShellResponse): Promise<void> {
    return answerOffer(from, req.body ?? '').then(
      (sdp) => res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } }),
      () => res.send(488, 'Not Acceptable Here'),
    );
  }

  private lost(side: Side, status: number): void {
    if (status === 408 || status === 481) this.deps.onDialogLost(side);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = this.deps.clock.setTimeout(() => {
        this.waits.delete(h);
        resolve();
      }, ms);
      this.waits.add(h);
    });
  }
}
