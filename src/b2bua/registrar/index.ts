/** The registrar (issue #3): Digest authentication, bindings in the Store, reaching devices over their flow. */
export { Registrar } from './registrar.js';
export { LOCKED_OUT_REASON } from './digest-authenticator.js';
export { computeResponse, parseAuthorization } from './digest.js';
export type { DigestAlgorithm, DigestCredentials } from './digest.js';
export type {
  AuthResult, ChallengeReason, FlowSource, KeepaliveSettings, OutgoingRequest, OutgoingRequestOptions, ReachableContact,
  RegistrarOptions, RegistrarRequest, RegistrarResponse, RegistrarSrf, RegistrarUser, SrfHandler,
} from './registrar-types.js';
