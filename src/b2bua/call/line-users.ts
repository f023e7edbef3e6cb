/**
 * The core's view of the dialplan: LineUser (dialplan user merged with the user's runtime
 * settings from the Store) and Policy. The shell uses withEffectiveSettings (the control
 * API's format and merge); withSettings is the older field-by-field reader (no longer used by the shell). Runtime settings override the dialplan's defaults
 * field by field; a malformed field is ignored (the dialplan value stays), never an error:
 * settings are written by the control API and must not be able to fail a call.
 *
 * Runtime settings read here (Store.getSettings(userId).settings):
 *   dnd: boolean
 *   forwarding: { always?, busy?, noAnswer?, unreachable?: E.164 string | 'voicemail' | null }
 *   blockList: { numbers?: string[], prefixes?: string[] }
 *   blockAnonymous: boolean
 *   emergencyAddress: { street, unit?, city, region, postalCode, country } | null
 */
import { VOICEMAIL_BOX } from '../../call/index.js';
import type { BlockList, EmergencyAddress, Forwarding, LineUser, Policy, RingPlan, Target } from '../../call/index.js';
import type { CivicAddress, Dialplan, ForwardDestination, User } from '../../config/index.js';
import type { Json, JsonObject } from '../../state/index.js';
import { FORWARD_RULES } from '../control/index.js';
import type { EffectiveSettings } from '../control/index.js';
import { numberingFor } from './numbers.js';

/** Retry-After (s) sent with 503 while draining or at a trunk's cap (overload: the dialplan's overload.retryAfterS). */
export const RETRY_AFTER_S = 30;

/** The control API's and the dialplan's name for the user's own voicemail box as a forward target. */
const VOICEMAIL = 'voicemail';

/** `overloaded`: the overload guard's verdict for this decision (overload-guard.ts). */
export function policyFor(dialplan: Dialplan, draining: boolean, voicemailUri: string, overloaded = false): Policy {
  const outbound = dialplan.trunks.find((t) => t.outbound !== undefined)?.name ?? dialplan.emergency.trunk;
  const policy: Policy = {
    domain: dialplan.domain,
    emergencyNumbers: dialplan.emergency.numbers,
    emergencyTrunk: dialplan.emergency.trunk,
    outboundTrunk: outbound,
    blockedPrefixes: dialplan.outbound.blockedPrefixes,
    voicemailUri,
    maxCallDurationS: dialplan.limits.maxCallDurationS,
    trunks: new Map(dialplan.trunks.map((t) => [t.name, { maxConcurrentCalls: t.limits.concurrentCalls }])),
    draining,
    retryAfterS: RETRY_AFTER_S,
    numbering: numberingFor(dialplan.defaultCountry),
    ringing: { defaultTargetTimeoutS: dialplan.ringing.defaultTargetTimeoutS, confirmTimeoutS: dialplan.ringing.confirmTimeoutS },
  };
  if (overloaded) policy.overloaded = { retryAfterS: dialplan.overload.retryAfterS };
  return policy;
}

/** The dialplan user as the core sees it, before runtime settings. */
export function lineUserOf(user: User): LineUser {
  const lineUser: LineUser = {
    id: user.id,
    businessNumber: user.businessNumber ?? '',
    extension: user.extension,
    ringPlan: ringPlanOf(user),
    dnd: user.dnd,
    forwarding: forwardingOf(user),
    blockList: { numbers: user.blockList.numbers, prefixes: user.blockList.prefixes },
    blockAnonymous: user.blockList.anonymous,
    voicemail: { enabled: user.voicemail.enabled },
    permissions: { international: user.permissions.international },
    limits: { maxConcurrentCalls: user.limits.concurrentCalls },
  };
  if (user.displayName !== undefined) lineUser.displayName = user.displayName;
  if (user.emergencyAddress) lineUser.emergencyAddress = addressOf(user.emergencyAddress);
  return lineUser;
}

/** Applies runtime settings over the dialplan user (see the file comment for the format). */
export function withSettings(user: LineUser, settings: JsonObject | undefined): LineUser {
  if (!settings) return user;
  const out: LineUser = { ...user };
  if (typeof settings.dnd === 'boolean') out.dnd = settings.dnd;
  if (typeof settings.blockAnonymous === 'boolean') out.blockAnonymous = settings.blockAnonymous;
  const fwd = objectOf(settings.forwarding);
  if (fwd) out.forwarding = mergeForwarding(user.forwarding, fwd);
  const bl = objectOf(settings.blockList);
  if (bl) out.blockList = mergeBlockList(user.blockList, bl);
  if (settings.emergencyAddress === null) delete out.emergencyAddress;
  const addr = emergencyAddressOf(settings.emergencyAddress);
  if (addr) out.emergencyAddress = addr;
  return out;
}

function ringPlanOf(user: User): RingPlan {
  const targets: Target[] = user.ringPlan.targets.map((t) =>
    t.type === 'Devices'
      ? devicesTarget(t.timeoutS)
      : numberTarget(t.number, t.timeoutS, t.confirm, t.confirmTimeoutS),
  );
  return { strategy: user.ringPlan.strategy, targets, overallTimeoutS: user.ringPlan.timeoutS };
}

/**
 * The core's targets. A time the target does not set is left out: a sequential plan's
 * target then rings Policy.ringing.defaultTargetTimeoutS (the dialplan's
 * ringing.defaultTargetTimeoutS); confirmTimeoutS likewise falls back to the policy's.
 */
function devicesTarget(timeoutS: number | undefined): Target {
  return timeoutS === undefined ? { kind: 'devices' } : { kind: 'devices', timeoutS };
}

function numberTarget(number: string, timeoutS: number | undefined, confirm: boolean, confirmTimeoutS: number | undefined): Target {
  const target: Target = { kind: 'number', number, confirm };
  if (timeoutS !== undefined) target.timeoutS = timeoutS;
  if (confirmTimeoutS !== undefined) target.confirmTimeoutS = confirmTimeoutS;
  return target;
}

/**
 * A forward "to voicemail" on busy / no-answer / unreachable is the core's voicemail
 * fallback already: only numbers are kept there. `always` keeps the box too.
 */
function forwardingOf(user: User): Forwarding {
  const number = (d: ForwardDestination | undefined): string | undefined => (d?.type === 'Number' ? d.number : undefined);
  const out: Forwarding = {};
  if (user.forwarding.always?.type === 'Voicemail') out.always = VOICEMAIL_BOX;
  const pairs: Array<[keyof Forwarding, string | undefined]> = [
    ['always', number(user.forwarding.always)],
    ['busy', number(user.forwarding.busy)],
    ['noAnswer', number(user.forwarding.noAnswer)],
    ['unreachable', number(user.forwarding.unreachable)],
  ];
  for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
  return out;
}

function mergeForwarding(base: Forwarding, fwd: JsonObject): Forwarding {
  const out: Forwarding = { ...base };
  for (const k of ['always', 'busy', 'noAnswer', 'unreachable'] as const) {
    const v = fwd[k];
    if (v === null) delete out[k];
    else if (v === VOICEMAIL && k === 'always') out.always = VOICEMAIL_BOX;
    else if (v === VOICEMAIL) delete out[k]; // the voicemail fallback, not a number
    else if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}

function mergeBlockList(base: BlockList, bl: JsonObject): BlockList {
  return {
    numbers: stringsOf(bl.numbers) ?? base.numbers,
    prefixes: stringsOf(bl.prefixes) ?? base.prefixes,
  };
}

function addressOf(a: CivicAddress): EmergencyAddress {
  const out: EmergencyAddress = { street: a.street, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country };
  if (a.unit !== undefined) out.unit = a.unit;
  return out;
}

function emergencyAddressOf(v: Json | undefined): EmergencyAddress | undefined {
  const o = objectOf(v);
  if (!o) return undefined;
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const street = s('street');
  const city = s('city');
  const region = s('region');
  const postalCode = s('postalCode');
  const country = s('country');
  if (!street || !city || !region || !postalCode || !country) return undefined;
  const out: EmergencyAddress = { street, city, region, postalCode, country };
  const unit = s('unit');
  if (unit) out.unit = unit;
  const houseNumber = s('houseNumber');
  if (houseNumber) out.houseNumber = houseNumber;
  return out;
}

function objectOf(v: Json | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

function stringsOf(v: Json | undefined): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/**
 * The LineUser the core decides with, from the control API's effectiveSettings(): the
 * same merge the API shows, so what the API writes is what the next call reads.
 *
 * Forwarding busy / no-answer / unreachable to "voicemail" is the core's own fallback for
 * a user with a box, so only numbers are kept for those. "always: voicemail" becomes the
 * core's VOICEMAIL_BOX: forward-always then sends every call to the box with Diversion
 * reason=unconditional (RFC 5806), and DND stays what the user set.
 */
export function withEffectiveSettings(user: LineUser, eff: EffectiveSettings): LineUser {
  const out: LineUser = {
    ...user,
    dnd: eff.dnd,
    blockAnonymous: eff.blockAnonymous,
    blockList: { numbers: eff.blockList.numbers, prefixes: eff.blockList.prefixes },
    forwarding: {},
    ringPlan: {
      strategy: eff.ringPlan.strategy,
      overallTimeoutS: eff.ringPlan.timeoutS,
      targets: eff.ringPlan.targets.map((t): Target =>
        t.to === 'devices'
          ? devicesTarget(t.timeoutS)
          : numberTarget(t.to, t.timeoutS, t.confirm !== false, typeof t.confirm === 'object' ? t.confirm.timeoutS : undefined)),
    },
  };
  for (const rule of FORWARD_RULES) {
    const target = eff.forwarding[rule];
    if (target !== null && target !== VOICEMAIL) out.forwarding[rule] = target;
  }
  if (eff.forwarding.always === VOICEMAIL) out.forwarding.always = VOICEMAIL_BOX;
  delete out.emergencyAddress;
  if (eff.emergencyAddress) out.emergencyAddress = { ...eff.emergencyAddress };
  return out;
}
