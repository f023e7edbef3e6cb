/**
 * What the shell knows about a new call when it hands it to the core: who is calling,
 * what was dialled and where the INVITE came from. Filled from the INVITE and the dialplan.
 */
export type CallDirection = 'inbound' | 'outbound';

/** Where the INVITE came from: a carrier trunk (by its dialplan name) or a user's registered device. */
export type CallSource = { kind: 'trunk'; trunk: string } | { kind: 'device'; userId: string };

/**
 * The calling party. `number` is null when the caller withheld it (RFC 3323 privacy,
 * `sip:anonymous@anonymous.invalid`); the string `anonymous` is treated the same way.
 */
export interface CallerIdentity {
  number: string | null;
  display?: string;
}

export interface CallRequest {
  /** The caller-side dialog's Call-ID; also names timers' owner and PIDF-LO content ids. */
  callId: string;
  direction: CallDirection;
  from: CallerIdentity;
  /** The dialled number: E.164 (`+14155550100`), an extension (`101`), or a dial string the core normalises. */
  to: string;
  source: CallSource;
}

/** True when the caller's number is withheld (RFC 3323 §4.1.1.3 anonymous URI, or no number at all). */
export function isAnonymous(from: CallerIdentity): boolean {
  const n = from.number?.trim() ?? '';
  return n === '' || n.toLowerCase() === 'anonymous';
}
