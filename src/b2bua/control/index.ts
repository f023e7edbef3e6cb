/**
 * The control API (issue #3): per-user settings, click-to-call, notes and opportunity tags,
 * recent calls; bearer-token auth; the OpenAPI document in docs/openapi.yaml.
 */
export { ControlServer } from './control-server.js';
export type { ControlServerOptions } from './control-server.js';
export { CALL_NOT_ACTIVE } from './call-control.js';
export type { CallControl, ClickToCallOptions } from './call-control.js';
export { CallSequence, CALL_SEQUENCE_UNKNOWN } from './call-sequence.js';
export { CallAnnotations, CALL_NOT_FOUND } from './call-annotations.js';
export type { CallAnnotationsOptions } from './call-annotations.js';
export { effectiveSettings, readStoredSettings, FORWARD_RULES } from './user-settings.js';
export type {
  AddressSettings, BlockListSettings, ConfirmSetting, EffectiveSettings, ForwardRule, ForwardTarget, ForwardingSettings, RingPlanSettings, RingTargetSettings, StoredSettings,
} from './user-settings.js';
export { OPENAPI_PATH } from './openapi-document.js';
export type { TokenSource } from './bearer-auth.js';
export type { ApiErrorCode } from './api-error.js';
