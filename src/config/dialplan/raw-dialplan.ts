/**
 * The shape of a dialplan once it has passed schema/dialplan.schema.json with ajv's
 * defaults applied: what the YAML says, before numbers are normalised, secrets resolved
 * and references checked. Only the schema check may produce one of these.
 */
export interface RawSecretRef {
  env: string;
}

export interface RawCivicAddress {
  street: string;
  unit?: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

/** `confirm: true` waits ringing.confirmTimeoutS; `{ timeoutS }` is the target's own window. */
export type RawConfirm = boolean | { timeoutS: number };

export interface RawRingTarget {
  to: string;
  /** Absent: the plan's timeoutS (simultaneous) or ringing.defaultTargetTimeoutS (sequential). */
  timeoutS?: number;
  confirm: RawConfirm;
}

export interface RawUser {
  id: string;
  displayName?: string;
  businessNumber?: string;
  extension: string;
  sip: { username?: string; password: RawSecretRef };
  ringPlan: { strategy: 'simultaneous' | 'sequential'; timeoutS: number; targets: RawRingTarget[] };
  forwarding: { always?: string; busy?: string; noAnswer?: string; unreachable?: string };
  dnd: boolean;
  blockList: { numbers: string[]; prefixes: string[]; anonymous: boolean };
  voicemail: { enabled: boolean; pin?: RawSecretRef };
  recording: 'never' | 'always' | 'on-demand';
  permissions: { international: boolean };
  limits: { concurrentCalls?: number };
  emergencyAddress?: RawCivicAddress;
  salesforceUserId?: string;
}

export interface RawTrunk {
  name: string;
  inbound?: { sources: string[] };
  outbound?: { uri: string; auth?: { username: string; password: RawSecretRef } };
  numberFormat: 'e164' | 'e164-without-plus' | 'national';
  limits: { concurrentCalls?: number };
}

export interface RawDialplan {
  version: 1;
  domain: string;
  defaultCountry: string;
  drainTimeoutS: number;
  controlApi?: { token: RawSecretRef };
  registrar: {
    minExpiresS: number;
    maxExpiresS: number;
    defaultExpiresS: number;
    nonceLifetimeS: number;
    algorithms: Array<'SHA-256' | 'MD5'>;
    lockout: { maxFailures: number; windowS: number; durationS: number };
  };
  limits: { concurrentCallsPerUser: number; concurrentCallsPerTrunk: number; maxCallDurationS: number };
  overload: { enabled: boolean; enterLagMs: number; leaveLagMs: number; retryAfterS: number };
  ringing: { confirmTimeoutS: number; defaultTargetTimeoutS: number };
  voicemail?: {
    service?: 'internal' | 'external';
    serviceUri?: string;
    dir?: string;
    promptsDir: string;
    retrievalCode: string;
    maxMessageMs: number;
    minMessageMs: number;
    silenceTimeoutMs: number;
    pinMaxFailures: number;
    pinLockMs: number;
    unsolicitedMwi: boolean;
  };
  recording: { dir?: string; retentionDays?: number; consentAnnouncement: boolean };
  media: {
    address: string; advertisedAddress?: string; rtpPortMin: number; rtpPortMax: number;
    freeswitch?: Array<{ address: string; port: number; secret?: RawSecretRef; listenAddress?: string }>;
  };
  outbound: { blockedPrefixes: Array<{ prefix: string; reason: string }> };
  users: RawUser[];
  trunks: RawTrunk[];
  emergency: {
    numbers: string[];
    trunk: string;
    notify: Array<{ sip?: string; webhook?: string }>;
    defaultAddress?: RawCivicAddress;
  };
}
