export { startDemoApp } from './demo-app.js';
export type { DemoAppOptions, RunningApp } from './demo-app.js';
export { Registrar, LOCKED_OUT_REASON, computeResponse, parseAuthorization } from './registrar/index.js';
export type {
  AuthResult, ChallengeReason, DigestAlgorithm, DigestCredentials, FlowSource, KeepaliveSettings, OutgoingRequest, OutgoingRequestOptions,
  ReachableContact, RegistrarOptions, RegistrarRequest, RegistrarResponse, RegistrarSrf, RegistrarUser, SrfHandler,
} from './registrar/index.js';
export { ControlServer, CALL_NOT_ACTIVE, CallSequence, CALL_SEQUENCE_UNKNOWN, effectiveSettings, readStoredSettings, OPENAPI_PATH } from './control/index.js';
export type { ControlServerOptions, CallControl, ClickToCallOptions, EffectiveSettings, StoredSettings, ApiErrorCode } from './control/index.js';
