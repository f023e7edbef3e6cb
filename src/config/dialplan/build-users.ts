/**
 * users[]: numbers normalised, secrets resolved, defaults from the top-level limits and
 * emergency settings applied, and the keys the registrar and router look users up by
 * (id, extension, business number, SIP username) checked to be unique.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { buildForwarding, buildRingPlan } from './build-ring-plan.js';
import { checkCivicAddress } from './civic-address.js';
import type { Issues, Path } from './issues.js';
import { checkNumber, toE164 } from './phone-number.js';
import type { RawDialplan, RawUser } from './raw-dialplan.js';
import { PIN_RULE, SIP_PASSWORD_RULE, resolveSecret } from './resolve-secret.js';
import type { CivicAddress, E164, EnvMap, User } from './types.js';

export interface UserContext {
  readonly issues: Issues;
  readonly env: EnvMap;
  readonly country: CountryCode | undefined;
  readonly limits: RawDialplan['limits'];
  readonly hasVoicemailService: boolean;
  readonly defaultAddress: CivicAddress | undefined;
  readonly emergencyNumbers: readonly string[];
  /** ringing.defaultTargetTimeoutS, for the sequential ring-plan check. */
  readonly defaultTargetTimeoutS: number;
}

export function buildUsers(raw: readonly RawUser[], ctx: UserContext): User[] {
  checkUnique(raw, ctx);
  const users: User[] = [];
  raw.forEach((user, i) => {
    const built = buildUser(user, ['users', i], ctx);
    if (built) users.push(built);
  });
  return users;
}

function buildUser(raw: RawUser, path: Path, ctx: UserContext): User | undefined {
  const { issues } = ctx;
  const before = issues.count;
  const businessNumber = raw.businessNumber === undefined ? undefined : checkNumber(raw.businessNumber, [...path, 'businessNumber'], ctx.country, issues);
  if (ctx.emergencyNumbers.includes(raw.extension)) {
    issues.add([...path, 'extension'], `"${raw.extension}" is an emergency number`, 'choose another extension: dialling it must reach emergency services');
  }
  const password = resolveSecret(raw.sip.password, [...path, 'sip', 'password'], ctx.env, issues, SIP_PASSWORD_RULE);
  const voicemail = buildVoicemail(raw, path, ctx);
  const planContext = { issues, country: ctx.country, ownNumber: businessNumber, hasVoicemail: voicemail.enabled, defaultTargetTimeoutS: ctx.defaultTargetTimeoutS };
  const ringPlan = buildRingPlan(raw.ringPlan, [...path, 'ringPlan'], planContext);
  const forwarding = buildForwarding(raw.forwarding, [...path, 'forwarding'], planContext);
  const blockList = {
    numbers: raw.blockList.numbers.map((n, j) => checkNumber(n, [...path, 'blockList', 'numbers', j], ctx.country, issues)).filter((n): n is E164 => n !== undefined),
    prefixes: raw.blockList.prefixes,
    anonymous: raw.blockList.anonymous,
  };
  const emergencyAddress = raw.emergencyAddress ? checkCivicAddress(raw.emergencyAddress, [...path, 'emergencyAddress'], issues) : ctx.defaultAddress;
  if (issues.count > before || password === undefined) return undefined;
  return {
    id: raw.id,
    displayName: raw.displayName,
    businessNumber,
    extension: raw.extension,
    sip: { username: raw.sip.username ?? raw.id, password },
    ringPlan,
    forwarding,
    dnd: raw.dnd,
    blockList,
    voicemail,
    recording: raw.recording,
    permissions: { international: raw.permissions.international },
    limits: { concurrentCalls: raw.limits.concurrentCalls ?? ctx.limits.concurrentCallsPerUser },
    emergencyAddress,
    salesforceUserId: raw.salesforceUserId,
  };
}

function buildVoicemail(raw: RawUser, path: Path, ctx: UserContext): User['voicemail'] {
  if (!raw.voicemail.enabled) return { enabled: false };
  const at = [...path, 'voicemail'];
  if (!ctx.hasVoicemailService) {
    ctx.issues.add([...at, 'enabled'], 'voicemail is enabled, but the dialplan has no voicemail service', 'add voicemail: { service: internal } (linegate records voicemail itself) or voicemail: { serviceUri: sip:voicemail@HOST } at the top level of the file, or set enabled: false');
  }
  if (raw.voicemail.pin === undefined) {
    ctx.issues.add([...at, 'pin'], 'voicemail is enabled but has no PIN', 'add pin: { env: NAME } naming an environment variable that holds 4 to 10 digits');
    return { enabled: false };
  }
  const pin = resolveSecret(raw.voicemail.pin, [...at, 'pin'], ctx.env, ctx.issues, PIN_RULE);
  return pin === undefined ? { enabled: false } : { enabled: true, pin };
}

type UniqueKey = 'id' | 'extension' | 'businessNumber' | 'username';

/** Later duplicates are reported, naming the first holder: that is the one to keep. */
function checkUnique(users: readonly RawUser[], ctx: UserContext): void {
  const seen = new Map<string, number>();
  users.forEach((user, i) => {
    const keys: Array<[UniqueKey, Path, string | undefined]> = [
      ['id', ['id'], user.id],
      ['extension', ['extension'], user.extension],
      // Invalid numbers are reported by buildUser; they are compared as written.
      ['businessNumber', ['businessNumber'], user.businessNumber && (toE164(user.businessNumber, ctx.country) ?? user.businessNumber)],
      ['username', ['sip', 'username'], user.sip.username ?? user.id],
    ];
    for (const [kind, field, value] of keys) {
      if (value === undefined) continue;
      const first = seen.get(`${kind}\0${value}`);
      if (first === undefined) {
        seen.set(`${kind}\0${value}`, i);
        continue;
      }
      // Two usernames both defaulted from the id: the duplicate id is already reported.
      if (kind === 'username' && user.sip.username === undefined && users[first]?.sip.username === undefined) continue;
      const holder = users[first]?.id ?? '';
      ctx.issues.add(['users', i, ...field], `${JSON.stringify(value)} is already the ${LABELS[kind]} of users[${first}] (${holder})`, `give each user a different ${LABELS[kind]}`);
    }
  });
}

const LABELS: Record<UniqueKey, string> = { id: 'id', extension: 'extension', businessNumber: 'business number', username: 'SIP username' };
