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
import type { Headers, ShellDialog, ShellRequest, ShellResponse } from './shell-srf.js';
import { statusOf } from './shell-srf.js';

export type Side = 'A' | 'B';

export interface RelayDeps {
  clock: Clock;
  random: () => number;
  log: Logger;
  /** A dialog answered 408/481: the call must end as if that side hung up. */
  onDialogLost: (side: Side) => void;
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
    const to: Side = from === 'A' ? 'B' : 'A';
    if (this.pending.has(from)) return res.send(491, 'Request Pending');
    this.pending.add(to);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const answer = await this.dialog(to).modify(req.body ?? '');
          return res.send(200, { body: answer, headers: { 'Content-Type': 'application/sdp' } });
        } catch (err) {
          const { status, reason } = statusOf(err);
          if (status === 491 && attempt < GLARE_RETRIES && !this.stopped) {
            await this.wait(glareDelayMs(to === 'B', this.deps.random));
            continue;
          }
          this.lost(to, status);
          return res.send(status, reason ?? 'Relayed');
        }
      }
    } finally {
      this.pending.delete(to);
    }
  }

  private async relayRequest(from: Side, method: 'UPDATE' | 'INFO', req: ShellRequest, res: ShellResponse): Promise<void> {
    const to: Side = from === 'A' ? 'B' : 'A';
    const headers: Headers = {};
    const ct = req.get('Content-Type');
    if (ct) headers['Content-Type'] = ct;
    try {
      const r = await this.dialog(to).request({ method, headers, ...(req.body ? { body: req.body } : {}) });
      this.lost(to, r.status);
      const opts = r.body ? { body: r.body, headers: { 'Content-Type': 'application/sdp' } } : {};
      res.send(r.status, opts);
    } catch (err) {
      const { status } = statusOf(err);
      this.lost(to, status);
      res.send(status >= 300 ? status : 500);
    }
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
