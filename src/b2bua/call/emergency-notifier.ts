/**
 * Emergency notifications (issue #3, Kari's Law 47 CFR §9.16): every Notify from the core
 * goes to the dialplan's emergency.notify targets — a SIP MESSAGE (RFC 3428) via
 * srf.request and/or an HTTP POST webhook — started at once and bounded to 1 s each, so
 * a dead target can neither delay the call nor the other targets.
 */
import type { Logger } from 'pino';
import type { Notice } from '../../call/index.js';
import type { NotifyTarget } from '../../config/index.js';
import { formatAddress } from './event-writer.js';
import type { ShellSrf } from './shell-srf.js';

export const NOTIFY_BUDGET_MS = 1000;

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

export class EmergencyNotifier {
  constructor(
    private readonly targets: readonly NotifyTarget[],
    private readonly srf: Pick<ShellSrf, 'request'>,
    private readonly fetch: Fetch,
    private readonly log: Logger,
  ) {}

  /** Starts every notification; resolves when all have been answered, failed or timed out. */
  notify(notice: Notice): Promise<void> {
    const text = noticeText(notice);
    return Promise.all(this.targets.map((t) => this.send(t, notice, text))).then(() => undefined);
  }

  private async send(target: NotifyTarget, notice: Notice, text: string): Promise<void> {
    try {
      if (target.type === 'SipMessage') {
        await withTimeout(this.srf.request(target.uri, {
          method: 'MESSAGE', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: text,
        }), NOTIFY_BUDGET_MS);
      } else {
        await this.fetch(target.url, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(notice), signal: AbortSignal.timeout(NOTIFY_BUDGET_MS),
        });
      }
    } catch (err) {
      this.log.warn({ target: target.type, callId: notice.callId, err: String(err) }, 'emergency notification failed');
    }
  }
}

export function noticeText(n: Notice): string {
  if (n.kind === 'emergency-address-missing') {
    return `linegate: user ${n.userId} dialled ${n.dialled} but has no emergency address on file (call ${n.callId})`;
  }
  const where = n.address ? formatAddress(n.address) : 'no address on file';
  return `linegate EMERGENCY: user ${n.userId} dialled ${n.number}, callback ${n.callbackNumber}, via ${n.trunk}; location: ${where} (call ${n.callId})`;
}

/** srf.request resolves when the request is sent; a hung control connection must not hold us. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (err: unknown) => { clearTimeout(timer); reject(err instanceof Error ? err : new Error(String(err))); });
  });
}
