export { SalesforceClient } from './salesforce-client.js';
export type { CallOptions, SalesforceClientOptions } from './salesforce-client.js';
export { SalesforceError, classifySalesforceError, errorFacts } from './salesforce-error.js';
export type { ErrorFacts } from './salesforce-error.js';
export { ApiGovernor } from './api-governor.js';
export type { ApiGovernorOptions, GovernorSettings } from './api-governor.js';
export { DEFAULT_RETRY, fullJitterDelay } from './backoff.js';
export type { RetryPolicy } from './backoff.js';
export { parseLimitInfo } from './limit-info.js';
export { JsforceConnector } from './jsforce-connector.js';
export type { HttpObserver, JsforceConnectorOptions, SalesforceConnector, SalesforceSession } from './jsforce-connector.js';
export { buildJwtAssertion, readPrivateKey, JWT_LIFETIME_SECONDS } from './jwt-assertion.js';
export {
  PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL, checkApiVersion, checkLoginUrl, jwtAudience, myDomainLoginUrl,
} from './login-url.js';
export type { LoginUrlCheck } from './login-url.js';
export { GOVERNOR_STATE_VALUE, noSalesforceMetrics, promSalesforceMetrics } from './salesforce-metrics.js';
export type { SalesforceMetrics } from './salesforce-metrics.js';
export { testConnection, requirementsFor } from './test-connection.js';
export type { TestConnectionOptions } from './test-connection.js';
export { formatVerdict, loginFix, objectChecks } from './connection-verdict.js';
export type { CheckStatus, ConnectionCheck, ConnectionVerdict, ObjectDescription, ObjectRequirement } from './connection-verdict.js';
export { API_CALL_KINDS } from './types.js';
export type { ApiCallKind, ApiUsage, ErrorVerdict, GovernorState, SalesforceAuth, SalesforceConnectionOptions } from './types.js';
