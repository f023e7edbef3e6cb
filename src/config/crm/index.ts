/**
 * The CRM worker's configuration (issue #4): a YAML file validated at start against
 * schema/crm-config.schema.json, documented in docs/crm.md ("Configuration").
 */
export { CRM_CONFIG_ENV, formatCrmConfigErrors, loadCrmConfig, parseCrmConfig, readCrmConfig, PRODUCTION_LOGIN, SANDBOX_LOGIN } from './load-crm-config.js';
export type { CrmLoadOptions } from './load-crm-config.js';
export { CRM_CONFIG_SCHEMA } from './crm-schema-check.js';
export type * from './types.js';
