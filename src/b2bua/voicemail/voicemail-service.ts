/**
 * The voicemail service (issue #5): deposit, message waiting, retrieval by phone, and the
 * visual-voicemail operations of the control API. Call control reaches it through small
 * hooks (docs/voicemail.md): a call routed to voicemail gets its B leg from createLeg()
 * instead of srf.createUAC; a call to one's own mailbox gets it from createRetrievalLeg().
 * Media goes through the MediaPort handed in, so the embedded endpoint and FreeSWITCH serve
 * alike (message files must then be on a path both the media server and this process see).
 */
import { LinegateError } from '../../shared/index.js';
import type { MediaEndpoint } from '../../media/index.js';
import { runDeposit } from './deposit.js';
import { IvrMedia } from './ivr-media.js';
import { MailboxStore } from './mailbox-store.js';
import { Mailboxes } from './mailboxes.js';
import { MessageFiles } from './message-files.js';
import { MessageWaiting } from './message-waiting.js';
import type { MwiRegistrar, MwiSrf } from './mwi-srf.js';
import { PinGuard } from './pin-guard.js';
import { runRetrieval, type RetrievalDeps, type RetrievalOutcome } from './retrieval-menu.js';
import { VoicemailEvents } from './voicemail-events.js';
import { VoicemailLeg } from './voicemail-leg.js';
import {
  DEFAULT_VOICEMAIL_SETTINGS, type DepositOptions, type Logged, type MessageCounts, type MessageFile, type RetrievalOptions,
  type VoicemailMessage, type VoicemailServiceOptions, type VoicemailSettings, type VoicemailUser,
} from './voicemail-types.js';

export const VOICEMAIL_NO_MAILBOX = 'VOICEMAIL_NO_MAILBOX';
export const VOICEMAIL_CLOSED = 'VOICEMAIL_CLOSED';

export interface RetrievalLegOptions {
  readonly remoteSdp?: string | undefined;
  readonly callId: string;
  readonly authenticated: boolean;
}

export class VoicemailService {
  readonly settings: VoicemailSettings;
  private readonly users: ReadonlyMap<string, VoicemailUser>;
  private readonly log: Logged;
  private readonly mailboxes: Mailboxes;
  private readonly mwi: MessageWaiting;
  private readonly events: VoicemailEvents;
  private readonly deps: RetrievalDeps;
  private readonly legs = new Set<VoicemailLeg>();
  private closing = false;

  constructor(private readonly o: VoicemailServiceOptions) {
    this.settings = { ...DEFAULT_VOICEMAIL_SETTINGS, ...o.settings };
    this.users = new Map(o.users.map((u) => [u.id, u]));
    this.log = o.logger.child({ component: 'voicemail' });
    const epochNow = o.epochNow ?? Date.now;
    const files = new MessageFiles(o.dir);
    this.events = new VoicemailEvents(o.events, o.sequence, o.clock, this.log, epochNow);
    this.mwi = new MessageWaiting({
      clock: o.clock, log: this.log, unsolicited: this.settings.unsolicitedMwi,
      counts: (userId) => this.mailboxes.counts(userId),
      account: (userId) => this.accountOf(userId),
    });
    this.mailboxes = new Mailboxes({
      store: new MailboxStore(o.store), files, events: this.events, log: this.log,
      countsChanged: (userId) => void this.mwi.changed(userId).catch((err: unknown) => this.log.warn({ userId, err: String(err) }, 'MWI update failed')),
    });
    this.deps = {
      mailboxes: this.mailboxes, files, settings: this.settings, log: this.log, epochNow,
      pins: new PinGuard(o.store, this.settings.pinMaxFailures, this.settings.pinLockMs),
      findUser: (key) => this.findUser(key),
    };
  }

  /** Whether calls for this user may go to voicemail. */
  hasMailbox(userId: string): boolean {
    return this.users.get(userId)?.voicemail.enabled === true;
  }

  /** Installs the SUBSCRIBE (message-summary) handler; unsolicited NOTIFYs need it too. */
  register(srf: MwiSrf, registrar: MwiRegistrar): void {
    this.mwi.register(srf, registrar);
  }

  /** A deposit leg for a call diverted to `userId`'s voicemail; rejects with VOICEMAIL_NO_MAILBOX or the media's error. */
  async createLeg(userId: string, o: DepositOptions): Promise<VoicemailLeg> {
    if (!this.hasMailbox(userId)) throw new LinegateError(VOICEMAIL_NO_MAILBOX, `user ${userId} has no voicemail`);
    const media = await this.newMedia(o.remoteSdp);
    this.log.info({ userId, callId: o.callId, reason: o.reason }, 'call to voicemail');
    return this.track(new VoicemailLeg(media, o.callId, async () => {
      await runDeposit(this.deps, media, userId, o);
    }, this.log));
  }

  /** A retrieval leg: `userId` known (own device, or own number) or asked for (undefined). */
  async createRetrievalLeg(userId: string | undefined, o: RetrievalLegOptions): Promise<VoicemailLeg> {
    if (userId !== undefined && !this.hasMailbox(userId)) throw new LinegateError(VOICEMAIL_NO_MAILBOX, `user ${userId} has no voicemail`);
    const media = await this.newMedia(o.remoteSdp);
    return this.track(new VoicemailLeg(media, o.callId, async () => {
      await runRetrieval(this.deps, media, userId, o.authenticated);
    }, this.log));
  }

  /** Runs the retrieval menu on an endpoint the caller already has; resolves when it ends (the endpoint stays). */
  retrieve(userId: string | undefined, endpoint: MediaEndpoint, o: RetrievalOptions): Promise<RetrievalOutcome> {
    this.log.info({ userId, callId: o.callId, authenticated: o.authenticated }, 'voicemail retrieval');
    return runRetrieval(this.deps, new IvrMedia(endpoint, this.o.promptsDir), userId, o.authenticated);
  }

  // ── Visual voicemail (control API) ───────────────────────────────────────────────

  /** Newest first. */
  list(userId: string): Promise<VoicemailMessage[]> {
    return this.mailboxes.list(userId);
  }

  counts(userId: string): Promise<MessageCounts> {
    return this.mailboxes.counts(userId);
  }

  /** The WAV of a message, for download; undefined when there is no such message (or its file is gone). */
  open(userId: string, messageId: string): Promise<MessageFile | undefined> {
    return this.mailboxes.open(userId, messageId);
  }

  /** False when there is no such message. */
  markHeard(userId: string, messageId: string): Promise<boolean> {
    return this.mailboxes.markHeard(userId, messageId, 'api');
  }

  /** False when there is no such message. */
  delete(userId: string, messageId: string): Promise<boolean> {
    return this.mailboxes.delete(userId, messageId);
  }

  // ── Lifecycle ────────────────────────────────────────────────────────────────────

  /** Voicemail calls in progress. */
  get activeLegs(): number {
    return this.legs.size;
  }

  /**
   * Graceful: no new legs; waits for the legs in progress to finish (the shell ends them as
   * calls end) and for their events, then stops message waiting. Idempotent.
   */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.legs].map((l) => l.finished));
    await this.events.flushed();
    this.events.close();
    this.mwi.close();
  }

  /** Forced: ends every voicemail call now (recordings in progress are kept). */
  async destroy(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.legs].map((l) => l.destroy()));
    this.events.close();
    this.mwi.close();
  }

  private async newMedia(remoteSdp: string | undefined): Promise<IvrMedia> {
    if (this.closing) throw new LinegateError(VOICEMAIL_CLOSED, 'the voicemail service is closing');
    const endpoint = await this.o.media.createEndpoint(remoteSdp ? { remoteSdp } : {});
    return new IvrMedia(endpoint, this.o.promptsDir);
  }

  private track(leg: VoicemailLeg): VoicemailLeg {
    this.legs.add(leg);
    void leg.finished.then(() => this.legs.delete(leg));
    return leg;
  }

  private accountOf(userId: string): string | undefined {
    const u = this.users.get(userId);
    if (!u?.voicemail.enabled) return undefined;
    return `sip:${u.sip?.username ?? u.id}@${this.o.domain}`;
  }

  /** By id, else by extension or business number (digits, with or without the +). */
  private findUser(key: string): VoicemailUser | undefined {
    const byId = this.users.get(key);
    if (byId) return byId;
    const digits = key.replace(/^\+/, '');
    if (digits === '') return undefined;
    return [...this.users.values()].find((u) => u.extension === digits || u.businessNumber?.replace(/^\+/, '') === digits);
  }
}
