/**
 * A user's runtime settings: what the control API writes into the Store (`settings:<userId>`)
 * over the dialplan's static values. Each field is optional in the Store: absent means
 * "as the dialplan says". The shell builds the LineUser the core decides with from
 * effectiveSettings(user, stored), so the API and the call path read the same merge.
 *
 * Stored values are JSON written by this code, but possibly by an older version or by
 * hand: readStoredSettings checks each field and ignores one that does not fit.
 */
import type { CivicAddress, ForwardDestination, User } from '../../config/index.js';
import type { JsonObject } from '../../state/index.js';

export const FORWARD_RULES = ['always', 'busy', 'noAnswer', 'unreachable'] as const;
export type ForwardRule = (typeof FORWARD_RULES)[number];

/** `voicemail`, an E.164 number, or null (rule off). */
export type ForwardTarget = string | null;
export type ForwardingSettings = Readonly<Record<ForwardRule, ForwardTarget>>;

export interface BlockListSettings {
  /** E.164. */
  readonly numbers: readonly string[];
  /** `+` and digits, or digits as dialled. */
  readonly prefixes: readonly string[];
}

/**
 * Press 1 to accept, as a dialplan writes it: `true` waits the dialplan's
 * ringing.confirmTimeoutS, `{ timeoutS }` (3–60 s) is this target's own window.
 */
export type ConfirmSetting = boolean | { readonly timeoutS: number };

export interface RingTargetSettings {
  /** `devices` or an E.164 number. */
  readonly to: string;
  /**
   * Absent only on a sequential plan's target that gives no time of its own: it rings the
   * dialplan's ringing.defaultTargetTimeoutS, as the dialplan says it at call time.
   */
  readonly timeoutS?: number;
  readonly confirm: ConfirmSetting;
}

export interface RingPlanSettings {
  readonly strategy: 'simultaneous' | 'sequential';
  readonly timeoutS: number;
  readonly targets: readonly RingTargetSettings[];
}

export interface AddressSettings {
  readonly street: string;
  readonly unit?: string;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly country: string;
}

/** What the Store holds; every field optional. */
export interface StoredSettings {
  readonly dnd?: boolean;
  readonly forwarding?: ForwardingSettings;
  readonly blockList?: BlockListSettings;
  readonly blockAnonymous?: boolean;
  readonly ringPlan?: RingPlanSettings;
  /** null: removed at run time (the dialplan's default address no longer applies). */
  readonly emergencyAddress?: AddressSettings | null;
}

/** Every setting, resolved. */
export interface EffectiveSettings {
  readonly dnd: boolean;
  readonly forwarding: ForwardingSettings;
  readonly blockList: BlockListSettings;
  readonly blockAnonymous: boolean;
  readonly ringPlan: RingPlanSettings;
  readonly emergencyAddress: AddressSettings | null;
}

export function effectiveSettings(user: User, stored: StoredSettings): EffectiveSettings {
  return {
    dnd: stored.dnd ?? user.dnd,
    forwarding: stored.forwarding ?? dialplanForwarding(user),
    blockList: stored.blockList ?? { numbers: user.blockList.numbers, prefixes: user.blockList.prefixes },
    blockAnonymous: stored.blockAnonymous ?? user.blockList.anonymous,
    ringPlan: stored.ringPlan ?? dialplanRingPlan(user),
    emergencyAddress: stored.emergencyAddress !== undefined ? stored.emergencyAddress : addressOf(user.emergencyAddress),
  };
}

/** The Store's JSON with a new value for one field. */
export function withSetting<K extends keyof StoredSettings>(stored: StoredSettings, key: K, value: StoredSettings[K]): JsonObject {
  // Every StoredSettings value is plain JSON (strings, numbers, booleans, null, arrays, objects).
  return JSON.parse(JSON.stringify({ ...stored, [key]: value })) as JsonObject;
}

export function readStoredSettings(json: JsonObject | undefined): StoredSettings {
  if (json === undefined) return {};
  const out: { -readonly [K in keyof StoredSettings]: StoredSettings[K] } = {};
  if (typeof json['dnd'] === 'boolean') out.dnd = json['dnd'];
  if (typeof json['blockAnonymous'] === 'boolean') out.blockAnonymous = json['blockAnonymous'];
  if (isForwarding(json['forwarding'])) out.forwarding = json['forwarding'];
  if (isBlockList(json['blockList'])) out.blockList = json['blockList'];
  if (isRingPlan(json['ringPlan'])) out.ringPlan = json['ringPlan'];
  const address = json['emergencyAddress'];
  if (address === null || isAddress(address)) out.emergencyAddress = address;
  return out;
}

function dialplanForwarding(user: User): ForwardingSettings {
  const target = (d: ForwardDestination | undefined): ForwardTarget => (d === undefined ? null : d.type === 'Voicemail' ? 'voicemail' : d.number);
  const f = user.forwarding;
  return { always: target(f.always), busy: target(f.busy), noAnswer: target(f.noAnswer), unreachable: target(f.unreachable) };
}

function dialplanRingPlan(user: User): RingPlanSettings {
  const { strategy, timeoutS, targets } = user.ringPlan;
  return {
    strategy,
    timeoutS,
    targets: targets.map((t) => targetSetting(t.type === 'Devices' ? 'devices' : t.number, t.timeoutS, t.type === 'Devices' ? false : confirmSetting(t.confirm, t.confirmTimeoutS))),
  };
}

/** Without a key for a time the target does not give, so the view reads as the dialplan is written. */
function targetSetting(to: string, timeoutS: number | undefined, confirm: ConfirmSetting): RingTargetSettings {
  return timeoutS === undefined ? { to, confirm } : { to, timeoutS, confirm };
}

/** A target's own window is kept in the dialplan's form, so a GET can be PUT back unchanged. */
function confirmSetting(confirm: boolean, timeoutS: number | undefined): ConfirmSetting {
  return confirm && timeoutS !== undefined ? { timeoutS } : confirm;
}

function addressOf(a: CivicAddress | undefined): AddressSettings | null {
  if (a === undefined) return null;
  const { unit, ...rest } = a;
  return unit === undefined ? rest : { ...rest, unit };
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStrings(x: unknown): x is readonly string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isForwarding(x: unknown): x is ForwardingSettings {
  return isObj(x) && FORWARD_RULES.every((r) => x[r] === null || typeof x[r] === 'string');
}

function isBlockList(x: unknown): x is BlockListSettings {
  return isObj(x) && isStrings(x['numbers']) && isStrings(x['prefixes']);
}

function isRingPlan(x: unknown): x is RingPlanSettings {
  return (
    isObj(x) &&
    (x['strategy'] === 'simultaneous' || x['strategy'] === 'sequential') &&
    typeof x['timeoutS'] === 'number' &&
    Array.isArray(x['targets']) &&
    x['targets'].every((t) => isObj(t) && typeof t['to'] === 'string' && (t['timeoutS'] === undefined || typeof t['timeoutS'] === 'number') && isConfirm(t['confirm']))
  );
}

/**
 * The dialplan schema's bounds on a target's own press-1 window (users[].ringPlan.targets[].confirm.timeoutS),
 * as docs/openapi.yaml gives them too (test/unit/config/confirm-window-bounds.test.ts keeps the three equal).
 */
export const CONFIRM_WINDOW_S = { min: 3, max: 60 } as const;

function isConfirm(x: unknown): x is ConfirmSetting {
  if (typeof x === 'boolean') return true;
  const s = isObj(x) ? x['timeoutS'] : undefined;
  return typeof s === 'number' && Number.isInteger(s) && s >= CONFIRM_WINDOW_S.min && s <= CONFIRM_WINDOW_S.max;
}

function isAddress(x: unknown): x is AddressSettings {
  return (
    isObj(x) &&
    ['street', 'city', 'region', 'postalCode', 'country'].every((k) => typeof x[k] === 'string') &&
    (x['unit'] === undefined || typeof x['unit'] === 'string')
  );
}
