/**
 * The second pass, on a schema-valid RawDialplan: cross-field checks, number
 * normalisation and secret resolution, giving the Dialplan the rest of linegate reads.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { buildBlockedPrefixes, buildEmergency } from './build-emergency.js';
import { buildMedia, buildRecording, buildVoicemail } from './build-media.js';
import { buildTrunks } from './build-trunks.js';
import { buildUsers } from './build-users.js';
import type { Issues } from './issues.js';
import { isKnownCountry } from './phone-number.js';
import type { RawDialplan } from './raw-dialplan.js';
import { TOKEN_RULE, resolveSecret } from './resolve-secret.js';
import type { Dialplan, EnvMap, OverloadSettings, RegistrarSettings } from './types.js';

export function buildDialplan(raw: RawDialplan, file: string, env: EnvMap, issues: Issues): Dialplan {
  const country = checkCountry(raw.defaultCountry, issues);
  const voicemail = buildVoicemail(raw.voicemail, issues);
  const trunks = buildTrunks(raw.trunks, { issues, env, limits: raw.limits });
  const emergency = buildEmergency(raw.emergency, trunks, issues);
  const users = buildUsers(raw.users, {
    issues,
    env,
    country,
    limits: raw.limits,
    hasVoicemailService: raw.voicemail !== undefined,
    defaultAddress: emergency.defaultAddress,
    emergencyNumbers: raw.emergency.numbers,
    defaultTargetTimeoutS: raw.ringing.defaultTargetTimeoutS,
  });
  const token = raw.controlApi && resolveSecret(raw.controlApi.token, ['controlApi', 'token'], env, issues, TOKEN_RULE);
  return {
    file,
    version: raw.version,
    domain: raw.domain,
    defaultCountry: raw.defaultCountry,
    drainTimeoutS: raw.drainTimeoutS,
    controlApi: token ? { token } : undefined,
    registrar: checkRegistrar(raw.registrar, issues),
    limits: { ...raw.limits },
    overload: checkOverload(raw.overload, issues),
    ringing: { ...raw.ringing },
    voicemail,
    recording: buildRecording(raw.recording),
    media: buildMedia(raw.media, issues, env),
    outbound: { blockedPrefixes: buildBlockedPrefixes(raw.outbound, raw.emergency.numbers, issues) },
    users,
    trunks,
    emergency,
  };
}

function checkCountry(code: string, issues: Issues): CountryCode | undefined {
  if (isKnownCountry(code)) return code;
  issues.add(['defaultCountry'], `"${code}" is not a country libphonenumber-js knows`, 'use an ISO 3166-1 alpha-2 code, e.g. US, GB, DE');
  return undefined;
}

/** RFC 3261 §10.3: Min-Expires ≤ the default a REGISTER without Expires gets ≤ the maximum granted. */
function checkRegistrar(raw: RawDialplan['registrar'], issues: Issues): RegistrarSettings {
  const { minExpiresS: min, maxExpiresS: max, defaultExpiresS: def } = raw;
  if (min > max) {
    issues.add(['registrar', 'minExpiresS'], `minExpiresS (${min}) is greater than maxExpiresS (${max})`, 'make minExpiresS ≤ defaultExpiresS ≤ maxExpiresS');
  } else if (def < min || def > max) {
    issues.add(['registrar', 'defaultExpiresS'], `defaultExpiresS (${def}) is outside minExpiresS..maxExpiresS (${min}..${max})`, `use a value from ${min} to ${max}`);
  }
  return { ...raw, algorithms: [...raw.algorithms], lockout: { ...raw.lockout } };
}

/** Hysteresis needs a gap: leaving at or above the entry threshold would flap every window. */
function checkOverload(raw: RawDialplan['overload'], issues: Issues): OverloadSettings {
  if (raw.leaveLagMs >= raw.enterLagMs) {
    issues.add(['overload', 'leaveLagMs'], `leaveLagMs (${raw.leaveLagMs}) is not below enterLagMs (${raw.enterLagMs})`,
      `use a value under ${raw.enterLagMs}, e.g. ${Math.max(1, Math.floor(raw.enterLagMs / 3))} (a third of enterLagMs)`);
  }
  return { ...raw };
}
