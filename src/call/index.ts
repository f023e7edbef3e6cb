/**
 * The call-control core (architecture §2): pure decisions and the CallMachine. Imports
 * nothing outside src/call; time arrives in inputs, timers leave as commands.
 */
export type { CallDirection, CallerIdentity, CallRequest, CallSource } from './call-request.js';
export { isAnonymous } from './call-request.js';
export type {
  BlockList,
  DevicesTarget,
  EmergencyAddress,
  Forwarding,
  LineUser,
  NumberTarget,
  RingPlan,
  RingStrategy,
  Target,
  UserLimits,
  VoicemailBox,
} from './line-user.js';
export { VOICEMAIL_BOX } from './line-user.js';
export type { BlockedPrefix, NumberingPlan, Policy, RingingPolicy, TrunkLimits } from './policy.js';
export { DEFAULT_EMERGENCY_NUMBERS, NANP_NUMBERING } from './policy.js';
export type { RegisteredDevice, Snapshot } from './snapshot.js';
export type { DecisionContext } from './decision-context.js';
export type {
  Attempt,
  AttemptOutcome,
  CallerId,
  ConnectRoute,
  DiversionReason,
  EmergencyRoute,
  ExternalRoute,
  FallbackRoute,
  Fallbacks,
  ForwardRoute,
  LegBody,
  LegTarget,
  PlannedLeg,
  RejectDisposition,
  RejectRoute,
  RingRoute,
  RingStep,
  Route,
  RouteNotice,
  SipHeaderField,
  VoicemailRoute,
} from './route.js';
export { REJECTIONS } from './rejections.js';
export type { RejectionName } from './rejections.js';
export { REASON_COMPLETED_ELSEWHERE } from './sip-headers.js';
export { decideInbound } from './decide-inbound.js';
export { decideOutbound, isEmergencyNumber } from './decide-outbound.js';
export { findCallee } from './directory.js';
export { isE164, isInternational, normaliseNumber, stripVisualSeparators } from './dial-string.js';
export { PIDF_CONTENT_TYPE, pidfLo } from './pidf-lo.js';
export type {
  CallAnsweredEvent,
  CallEndedEvent,
  CallEvent,
  CallRingingEvent,
  CallStartedEvent,
  Disposition,
  EmergencyCallEvent,
  EndReason,
  HungUpBy,
  Party,
} from './call-event.js';
export type {
  CallInput,
  CalleeHungUpInput,
  CallerCancelledInput,
  CallerHungUpInput,
  DecidedInput,
  DrainInput,
  DtmfReceivedInput,
  LegAnsweredInput,
  LegCancelledInput,
  LegFailedInput,
  LegProgressInput,
  ShellFailedInput,
  ShellStep,
  StartInput,
  TimerFiredInput,
} from './call-input.js';
export type {
  BridgeLegsCommand,
  ByeCallerCommand,
  ByeLegCommand,
  CallCommand,
  CancelLegCommand,
  CancelTimerCommand,
  EmitEventCommand,
  Notice,
  NotifyCommand,
  PromptConfirmCommand,
  RespondCommand,
  StartLegCommand,
  StartTimerCommand,
} from './call-command.js';
export type { AttemptState, BridgeState, CallEnd, CallPhase, CallState, LegOutcome, LegState, LegStatus } from './call-state.js';
export { isSettled } from './call-state.js';
export { CallMachine } from './call-machine.js';
export type { StepResult } from './call-machine.js';
