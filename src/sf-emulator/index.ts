/**
 * The Salesforce emulator: a local org over HTTP that tests (and demos) run the CRM worker
 * against. See docs/sf-emulator.md.
 */
export { SalesforceEmulator, SF_EMULATOR_NOT_STARTED } from './salesforce-emulator.js';
export type { ApiCallCounts } from './salesforce-emulator.js';
export type {
  CustomFieldSpec,
  EmulatedUser,
  OAuthClient,
  ObjectPermission,
  RecordView,
  SalesforceEmulatorOptions,
  SfValue,
  ValidationRule,
} from './emulator-options.js';
export type { FaultKind, FaultSpec } from './fault-injector.js';
export type { ApiCallKind } from './rest-router.js';
export { API_CALL_KINDS } from './rest-router.js';
export { SF_EMULATOR_CONFIG } from './org-schema.js';
export { COLLECTION_LIMIT } from './collection-routes.js';
export { KEY_PREFIXES, normalizeId } from './salesforce-id.js';
export { runSfEmulator } from './cli-command.js';
export { DEMO_CLIENT, DEMO_EXTERNAL_ID_FIELD, DEMO_USER, demoOptions, seedDemoOrg } from './demo-org.js';
export type { SfEmulatorIo } from './cli-command.js';
