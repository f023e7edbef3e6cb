/**
 * Dialplans (issue #3): the YAML format (schema/dialplan.schema.json, docs/dialplan.md),
 * its loader with start-time validation, and the normalised, frozen Dialplan type.
 */
export { loadDialplan, parseDialplan, readDialplan } from './load-dialplan.js';
export type { LoadOptions } from './load-dialplan.js';
export { formatDialplanErrors } from './format-dialplan-errors.js';
export { DEMO_SECRET_DEFAULTS } from './demo-secrets.js';
export { DIALPLAN_SCHEMA } from './schema-check.js';
export { Secret } from './secret.js';
export type * from './types.js';
