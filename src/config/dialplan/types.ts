/**
 * The parsed, normalised dialplan that the rest of linegate reads (issue #3).
 * Every default is filled in, every number is E.164, secrets are resolved into
 * Secret values, and the whole tree is deep-frozen. The YAML format it comes from is
 * schema/dialplan.schema.json, documented in docs/dialplan.md.
 */
import type { Secret } from './secret.js';

/** `+` followed by 2 to 15 digits, validated with libphonenumber-js. */
export type E164 = string;

export interface Dialplan {
  /** The file it was loaded from, as given to loadDialplan. */
  readonly file: string;
  readonly version: 1;
  readonly domain: string;
  /** ISO 3166-1 alpha-2, e.g. `US`. */
  readonly defaultCountry: string;
  readonly drainTimeoutS: number;
  /** Absent: the control API is disabled. */
  readonly controlApi: ControlApiSettings | undefined;
  readonly registrar: RegistrarSettings;
  readonly limits: DialplanLimits;
  readonly overload: OverloadSettings;
  readonly ringing: RingingSettings;
  /** Absent: no user has voicemail. */
  readonly voicemail: VoicemailService | undefined;
  readonly recording: RecordingSettings;
  readonly media: MediaSettings;
  readonly outbound: OutboundRules;
  readonly users: readonly User[];
  readonly trunks: readonly Trunk[];
  readonly emergency: EmergencySettings;
}

export interface ControlApiSettings {
  readonly token: Secret;
}

export type DigestAlgorithm = 'SHA-256' | 'MD5';

export interface RegistrarSettings {
  readonly minExpiresS: number;
  readonly maxExpiresS: number;
  readonly defaultExpiresS: number;
  readonly nonceLifetimeS: number;
  /** Strongest first. */
  readonly algorithms: readonly DigestAlgorithm[];
  readonly lockout: { readonly maxFailures: number; readonly windowS: number; readonly durationS: number };
}

export interface DialplanLimits {
  readonly concurrentCallsPerUser: number;
  readonly concurrentCallsPerTrunk: number;
  readonly maxCallDurationS: number;
}

/**
 * Admission control (docs/dialplan.md "Overload"): while the call-control event loop lags,
 * new calls other than emergency calls get 503 + Retry-After. leaveLagMs < enterLagMs.
 */
export interface OverloadSettings {
  readonly enabled: boolean;
  /** Mean event-loop lag (ms) over one window that makes the process overloaded. */
  readonly enterLagMs: number;
  /** Mean lag (ms) under which it is no longer overloaded (hysteresis). */
  readonly leaveLagMs: number;
  readonly retryAfterS: number;
}

/** Dialplan-wide ringing defaults (docs/dialplan.md "Ringing"). */
export interface RingingSettings {
  /** Press-1 window of a `confirm: true` target that sets none of its own. */
  readonly confirmTimeoutS: number;
  /** Ring time of a sequential plan's target that sets none of its own (RingTarget.timeoutS undefined). */
  readonly defaultTargetTimeoutS: number;
}

/**
 * `internal`: linegate answers, records and plays voicemail itself (src/b2bua/voicemail on
 * the media endpoint); `external`: voicemail calls go to `serviceUri`.
 */
export type VoicemailService = InternalVoicemail | ExternalVoicemail;

export interface ExternalVoicemail {
  readonly service: 'external';
  readonly serviceUri: string;
}

export interface InternalVoicemail {
  readonly service: 'internal';
  /** Message and greeting files; undefined: `voicemail/` in the var folder. */
  readonly dir: string | undefined;
  readonly promptsDir: string;
  /** Dialled from one's own registered device to reach one's mailbox (default `*98`). */
  readonly retrievalCode: string;
  readonly maxMessageMs: number;
  readonly minMessageMs: number;
  readonly silenceTimeoutMs: number;
  readonly pinMaxFailures: number;
  readonly pinLockMs: number;
  readonly unsolicitedMwi: boolean;
}

export interface RecordingSettings {
  /** undefined: `recordings/` in the var folder. */
  readonly dir: string | undefined;
  /** undefined: recordings are kept forever. */
  readonly retentionDays: number | undefined;
  readonly consentAnnouncement: boolean;
}

/** The embedded RTP endpoint. */
export interface MediaSettings {
  readonly address: string;
  /** Written in SDP; undefined: `address`. */
  readonly advertisedAddress: string | undefined;
  readonly rtpPorts: { readonly min: number; readonly max: number };
  /** FreeSWITCH event sockets to use instead of the embedded endpoint; empty: embedded. */
  readonly freeswitch: readonly FreeswitchServer[];
}

export interface FreeswitchServer {
  readonly address: string;
  readonly port: number;
  /** undefined: FreeSWITCH's default password. */
  readonly secret: Secret | undefined;
  /** Where linegate listens for FreeSWITCH's per-call event-socket connections; undefined: fsmrf's default. */
  readonly listenAddress: string | undefined;
}

export interface OutboundRules {
  readonly blockedPrefixes: readonly BlockedPrefix[];
}

export interface BlockedPrefix {
  /** `+` and digits (compared with E.164 numbers) or digits as dialled. */
  readonly prefix: string;
  readonly reason: string;
}

export interface User {
  readonly id: string;
  readonly displayName: string | undefined;
  readonly businessNumber: E164 | undefined;
  readonly extension: string;
  readonly sip: { readonly username: string; readonly password: Secret };
  readonly ringPlan: RingPlan;
  readonly forwarding: Forwarding;
  readonly dnd: boolean;
  readonly blockList: BlockList;
  readonly voicemail: { readonly enabled: false } | { readonly enabled: true; readonly pin: Secret };
  readonly recording: RecordingPolicy;
  readonly permissions: { readonly international: boolean };
  /** Resolved: the user's own value or limits.concurrentCallsPerUser. */
  readonly limits: { readonly concurrentCalls: number };
  /** Resolved: the user's own address, else emergency.defaultAddress, else undefined. */
  readonly emergencyAddress: CivicAddress | undefined;
  readonly salesforceUserId: string | undefined;
}

export interface RingPlan {
  readonly strategy: 'simultaneous' | 'sequential';
  readonly timeoutS: number;
  readonly targets: readonly RingTarget[];
}

/**
 * A target's timeoutS is how long it rings. Without one of its own, a target of a
 * simultaneous plan rings for the plan's timeoutS (resolved here); a target of a sequential
 * plan keeps it undefined, meaning Dialplan.ringing.defaultTargetTimeoutS. A Number target's
 * confirmTimeoutS is its own press-1 window (`confirm: { timeoutS }`), set only with
 * confirm; undefined means Dialplan.ringing.confirmTimeoutS. Neither default is resolved
 * here, so that ring plans stored by the control API follow a later change of the
 * dialplan-wide defaults.
 */
export type RingTarget =
  | { readonly type: 'Devices'; readonly timeoutS: number | undefined }
  | { readonly type: 'Number'; readonly number: E164; readonly timeoutS: number | undefined; readonly confirm: boolean; readonly confirmTimeoutS: number | undefined };

export type ForwardDestination = { readonly type: 'Voicemail' } | { readonly type: 'Number'; readonly number: E164 };

export interface Forwarding {
  readonly always: ForwardDestination | undefined;
  readonly busy: ForwardDestination | undefined;
  readonly noAnswer: ForwardDestination | undefined;
  readonly unreachable: ForwardDestination | undefined;
}

export interface BlockList {
  readonly numbers: readonly E164[];
  readonly prefixes: readonly string[];
  readonly anonymous: boolean;
}

export type RecordingPolicy = 'never' | 'always' | 'on-demand';

/** The fields PIDF-LO civic addresses need (RFC 5139); `unit` is floor/suite/room. */
export interface CivicAddress {
  readonly street: string;
  readonly unit: string | undefined;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface Trunk {
  readonly name: string;
  readonly inbound: { readonly sources: readonly SourceNetwork[] } | undefined;
  readonly outbound: TrunkOutbound | undefined;
  readonly numberFormat: 'e164' | 'e164-without-plus' | 'national';
  /** Resolved: the trunk's own value or limits.concurrentCallsPerTrunk. */
  readonly limits: { readonly concurrentCalls: number };
}

export interface TrunkOutbound {
  readonly uri: string;
  readonly auth: { readonly username: string; readonly password: Secret } | undefined;
}

/** A source address or block, normalised: `127.0.0.1` becomes `127.0.0.1/32`. */
export interface SourceNetwork {
  readonly cidr: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly family: 4 | 6;
}

export interface EmergencySettings {
  readonly numbers: readonly string[];
  /** The name of a trunk in Dialplan.trunks (checked at load). */
  readonly trunk: string;
  readonly notify: readonly NotifyTarget[];
  readonly defaultAddress: CivicAddress | undefined;
}

export type NotifyTarget = { readonly type: 'SipMessage'; readonly uri: string } | { readonly type: 'Webhook'; readonly url: string };

/** One mistake in a dialplan file, with what to do about it. */
export interface DialplanError {
  readonly file: string;
  /** Dotted path inside the file, e.g. `users[1].ringPlan.targets[0].timeoutS`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** 1-based position in the file, when known. */
  readonly line?: number;
  readonly column?: number;
}

export type DialplanResult = { readonly ok: true; readonly dialplan: Dialplan } | { readonly ok: false; readonly errors: readonly DialplanError[] };

/** Environment variables secrets are resolved from (process.env, or a test's map). */
export type EnvMap = Readonly<Record<string, string | undefined>>;
