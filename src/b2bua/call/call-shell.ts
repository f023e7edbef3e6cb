/**
 * The B2BUA shell (issue #3 "Calls in/out"): for each INVITE it finds where the call comes
 * from (a trunk by source address, else a device authenticated by the Registrar), asks
 * the core for a decision (call-decider.ts reads its inputs from the dialplan, the Store and
 * the Registrar), starts a CallSession and hands it the decision. Counters of calls in progress (per user, per trunk) are taken once a call is
 * admitted and released when its session settles, on every path.
 *
 * It is also the control API's CallControl: click-to-call (click-to-call-session.ts),
 * notes and opportunity tags on live calls (live-calls.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallRequest, CallSource, NumberingPlan } from '../../call/index.js';
import { findCallee, isAnonymous } from '../../call/index.js';
import type { Dialplan } from '../../config/index.js';
import type { CallEvent } from '../../events/index.js';
import { LinegateError } from '../../shared/index.js';
import type { Clock } from '../../shared/index.js';
import { DEFAULT_PROMPT_DIR, promptPath } from '../../media/index.js';
import type { MediaPort } from '../../media/index.js';
import type { Store } from '../../state/index.js';
import type { RecordingService } from '../recording/index.js';
import type { VoicemailService } from '../voicemail/index.js';
import { CallSequence } from '../control/index.js';
import type { CallControl, ClickToCallOptions } from '../control/index.js';
import type { CallMetrics } from './call-metrics.js';
import { NO_CALL_METRICS } from './call-metrics.js';
import type { CallRegistrar } from './call-registrar.js';
import { CallDecider, voicemailTarget } from './call-decider.js';
import { CallerCancel } from './caller-cancel.js';
import { isAuthenticated } from './call-registrar.js';
import { callRequestOf, recogniseSource } from './call-source.js';
import type { SessionDeps } from './call-session.js';
import { CallSession } from './call-session.js';
import { clickToCallPlan, clickToCallRequest } from './click-to-call.js';
import { ClickToCallSession } from './click-to-call-session.js';
import type { ContactDirectory } from './contact-directory.js';
import { lookupWithin } from './contact-directory.js';
import type { Fetch } from './emergency-notifier.js';
import { EmergencyNotifier } from './emergency-notifier.js';
import { CallEventWriter } from './event-writer.js';
import type { EventSink } from './event-writer.js';
import type { Held } from './held-counters.js';
import { heldFor, takeCounters } from './held-counters.js';
import type { EndedCallRecorder } from './live-calls.js';
import { LiveCalls } from './live-calls.js';
import { anchorFor, answerRetrieval, DEFAULT_RETRIEVAL_CODE, isRetrievalCall, recordingUsersOf } from './media-hooks.js';
import { numberingFor } from './numbers.js';
import { RETRY_AFTER_S } from './line-users.js';
import { RecentCallRecorder } from './recent-calls.js';
import type { OverloadSignal } from './overload-guard.js';
import type { ShellRequest, ShellResponse, ShellSrf } from './shell-srf.js';

export interface CallShellOptions {
  srf: ShellSrf;
  dialplan: Dialplan;
  store: Store;
  events: EventSink;
  registrar: CallRegistrar;
  clock: Clock;
  logger: Logger;
  directory?: ContactDirectory;
  /** Time budget of a directory lookup; default 150 ms. */
  directoryBudgetMs?: number;
  /** Where voicemail routes go when no `voicemail` service is wired; default the dialplan's serviceUri. */
  voicemailUri?: string;
  /** linegate's own voicemail: voicemail legs and retrieval calls are its legs (docs/voicemail.md). */
  voicemail?: VoicemailService;
  /** Dialled from one's own device to reach one's mailbox; default `*98`. */
  retrievalCode?: string;
  /**
   * The media endpoint calls are anchored on when their recording policy needs it (with
   * `recordings`), and that plays the press-1 prompt (press-one.ts; without it, INFO only).
   */
  media?: MediaPort;
  /** Where the prompts are (the press-1 prompt); default var/prompts. */
  promptsDir?: string;
  recordings?: RecordingService;
  fetch?: Fetch;
  /** Default Date.now: the wall-clock `at` of inputs and events. */
  epochNow?: () => number;
  /** Default Math.random: glare retry waits. */
  random?: () => number;
  /** Where ended calls' last event seq goes; default a CallSequence on `store`. */
  sequence?: EndedCallRecorder;
  metrics?: CallMetrics;
  /** Admission control: while it says so, new calls but emergency ones get 503 (overload-guard.ts). */
  overload?: OverloadSignal;
}

type AnySession = CallSession | ClickToCallSession;

export class CallShell implements CallControl {
  private readonly sessions = new Map<AnySession, Held[]>();
  private readonly decider: CallDecider;
  private readonly live: LiveCalls;
  private readonly recent: RecentCallRecorder;
  private readonly metrics: CallMetrics;
  private readonly notifier: EmergencyNotifier;
  private readonly log: Logger;
  private readonly numbering: NumberingPlan;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: CallShellOptions) {
    this.log = o.logger.child({ component: 'call-shell' });
    this.live = new LiveCalls(o.sequence ?? new CallSequence(o.store), () => this.epochNow(), this.log);
    this.recent = new RecentCallRecorder(o.store, this.log);
    this.metrics = o.metrics ?? NO_CALL_METRICS;
    this.decider = new CallDecider({
      dialplan: o.dialplan, store: o.store, registrar: o.registrar, metrics: this.metrics, overload: o.overload,
      voicemailUri: voicemailTarget(o.dialplan, o.voicemailUri),
    });
    this.numbering = numberingFor(o.dialplan.defaultCountry);
    const fetchFn: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
    this.notifier = new EmergencyNotifier(o.dialplan.emergency.notify, o.srf, fetchFn, this.log);
  }

  /** Routes INVITEs of the srf to this shell. */
  start(): void {
    this.o.srf.invite((req, res) => {
      // Before any await: the CANCEL may be emitted in this very tick (caller-cancel.ts).
      const cancel = new CallerCancel(req);
      this.onInvite(req, res, cancel).catch((err: unknown) => {
        this.log.error({ err: String(err), callId: req.get('Call-ID') }, 'INVITE handling failed');
        if (!res.finalResponseSent) res.send(500, 'Server Internal Error');
      });
    });
  }

  /** New calls get 503 + Retry-After (emergency calls excepted); calls in progress go on. */
  drain(): void {
    this.draining = true;
  }

  isDraining(): boolean {
    return this.draining;
  }

  activeCalls(): number {
    return this.sessions.size;
  }

  /** Resolves true when no call is left, false if `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.sessions.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => { this.o.clock.clearTimeout(timer); resolve(true); });
    });
  }

  /** Forced drain: ends every call in progress but emergency calls (architecture §3). */
  endAll(): void {
    for (const s of [...this.sessions.keys()]) {
      if (s instanceof CallSession) s.feed({ type: 'Drain', force: true, retryAfterS: RETRY_AFTER_S, at: 0 });
      else s.forceEnd();
    }
  }

  /**
   * CallControl: RFC 3725 flow I (click-to-call-session.ts). The destination is decided as
   * a call out from the user's device would be; refusals reject with a LinegateError.
   */
  async clickToCall(userId: string, destination: string, opts: ClickToCallOptions = {}): Promise<{ callId: string }> {
    const base = this.decider.users.find((u) => u.id === userId);
    if (!base) throw new LinegateError('USER_NOT_FOUND', `no user ${userId}`);
    const callId = randomUUID();
    const request = clickToCallRequest(callId, base, destination);
    const decided = await this.decider.decide(request, userId, this.draining);
    const devices = await this.o.registrar.lookup(userId);
    const plan = clickToCallPlan({ callId, user: decided.user, destination, route: decided.route, dialplan: this.o.dialplan, devices, known: decided.devices });
    const log = this.log.child({ callId, clickToCall: true });
    const deps = this.sessionDeps(log, callId, () => [userId]);
    const session = new ClickToCallSession({ ...deps, onSettled: (s) => this.settled(s, callId) }, plan);
    this.sessions.set(session, []);
    try {
      await this.hold(session, heldFor(request, decided.route, userId));
    } catch (err) {
      // Not started, so no event was written: the session is forgotten and what it took given back.
      this.settled(session, callId);
      throw err;
    }
    session.start();
    if (opts.opportunityId !== undefined) deps.events.annotate(callId, userId, this.epochNow(), { type: 'opportunity.tagged', opportunityId: opts.opportunityId });
    return { callId };
  }

  /** CallControl: note.added with the live call's next seq; CALL_NOT_ACTIVE when it is not live here. */
  addNote(callId: string, userId: string, text: string): Promise<void> {
    return this.live.annotate(callId, userId, { type: 'note.added', text });
  }

  tagOpportunity(callId: string, userId: string, opportunityId: string): Promise<void> {
    return this.live.annotate(callId, userId, { type: 'opportunity.tagged', opportunityId });
  }

  /**
   * From call.started on (the session's first event) a failure must still end the call with
   * its call.ended: whatever throws in deciding and preparing it (the Store, the media anchor,
   * the counters) is fed to the session as ShellFailed, which also releases what it holds.
   * A failure before the session exists is answered 500 by start().
   */
  private async onInvite(req: ShellRequest, res: ShellResponse, cancel: CallerCancel): Promise<void> {
    const source = await this.sourceOf(req, res);
    if (!source) return;
    if (source.kind === 'device' && this.retrievalFor(req, source.userId)) {
      return answerRetrieval(this.o.voicemail as VoicemailService, this.o.srf, req, res, source.userId, req.get('Call-ID') ?? randomUUID(), this.log);
    }
    const request = callRequestOf(req, source, this.o.dialplan);
    const owner = source.kind === 'device' ? source.userId : findCallee(this.decider.users, request.to, this.numbering)?.id;
    if (!owner) return cancel.cancelled ? undefined : res.send(404, 'Not Found');
    await this.withDisplayName(request);
    const log = this.log.child({ callId: request.callId });
    // Called only on a note/tag, after the session exists.
    const users = (): string[] => [owner, ...(session.state.calleeUserId ? [session.state.calleeUserId] : [])];
    const deps = this.sessionDeps(log, request.callId, users);
    const session = new CallSession({ ...deps, onSettled: (s) => this.settled(s, request.callId) }, req, res, { request, userId: owner });
    this.sessions.set(session, []);
    session.watchCancel(cancel);
    try {
      await this.prepare(session, req, request, owner, log);
    } catch (err) {
      log.error({ err: String(err) }, 'call not decided: internal failure, the call ends (internal-error)');
      // Mostly the Store out of reach: 503 + Retry-After, so a carrier tries elsewhere or later.
      session.feed({ type: 'ShellFailed', step: 'decide', retryAfterS: RETRY_AFTER_S, at: 0 });
    }
  }

  /** Decides the call, sets up its media anchor and leg context, takes its counters, and starts it. */
  private async prepare(session: CallSession, req: ShellRequest, request: CallRequest, owner: string, log: Logger): Promise<void> {
    const decided = await this.decider.decide(request, owner, this.draining);
    const userIds = recordingUsersOf(decided.route, owner);
    const anchor = await anchorFor(this.o.media, this.o.recordings, decided.route, userIds, req.body || undefined, log);
    if (anchor && session.isSettled()) void anchor.close(); // cancelled meanwhile
    else if (anchor) {
      session.anchor = anchor;
      session.recordingUsers = userIds;
    }
    session.legContext = { dialplan: this.o.dialplan, offer: anchor?.offerToCallee ?? (req.body || undefined), devices: decided.devices };
    await this.hold(session, heldFor(request, decided.route, owner));
    session.feed({ type: 'Decided', route: decided.route, at: 0 });
  }

  /** A device of `userId` calling its own mailbox (docs/voicemail.md hook 3), with linegate's voicemail wired. */
  private retrievalFor(req: ShellRequest, userId: string): boolean {
    const user = this.decider.dialplanUser(userId);
    const vm = this.o.voicemail;
    if (!vm || !user || !vm.hasMailbox(userId)) return false;
    return isRetrievalCall(req, user, this.o.retrievalCode ?? DEFAULT_RETRIEVAL_CODE, this.o.dialplan.defaultCountry);
  }

  private async sourceOf(req: ShellRequest, res: ShellResponse): Promise<CallSource | undefined> {
    const recognised = recogniseSource(req, this.o.dialplan);
    if (recognised) return recognised;
    const auth = await this.o.registrar.authenticate(req, res);
    return isAuthenticated(auth) ? { kind: 'device', userId: auth.userId } : undefined;
  }

  private async withDisplayName(request: CallRequest): Promise<void> {
    const number = request.from.number;
    // Overloaded: no directory (CRM) lookup, the call is about to be refused (or is an emergency call).
    if (!this.o.directory || request.from.display || isAnonymous(request.from) || !number || this.o.overload?.isOverloaded()) return;
    const name = await lookupWithin(this.o.directory, number, this.o.directoryBudgetMs ?? 150, this.o.clock);
    if (name) request.from.display = name;
  }

  /**
   * Takes the call's counters; a call that settled meanwhile gives them back at once. If one
   * cannot be taken, those taken are still given back with the session, and it throws.
   */
  private async hold(session: AnySession, held: Held[]): Promise<void> {
    const took = await takeCounters(this.o.store, held);
    const list = this.sessions.get(session);
    if (list) list.push(...took.taken);
    else await this.release(took.taken);
    if ('failure' in took) throw took.failure;
  }

  private release(held: readonly Held[]): Promise<unknown> {
    return Promise.all(held.map((h) => this.o.store.decrCounter(h.name, h.id))).catch((err: unknown) =>
      this.log.error({ err: String(err) }, 'counter release failed'));
  }

  private epochNow(): number {
    return this.o.epochNow?.() ?? Date.now();
  }

  /** A call's event writer (registered as live for annotations) and the rest of its deps. */
  private sessionDeps(log: Logger, callId: string, users: () => readonly string[]): Omit<SessionDeps, 'onSettled'> {
    const events = new CallEventWriter(this.o.events, (err, ev) =>
      log.error({ err: String(err), type: ev.type, seq: ev.seq }, 'call event not written'),
    (ev, ms) => this.observe(ev, ms));
    this.live.add(callId, events, users);
    return {
      srf: this.o.srf, clock: this.o.clock, log, events, notifier: this.notifier,
      ...(this.o.voicemail ? { voicemail: this.o.voicemail } : {}),
      ...(this.o.recordings ? { recordings: this.o.recordings } : {}),
      ...(this.o.media ? { media: this.o.media, pressOnePrompt: promptPath(this.o.promptsDir ?? DEFAULT_PROMPT_DIR, 'press-one') } : {}),
      epochNow: () => this.epochNow(),
      random: this.o.random ?? Math.random,
    };
  }

  private async observe(ev: CallEvent, appendMs: number): Promise<void> {
    this.metrics.appended(ev, appendMs);
    await this.recent.record(ev);
  }

  /** A session settled: counters back, last seq recorded for the API, idle waiters told. */
  private settled(s: AnySession, callId: string): void {
    const held = this.sessions.get(s) ?? [];
    this.sessions.delete(s);
    void this.release(held);
    if (s instanceof CallSession && s.anchor) {
      // The recording is finished (docs/recording.md hook 4), then the media goes.
      const anchor = s.anchor;
      void (this.o.recordings?.callEnded(callId) ?? Promise.resolve()).finally(() => anchor.close());
    }
    void this.live.ended(callId);
    if (this.sessions.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
