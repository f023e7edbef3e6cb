export { parseEngineFlags, readEngineFlags, parseContact, formatFlagErrors } from './engine-flags.js';
export type { EngineFlags, FlagError, FlagResult } from './engine-flags.js';
export { loadDialplan, parseDialplan, readDialplan, formatDialplanErrors, DEMO_SECRET_DEFAULTS, publishedDemoSecret, DIALPLAN_SCHEMA, Secret } from './dialplan/index.js';
export {
  parseSipUri, checkCivicAddressField, checkForwardingField, checkPhoneNumberField, checkRingPlanField, checkSipUriField,
} from './dialplan/index.js';
export type {
  ParsedSipUri, SipUriParam, SipUriParse, FieldCheck, FieldProblem, RawCivicAddress, RawForwarding, RawRingPlan, FieldUserContext,
} from './dialplan/index.js';
export type {
  Dialplan, DialplanError, DialplanResult, EnvMap, LoadOptions, User, Trunk, RingPlan, RingTarget, Forwarding, ForwardDestination,
  BlockList, CivicAddress, EmergencySettings, NotifyTarget, RegistrarSettings, DialplanLimits, SourceNetwork, TrunkOutbound, E164,
  VoicemailService, InternalVoicemail, ExternalVoicemail, RecordingSettings, MediaSettings, OutboundRules, BlockedPrefix, ControlApiSettings, DigestAlgorithm, RecordingPolicy, RingingSettings,
} from './dialplan/index.js';
export { CRM_CONFIG_ENV, CRM_CONFIG_SCHEMA, formatCrmConfigErrors, loadCrmConfig, parseCrmConfig, readCrmConfig } from './crm/index.js';
export type { CrmSettings, CrmAuthSettings, CrmConfigError, CrmConfigResult, CrmEventSettings, CrmSmtpSettings, CrmLoadOptions } from './crm/index.js';
