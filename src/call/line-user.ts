/**
 * A business-line user as the core sees it: the dialplan's static settings merged with the
 * runtime ones (DND, forwarding) by the shell before each decision.
 */

/** Ring every registered device of the user (RFC 3261 contacts from the registrar). */
export interface DevicesTarget {
  kind: 'devices';
  /** Per-target ring time; sequential plans default it to Policy.ringing.defaultTargetTimeoutS. */
  timeoutS?: number;
}

/** Ring an extra number (a mobile) over the outbound trunk. */
export interface NumberTarget {
  kind: 'number';
  number: string;
  timeoutS?: number;
  /** Ask the answerer to press 1 before the call is connected (keeps mobile voicemail out). */
  confirm?: boolean;
  /** This target's press-1 window, used only with confirm; absent: Policy.ringing.confirmTimeoutS. */
  confirmTimeoutS?: number;
}

export type Target = DevicesTarget | NumberTarget;

export type RingStrategy = 'simultaneous' | 'sequential';

export interface RingPlan {
  strategy: RingStrategy;
  targets: readonly Target[];
  /** The whole plan gives up after this long, whatever the per-target timeouts say. */
  overallTimeoutS: number;
}

/**
 * The user's own voicemail box as a forwarding destination. Only `always` takes it: for
 * busy / no-answer / unreachable the box is already the fallback when no number is set.
 */
export interface VoicemailBox {
  kind: 'voicemail';
}

export const VOICEMAIL_BOX: VoicemailBox = Object.freeze({ kind: 'voicemail' });

/**
 * Forwarding destinations (numbers; `always` may also name the voicemail box); each is
 * optional.
 */
export interface Forwarding {
  always?: string | VoicemailBox;
  busy?: string;
  noAnswer?: string;
  unreachable?: string;
}

export interface BlockList {
  numbers: readonly string[];
  prefixes: readonly string[];
}

/** A civic address, enough for an RFC 5139 civicAddress in a PIDF-LO. */
export interface EmergencyAddress {
  houseNumber?: string;
  street: string;
  unit?: string;
  city: string;
  /** State, province or region (RFC 5139 A1). */
  region: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2 (RFC 5139 §3.3). */
  country: string;
}

export interface UserLimits {
  /** Calls in progress (in or out) beyond which new ones are refused (out) or treated as busy (in). */
  maxConcurrentCalls: number;
  /** Overrides Policy.maxCallDurationS downwards for this user. */
  maxCallDurationS?: number;
}

export interface LineUser {
  id: string;
  /** E.164; the caller ID of the user's calls out and the address calls in arrive at. */
  businessNumber: string;
  extension: string;
  displayName?: string;
  ringPlan: RingPlan;
  dnd: boolean;
  forwarding: Forwarding;
  blockList: BlockList;
  blockAnonymous: boolean;
  voicemail: { enabled: boolean };
  permissions: { international: boolean };
  emergencyAddress?: EmergencyAddress;
  limits: UserLimits;
}
