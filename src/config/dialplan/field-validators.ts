/**
 * The dialplan's field checks, one field at a time, for code that takes the same values
 * from elsewhere (the control API's settings writes): a phone number, a SIP URI, an
 * emergency address, forwarding rules, a ring plan. Each applies exactly the rules a
 * dialplan load applies to that field (they are the same functions) and answers with a
 * value: the normalised field, or every problem with its path inside the field
 * (`targets[1].to`), a message and a fix.
 *
 * They assume the shape the schema guarantees (types, enums, ranges): a caller that has
 * not validated against the dialplan schema (or an equal one) must do so first.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { buildForwarding, buildRingPlan } from './build-ring-plan.js';
import { checkCivicAddress } from './civic-address.js';
import { formatPath, Issues } from './issues.js';
import type { Path } from './issues.js';
import { checkNumber, isKnownCountry } from './phone-number.js';
import type { RawCivicAddress, RawUser } from './raw-dialplan.js';
import { DIALPLAN_SCHEMA } from './schema-check.js';
import { checkSipUri } from './sip-uri.js';
import { parseSipUri } from './sip-uri-parser.js';
import type { ParsedSipUri } from './sip-uri-parser.js';
import type { CivicAddress, E164, Forwarding, RingPlan } from './types.js';

export interface FieldProblem {
  /** Inside the field: '' for the field itself, `targets[1].to`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export type FieldCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** What the forwarding and ring-plan rules need to know about the user. */
export interface FieldUserContext {
  /** ISO 3166-1 alpha-2: the country of numbers written without +. */
  readonly defaultCountry: string;
  /** The user's business number (E.164), to refuse a rule or target that rings the user again. */
  readonly ownNumber?: E164;
  /** Whether the user has a voicemail box (forwarding to `voicemail` needs one). */
  readonly hasVoicemail: boolean;
  /**
   * The dialplan's ringing.defaultTargetTimeoutS (ring plans only: a sequential target
   * without timeoutS rings that long). Absent: the schema's default.
   */
  readonly defaultTargetTimeoutS?: number;
}

export type RawForwarding = RawUser['forwarding'];
export type RawRingPlan = RawUser['ringPlan'];
export type { RawCivicAddress };

function run<T>(check: (issues: Issues) => T): FieldCheck<T> {
  const issues = new Issues();
  const value = check(issues);
  if (issues.count === 0) return { ok: true, value };
  return { ok: false, problems: issues.list.map((i) => ({ path: formatPath(i.path), message: i.message, fix: i.fix })) };
}

function countryOf(code: string): CountryCode | undefined {
  return isKnownCountry(code) ? code : undefined;
}

const HERE: Path = [];

export function checkPhoneNumberField(text: string, defaultCountry: string): FieldCheck<E164> {
  return run((issues) => checkNumber(text, HERE, countryOf(defaultCountry), issues) ?? '');
}

/** RFC 3261 §25.1 grammar, and no password in the URI (sip-uri.ts). */
export function checkSipUriField(text: string): FieldCheck<ParsedSipUri> {
  const checked = run((issues) => checkSipUri(text, HERE, issues));
  if (!checked.ok) return checked;
  const parsed = parseSipUri(text);
  return parsed.ok ? { ok: true, value: parsed.uri } : { ok: false, problems: [{ path: '', message: parsed.error, fix: 'write a SIP URI' }] };
}

export function checkCivicAddressField(raw: RawCivicAddress): FieldCheck<CivicAddress> {
  return run((issues) => checkCivicAddress(raw, HERE, issues));
}

export function checkForwardingField(raw: RawForwarding, user: FieldUserContext): FieldCheck<Forwarding> {
  return run((issues) => buildForwarding(raw, HERE, { issues, country: countryOf(user.defaultCountry), ownNumber: user.ownNumber, hasVoicemail: user.hasVoicemail }));
}

export function checkRingPlanField(raw: RawRingPlan, user: FieldUserContext): FieldCheck<RingPlan> {
  const defaultTargetTimeoutS = user.defaultTargetTimeoutS ?? schemaDefaultTargetTimeoutS();
  return run((issues) => buildRingPlan(raw, HERE, { issues, country: countryOf(user.defaultCountry), ownNumber: user.ownNumber, hasVoicemail: user.hasVoicemail, defaultTargetTimeoutS }));
}

/** ringing.defaultTargetTimeoutS's default, read from the schema so it is written once. */
function schemaDefaultTargetTimeoutS(): number {
  const ringing = (DIALPLAN_SCHEMA['properties'] as { ringing: { properties: { defaultTargetTimeoutS: { default: number } } } }).ringing;
  return ringing.properties.defaultTargetTimeoutS.default;
}
