/**
 * Checks settings written through the API by the dialplan's own rules, so that a value the
 * API accepts is one a dialplan would accept (and is normalised the same way: numbers to
 * E.164 in the dialplan's default country, US ZIP codes and state codes checked, a forward
 * to the user's own number refused, a sequential target that can never ring refused).
 *
 * config exports its field validators (checkForwardingField, checkRingPlanField,
 * checkCivicAddressField, …), but they assume what the dialplan schema guarantees (types,
 * enums, ranges, the defaults it fills in, such as a target's `confirm: false`). So the
 * fragment is still checked inside a one-user dialplan built around it: the schema and
 * then those same validators apply, and the error path
 * (`users[0].emergencyAddress.postalCode`) is mapped back to the request body.
 */
import { parseDialplan } from '../../config/index.js';
import type { Dialplan, User } from '../../config/index.js';

/** What a user's dialplan entry may take from an API request (the dialplan's own field names). */
export interface SettingsFragment {
  readonly forwarding?: Readonly<Record<string, string>>;
  readonly ringPlan?: unknown;
  readonly blockList?: { readonly numbers?: readonly string[]; readonly prefixes?: readonly string[] };
  readonly emergencyAddress?: unknown;
}

export type SettingsCheck =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly field: string; readonly message: string };

const PROBE_ENV = { PROBE_PASSWORD: 'probe-password-unused', PROBE_PIN: '0000' } as const;
const USER_PATH = 'users[0]';

export class SettingsChecker {
  constructor(private readonly dialplan: Dialplan) {}

  /**
   * Checks `fragment` as if it were written in `user`'s dialplan entry. `field` maps a
   * path inside the user entry (`forwarding.busy`) to the name the client used (`busy`).
   */
  check(user: User, fragment: SettingsFragment, field: (userPath: string) => string): SettingsCheck {
    const result = parseDialplan(JSON.stringify(this.probe(user, fragment)), { file: 'control-api', env: PROBE_ENV });
    if (result.ok) {
      const checked = result.dialplan.users[0];
      if (checked) return { ok: true, user: checked };
      return { ok: false, field: '', message: 'the settings could not be checked' };
    }
    const first = result.errors[0];
    if (first === undefined) return { ok: false, field: '', message: 'the settings could not be checked' };
    const inUser = first.path.startsWith(`${USER_PATH}.`) ? first.path.slice(USER_PATH.length + 1) : '';
    return { ok: false, field: inUser === '' ? '' : field(inUser), message: `${first.message}: ${first.fix}` };
  }

  /** A minimal valid dialplan whose one user is `user` with `fragment` applied. */
  private probe(user: User, fragment: SettingsFragment): object {
    const dp = this.dialplan;
    const entry = {
      id: user.id,
      extension: user.extension,
      ...(user.businessNumber === undefined ? {} : { businessNumber: user.businessNumber }),
      sip: { password: { env: 'PROBE_PASSWORD' } },
      voicemail: user.voicemail.enabled ? { enabled: true, pin: { env: 'PROBE_PIN' } } : { enabled: false },
      ...fragment,
    };
    return {
      version: 1,
      domain: 'probe.invalid',
      defaultCountry: dp.defaultCountry,
      voicemail: { serviceUri: 'sip:voicemail@probe.invalid' },
      trunks: [{ name: 'probe', outbound: { uri: 'sip:probe.invalid' } }],
      emergency: { numbers: dp.emergency.numbers, trunk: 'probe' },
      // A sequential plan is checked with the ring time its untimed targets will really have.
      ringing: { ...dp.ringing },
      users: [entry],
    };
  }
}

/** `forwarding.busy` → `busy`: strips the entry key the fragment was written under. */
export function under(prefix: string, rename = ''): (userPath: string) => string {
  return (path) => {
    const rest = path === prefix ? '' : path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`) ? path.slice(prefix.length).replace(/^\./, '') : path;
    if (rename === '') return rest;
    return rest === '' ? rename : rest.startsWith('[') ? `${rename}${rest}` : `${rename}.${rest}`;
  };
}
