/**
 * A user's ring plan and forwarding rules, with numbers normalised and the mistakes
 * that would make a call loop or a target never ring caught at start.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Issues, Path } from './issues.js';
import { checkNumber } from './phone-number.js';
import type { RawUser } from './raw-dialplan.js';
import type { E164, ForwardDestination, Forwarding, RingPlan, RingTarget } from './types.js';

export interface RingPlanContext {
  readonly issues: Issues;
  readonly country: CountryCode | undefined;
  /** The user's own business number, to catch a plan or rule that rings the user again. */
  readonly ownNumber: E164 | undefined;
  readonly hasVoicemail: boolean;
  /** ringing.defaultTargetTimeoutS: how long a sequential plan's target without timeoutS rings. */
  readonly defaultTargetTimeoutS: number;
}

/** Forwarding rules need all of it but the ring time. */
export type ForwardingContext = Omit<RingPlanContext, 'defaultTargetTimeoutS'>;

export function buildRingPlan(raw: RawUser['ringPlan'], path: Path, ctx: RingPlanContext): RingPlan {
  const targets: RingTarget[] = [];
  raw.targets.forEach((target, i) => {
    const at = [...path, 'targets', i];
    // A sequential target without its own time stays undefined: it rings
    // ringing.defaultTargetTimeoutS, read at call time (types.ts RingTarget).
    const timeoutS = target.timeoutS ?? (raw.strategy === 'sequential' ? undefined : raw.timeoutS);
    if (target.to === 'devices') {
      if (target.confirm !== false) ctx.issues.add([...at, 'confirm'], 'confirm applies to phone numbers, not to the user\'s own devices', 'remove confirm from this target');
      targets.push({ type: 'Devices', timeoutS });
      return;
    }
    const number = checkNumber(target.to, [...at, 'to'], ctx.country, ctx.issues);
    if (number !== undefined && number === ctx.ownNumber) {
      ctx.issues.add([...at, 'to'], `${number} is this user's own business number, so the call would ring the user again`, 'use to: devices for the user\'s phones, or another number');
    }
    if (number === undefined) return;
    // `confirm: { timeoutS }` is a confirm with its own window; the schema bounds it (3–60 s).
    const confirmTimeoutS = typeof target.confirm === 'object' ? target.confirm.timeoutS : undefined;
    targets.push({ type: 'Number', number, timeoutS, confirm: target.confirm !== false, confirmTimeoutS });
  });
  if (raw.strategy === 'sequential') checkSequentialTimes(targets, raw.timeoutS, path, ctx);
  return { strategy: raw.strategy, timeoutS: raw.timeoutS, targets };
}

/** RFC-free but real: in a sequential plan a target starting after the overall timeout never rings. */
function checkSequentialTimes(targets: readonly RingTarget[], overallS: number, path: Path, ctx: RingPlanContext): void {
  let startS = 0;
  let defaulted = false;
  targets.forEach((target, i) => {
    if (startS >= overallS) {
      // Say where a time nobody wrote in the plan comes from.
      const from = defaulted ? ` (a target without timeoutS rings ringing.defaultTargetTimeoutS, ${ctx.defaultTargetTimeoutS} s)` : '';
      ctx.issues.add([...path, 'targets', i], `never rings: the targets before it ring for ${startS} s${from} and ringPlan.timeoutS is ${overallS}`, 'raise ringPlan.timeoutS, shorten the earlier targets\' timeoutS, or remove this target');
    }
    defaulted ||= target.timeoutS === undefined;
    startS += target.timeoutS ?? ctx.defaultTargetTimeoutS;
  });
}

const RULES = ['always', 'busy', 'noAnswer', 'unreachable'] as const;

export function buildForwarding(raw: RawUser['forwarding'], path: Path, ctx: ForwardingContext): Forwarding {
  const forwarding: Record<(typeof RULES)[number], ForwardDestination | undefined> = { always: undefined, busy: undefined, noAnswer: undefined, unreachable: undefined };
  for (const rule of RULES) {
    const to = raw[rule];
    if (to !== undefined) forwarding[rule] = buildDestination(to, [...path, rule], ctx);
  }
  return forwarding;
}

function buildDestination(to: string, path: Path, ctx: ForwardingContext): ForwardDestination | undefined {
  if (to === 'voicemail') {
    if (!ctx.hasVoicemail) ctx.issues.add(path, 'forwards to voicemail, but this user has no voicemail box', 'set voicemail: { enabled: true, pin: { env: NAME } } for this user, or forward to a number');
    return { type: 'Voicemail' };
  }
  const number = checkNumber(to, path, ctx.country, ctx.issues);
  if (number === undefined) return undefined;
  if (number === ctx.ownNumber) {
    ctx.issues.add(path, `${number} is this user's own business number, so the call would be forwarded in a loop`, 'forward to voicemail or to another number');
  }
  return { type: 'Number', number };
}
