/**
 * System-wide settings the decisions depend on; built by the shell from the dialplan and the
 * process state (drain, overload). The core never reads config itself.
 */

/** Emergency numbers when the dialplan names none: 911, and 933 (the US address-test line). */
export const DEFAULT_EMERGENCY_NUMBERS: readonly string[] = ['911', '933'];

/**
 * Just enough of a numbering plan to turn dial strings into E.164. The shell may normalise
 * with libphonenumber-js first; the core accepts E.164 as is.
 */
export interface NumberingPlan {
  /** Home country calling code without '+', e.g. '1'. Numbers outside it are international. */
  countryCode: string;
  /** Dialled before a country code, e.g. '011' (NANP) or '00'. */
  internationalPrefix: string;
  /** Trunk prefix before a national number, e.g. '1' (NANP) or '0'; '' for none. */
  nationalPrefix: string;
  /** Digits in a national significant number, e.g. 10 in NANP. */
  nationalNumberLength: number;
}

export const NANP_NUMBERING: NumberingPlan = {
  countryCode: '1',
  internationalPrefix: '011',
  nationalPrefix: '1',
  nationalNumberLength: 10,
};

export interface BlockedPrefix {
  /** E.164 prefix, e.g. '+1900'. */
  prefix: string;
  /** Becomes the 403 reason phrase, e.g. 'Premium-rate numbers are blocked'. */
  reason: string;
}

export interface TrunkLimits {
  maxConcurrentCalls: number;
}

export interface RingingPolicy {
  /** Ring time of a sequential-plan target that gives none. */
  defaultTargetTimeoutS: number;
  /** How long a press-1 confirmation waits for the digit, unless the target sets its own (NumberTarget.confirmTimeoutS). */
  confirmTimeoutS: number;
}

export interface Policy {
  /** SIP domain; names the PIDF-LO entity (`pres:+1…@domain`). */
  domain: string;
  emergencyNumbers: readonly string[];
  emergencyTrunk: string;
  /** The trunk external calls, forwards and extra ring-plan numbers go out on. */
  outboundTrunk: string;
  blockedPrefixes: readonly BlockedPrefix[];
  /** Where voicemail calls go until the voicemail service exists (a SIP URI). */
  voicemailUri: string;
  maxCallDurationS: number;
  trunks: ReadonlyMap<string, TrunkLimits>;
  /** SIGTERM received: new calls get 503 + Retry-After (emergency calls excepted). */
  draining: boolean;
  retryAfterS: number;
  /**
   * Present while the process is overloaded (its event loop lags; b2bua/call/overload-guard.ts):
   * new calls get 503 + Retry-After `retryAfterS` (RFC 3261 §21.5.4), emergency calls excepted,
   * so the calls already admitted keep their timers. Absent: not overloaded.
   */
  overloaded?: { retryAfterS: number };
  numbering: NumberingPlan;
  ringing: RingingPolicy;
}
