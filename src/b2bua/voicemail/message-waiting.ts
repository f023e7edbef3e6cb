/**
 * Message waiting indication: the notifier side of the message-summary package (RFC 3842)
 * over SIP-specific event notification (RFC 6665).
 *
 * - A device SUBSCRIBEs (authenticated with the Registrar's Digest); the subscription is
 *   for the authenticated user's own mailbox. We accept (srf's createUAS answers 202, which
 *   RFC 6665 §8.3.1 deprecates but subscribers treat as 200) and NOTIFY the counts at once
 *   (§4.2.1.1). A refresh is answered 200 and NOTIFYed too (§4.2.1.2); `Expires: 0`
 *   unsubscribes (srf answers 202) and gets a last NOTIFY with `terminated` (§4.2.1.4); a
 *   subscription that is not refreshed in time ends with `terminated;reason=timeout`.
 * - Every change of a user's counts is NOTIFYed to each of the user's subscriptions, one
 *   NOTIFY in flight per subscription (the next waits for its final response and carries
 *   the latest counts); a 481 or 408 answer ends the subscription (§4.1.2.2).
 * - With `unsolicited` on, registered devices of the user that hold no subscription get an
 *   out-of-dialog NOTIFY on every change (what many phones expect from their PBX).
 *
 * Subscriptions live in memory: after a restart the subscriber's next refresh gets 481 from
 * the SIP server (the dialog is gone) and RFC 6665 §4.1.2.2 makes it SUBSCRIBE anew.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { ReachableContact } from '../registrar/index.js';
import {
  acceptsSummary, DEFAULT_EXPIRY, eventPackage, grantExpires, MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE, messageSummaryBody,
  type ExpiryRules,
} from './message-summary.js';
import type { Headers, MwiDialog, MwiRegistrar, MwiRequest, MwiResponse, MwiSrf } from './mwi-srf.js';
import type { Logged, MessageCounts } from './voicemail-types.js';

export interface MessageWaitingOptions {
  readonly clock: Clock;
  readonly log: Logged;
  /** The user's counts now. */
  readonly counts: (userId: string) => Promise<MessageCounts>;
  /** The Message-Account of a user (their AOR), or undefined when the user has no mailbox. */
  readonly account: (userId: string) => string | undefined;
  readonly unsolicited: boolean;
  readonly expiry?: ExpiryRules;
}

interface Subscription {
  readonly userId: string;
  readonly dialog: MwiDialog;
  /** Where the SUBSCRIBE came from, to tell which registered device holds it. */
  readonly source: { readonly address: string; readonly port: number };
  expiresAt: number;
  timer: TimerHandle | undefined;
  sending: boolean;
  again: boolean;
  ended: boolean;
}

export class MessageWaiting {
  private readonly subs = new Set<Subscription>();
  private readonly rules: ExpiryRules;
  private srf: MwiSrf | undefined;
  private registrar: MwiRegistrar | undefined;
  private closed = false;

  constructor(private readonly o: MessageWaitingOptions) {
    this.rules = o.expiry ?? DEFAULT_EXPIRY;
  }

  /** Installs the SUBSCRIBE handler. */
  register(srf: MwiSrf, registrar: MwiRegistrar): void {
    this.srf = srf;
    this.registrar = registrar;
    srf.use('subscribe', (req, res) => {
      this.onSubscribe(req, res).catch((err: unknown) => {
        this.o.log.error({ err: String(err) }, 'SUBSCRIBE handling failed');
        try {
          res.send(500, 'Server Internal Error');
        } catch {
          // a response already went out
        }
      });
    });
  }

  /** Subscriptions in progress for a user (all users when undefined). */
  subscriptionCount(userId?: string): number {
    return [...this.subs].filter((s) => userId === undefined || s.userId === userId).length;
  }

  /** The user's counts changed: NOTIFY every subscription of the user, and unsubscribed devices when configured. */
  async changed(userId: string): Promise<void> {
    if (this.closed) return;
    const mine = [...this.subs].filter((s) => s.userId === userId);
    for (const s of mine) void this.notify(s);
    if (this.o.unsolicited) await this.notifyUnsubscribed(userId, mine);
  }

  /** Forgets every subscription (no NOTIFY: the subscribers refresh into the next process). Idempotent. */
  close(): void {
    this.closed = true;
    for (const s of this.subs) this.o.clock.clearTimeout(s.timer);
    this.subs.clear();
  }

  private async onSubscribe(req: MwiRequest, res: MwiResponse): Promise<void> {
    if (eventPackage(req.get('Event')) !== MESSAGE_SUMMARY_EVENT) {
      return res.send(489, 'Bad Event', { headers: { 'Allow-Events': MESSAGE_SUMMARY_EVENT } });
    }
    const auth = await this.registrar?.authenticate(req, res);
    if (auth?.type !== 'Authenticated') return;
    if (!acceptsSummary(req.get('Accept'))) return res.send(406, 'Not Acceptable', { headers: { Accept: MESSAGE_SUMMARY_TYPE } });
    if (!this.o.account(auth.userId)) return res.send(404, 'No Mailbox');
    const granted = grantExpires(req.get('Expires'), this.rules);
    if (!granted.ok) return res.send(423, 'Interval Too Brief', { headers: { 'Min-Expires': String(granted.minS) } });
    const dialog = await this.srf?.createUAS(req, res, { headers: { Expires: String(granted.expiresS) } });
    if (!dialog) return;
    const sub: Subscription = {
      userId: auth.userId, dialog, source: { address: req.source_address, port: Number(req.source_port) },
      expiresAt: 0, timer: undefined, sending: false, again: false, ended: false,
    };
    if (granted.expiresS === 0) return void this.terminate(sub, 'terminated;reason=timeout'); // a fetch (§4.4.3)
    this.subs.add(sub);
    this.arm(sub, granted.expiresS);
    dialog.on('subscribe', (r, s) => this.onRefresh(sub, r, s));
    dialog.on('unsubscribe', () => void this.terminate(sub, 'terminated'));
    dialog.on('destroy', () => this.forget(sub));
    this.o.log.info({ userId: sub.userId, expiresS: granted.expiresS }, 'message-summary subscription');
    await this.notify(sub);
  }

  private onRefresh(sub: Subscription, req: MwiRequest, res: MwiResponse): void {
    const granted = grantExpires(req.get('Expires'), this.rules);
    if (!granted.ok) return res.send(423, 'Interval Too Brief', { headers: { 'Min-Expires': String(granted.minS) } });
    res.send(200, { headers: { Expires: String(granted.expiresS) } });
    if (granted.expiresS === 0) return void this.terminate(sub, 'terminated');
    this.arm(sub, granted.expiresS);
    void this.notify(sub);
  }

  private arm(sub: Subscription, expiresS: number): void {
    this.o.clock.clearTimeout(sub.timer);
    sub.expiresAt = this.o.clock.now() + expiresS * 1000;
    sub.timer = this.o.clock.setTimeout(() => void this.terminate(sub, 'terminated;reason=timeout'), expiresS * 1000);
  }

  /** Sends the current counts; while one NOTIFY is in flight, later changes collapse into one more. */
  private async notify(sub: Subscription): Promise<void> {
    if (sub.ended) return;
    if (sub.sending) {
      sub.again = true;
      return;
    }
    sub.sending = true;
    try {
      do {
        sub.again = false;
        const remainingS = Math.max(0, Math.ceil((sub.expiresAt - this.o.clock.now()) / 1000));
        const status = await this.send(sub, `active;expires=${remainingS}`);
        if (status === 481 || status === 408) return this.forget(sub);
      } while (sub.again && !sub.ended);
    } finally {
      sub.sending = false;
    }
  }

  private async terminate(sub: Subscription, state: string): Promise<void> {
    if (sub.ended) return;
    this.forget(sub);
    await this.send(sub, state);
  }

  private forget(sub: Subscription): void {
    sub.ended = true;
    this.o.clock.clearTimeout(sub.timer);
    this.subs.delete(sub);
  }

  /** One in-dialog NOTIFY; resolves with the final status (408 when it could not be sent). */
  private async send(sub: Subscription, subscriptionState: string): Promise<number> {
    const body = await this.body(sub.userId);
    if (body === undefined) return 404;
    const headers: Headers = { Event: MESSAGE_SUMMARY_EVENT, 'Subscription-State': subscriptionState, 'Content-Type': MESSAGE_SUMMARY_TYPE };
    return new Promise((resolve) => {
      try {
        sub.dialog.request({ method: 'NOTIFY', headers, body }, (err, res) => {
          if (err) resolve(408);
          else if (res && res.status >= 200) resolve(res.status);
        });
      } catch {
        resolve(408);
      }
    });
  }

  private async body(userId: string): Promise<string | undefined> {
    const account = this.o.account(userId);
    if (!account) return undefined;
    return messageSummaryBody(await this.o.counts(userId), account);
  }

  /** Out-of-dialog NOTIFY to each registered device of the user without a subscription. */
  private async notifyUnsubscribed(userId: string, subs: readonly Subscription[]): Promise<void> {
    const srf = this.srf;
    const account = this.o.account(userId);
    if (!srf || !this.registrar || !account) return;
    const contacts = (await this.registrar.lookup(userId)).filter((c) => !subs.some((s) => holds(s, c)));
    if (contacts.length === 0) return;
    const body = messageSummaryBody(await this.o.counts(userId), account);
    await Promise.all(contacts.map(async (c) => {
      const headers: Headers = {
        ...c.uacOptions.headers, To: `<${account}>`, From: `<${account}>`,
        Event: MESSAGE_SUMMARY_EVENT, 'Subscription-State': 'active', 'Content-Type': MESSAGE_SUMMARY_TYPE,
      };
      try {
        await srf.request(c.uri, { method: 'NOTIFY', headers, body, ...(c.uacOptions.proxy ? { proxy: c.uacOptions.proxy } : {}) });
      } catch (err) {
        this.o.log.warn({ userId, err: String(err) }, 'unsolicited NOTIFY not sent');
      }
    }));
  }
}

/** Whether subscription `s` was made by the device registered as `c` (same Contact, or same flow). */
function holds(s: Subscription, c: ReachableContact): boolean {
  if (sameUri(s.dialog.remote.uri, c.uri)) return true;
  return c.source !== undefined && c.source.address === s.source.address && c.source.port === s.source.port;
}

function sameUri(a: string, b: string): boolean {
  const bare = (u: string): string => u.replace(/^<|>$/g, '').split(';')[0]?.toLowerCase() ?? '';
  return bare(a) === bare(b);
}
