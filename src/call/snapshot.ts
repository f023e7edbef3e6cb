/**
 * Runtime facts at decision time, read by the shell from the Store. Counters exclude the
 * call being decided.
 */
export interface RegisteredDevice {
  /** The registered Contact URI (RFC 3261 §10.3). */
  contact: string;
  /** RFC 5626 +sip.instance, when the device sent one; names the device in call.answered. */
  instanceId?: string;
}

export interface Snapshot {
  activeCallsByUser: ReadonlyMap<string, number>;
  activeCallsByTrunk: ReadonlyMap<string, number>;
  registrations: ReadonlyMap<string, readonly RegisteredDevice[]>;
}
