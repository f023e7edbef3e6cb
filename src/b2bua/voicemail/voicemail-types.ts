/**
 * What the voicemail service (issue #5) is given and what it hands out. Like the rest of
 * src/b2bua it sees drachtio-srf and the media server only through the small shapes it
 * uses, so the real Srf, a real MediaPort (embedded or FreeSWITCH) and unit-test fakes fit.
 */
import type { Logger } from 'pino';
import type { CallEvent } from '../../events/index.js';
import type { MediaPort } from '../../media/index.js';
import type { Clock } from '../../shared/index.js';
import type { Store } from '../../state/index.js';

/** A user with a mailbox: the dialplan's `User` fits as it is. */
export interface VoicemailUser {
  readonly id: string;
  readonly businessNumber?: string | undefined;
  readonly extension?: string | undefined;
  readonly sip?: { readonly username: string };
  readonly voicemail: { readonly enabled: false } | { readonly enabled: true; readonly pin: { reveal(): string } };
}

export interface VoicemailSettings {
  /** Longest message; the recording stops there (default 180 000). */
  readonly maxMessageMs: number;
  /** Shorter messages are discarded (default 1 500). */
  readonly minMessageMs: number;
  /** Continuous silence that ends a message (default 5 000). */
  readonly silenceTimeoutMs: number;
  /** Wrong PINs in a row that lock the mailbox (default 3). */
  readonly pinMaxFailures: number;
  /** How long a locked mailbox stays locked (default 15 min). */
  readonly pinLockMs: number;
  /** Out-of-dialog NOTIFY to registered devices without a subscription (default false). */
  readonly unsolicitedMwi: boolean;
}

export const DEFAULT_VOICEMAIL_SETTINGS: VoicemailSettings = Object.freeze({
  maxMessageMs: 180_000,
  minMessageMs: 1500,
  silenceTimeoutMs: 5000,
  pinMaxFailures: 3,
  pinLockMs: 15 * 60_000,
  unsolicitedMwi: false,
});

/** Where voicemail events go: the event log (`EventLog.append` fits). */
export interface VoicemailEventSink {
  append(event: CallEvent): Promise<unknown>;
}

/**
 * The next unused event seq of a call (the CRM worker is idempotent on callId + seq, so a
 * voicemail event must not reuse one of the call's). The control API's CallSequence fits:
 * it answers once the call has ended and recorded its last seq; until then it rejects and
 * the service retries (see VoicemailEvents).
 */
export interface EventSequence {
  /** `userId`: whose recent calls hold the call. */
  next(callId: string, userId: string): Promise<number>;
}

export interface VoicemailServiceOptions {
  readonly media: MediaPort;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: VoicemailEventSink;
  readonly sequence: EventSequence;
  /** Message and greeting files, one sub-folder per user (a path the media server can read and write). */
  readonly dir: string;
  /** The generated prompts (scripts/build-prompts.ts). */
  readonly promptsDir: string;
  readonly users: readonly VoicemailUser[];
  /** The SIP domain of users' AORs (`sip:<username>@<domain>`): the MWI Message-Account. */
  readonly domain: string;
  readonly settings?: Partial<VoicemailSettings>;
  /** Wall clock, epoch ms, for message times. Default Date.now. */
  readonly epochNow?: () => number;
}

/**
 * Why a call went to voicemail (the core's forwarding condition): `unconditional` is the
 * user's "forward always to voicemail", distinct from `dnd`. Every reason gets the same
 * greeting (the user's own, else the default prompt); the reason is logged.
 */
export type DepositReason = 'dnd' | 'unconditional' | 'no-answer' | 'busy' | 'unreachable';

export interface DepositOptions {
  /** The caller's offer; absent for a late-offer INVITE (we offer, the ACK answers through modify()). */
  readonly remoteSdp?: string | undefined;
  readonly reason: DepositReason;
  /** E.164 number or SIP URI of the caller; 'anonymous' when withheld. */
  readonly callerNumber: string;
  /** The call's id: events and the message carry it. */
  readonly callId: string;
}

export interface RetrievalOptions {
  /** True when the caller is the mailbox owner's own registered device: no PIN is asked. */
  readonly authenticated: boolean;
  /** The call's id, for logs. */
  readonly callId?: string;
}

/** One message as the control API lists it. */
export interface VoicemailMessage {
  readonly id: string;
  /** The caller: E.164 number, SIP URI or 'anonymous'. */
  readonly from: string;
  /** When it was left, ISO 8601. */
  readonly at: string;
  readonly durationMs: number;
  readonly heard: boolean;
  /** The WAV's file name inside the user's folder. */
  readonly file: string;
  /** The call that left it. */
  readonly callId: string;
}

export interface MessageCounts {
  /** Not heard yet. */
  readonly new: number;
  /** Heard (or saved) and kept. */
  readonly old: number;
}

/** A WAV for download. */
export interface MessageFile {
  readonly path: string;
  readonly size: number;
}

export type Logged = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
