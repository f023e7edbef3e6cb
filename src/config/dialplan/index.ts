/**
 * Dialplans (issue #3): the YAML format (schema/dialplan.schema.json, docs/dialplan.md),
 * its loader with start-time validation, and the normalised, frozen Dialplan type.
 */
export { loadDialplan, parseDialplan, readDialplan } from './load-dialplan.js';
export type { LoadOptions } from './load-dialplan.js';
export { formatDialplanErrors } from './format-dialplan-errors.js';
export { DEMO_SECRET_DEFAULTS, publishedDemoSecret } from './demo-secrets.js';
export { DIALPLAN_SCHEMA } from './schema-check.js';
export { Secret } from './secret.js';
export { parseSipUri } from './sip-uri-parser.js';
export type { ParsedSipUri, SipUriParam, SipUriParse } from './sip-uri-parser.js';
export {
  checkCivicAddressField, checkForwardingField, checkPhoneNumberField, checkRingPlanField, checkSipUriField,
} from './field-validators.js';
export type { FieldCheck, FieldProblem, RawCivicAddress, RawForwarding, RawRingPlan, FieldUserContext } from './field-validators.js';
export type * from './types.js';
