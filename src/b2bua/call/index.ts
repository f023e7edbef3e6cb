/**
 * The B2BUA shell (issue #3): runs the pure call core (src/call) on drachtio-srf.
 */
export { CallShell } from './call-shell.js';
export type { CallShellOptions } from './call-shell.js';
export type { CallAuthResult, CallRegistrar, ReachableDevice } from './call-registrar.js';
export { StoreContactDirectory, directoryKey, lookupWithin } from './contact-directory.js';
export type { ContactDirectory } from './contact-directory.js';
export type { Fetch } from './emergency-notifier.js';
export { EmergencyNotifier, NOTIFY_BUDGET_MS, noticeText } from './emergency-notifier.js';
export { CallEventWriter, toStoredEvent, formatAddress } from './event-writer.js';
export type { Annotation, EventObserver } from './event-writer.js';
export type { EventSink } from './event-writer.js';
export type {
  CreateUacOptions, InDialogRequest, InDialogResponse, OfferlessAnswer, ShellDialog, ShellRequest, ShellResponse, ShellSrf, SrfResponseLike,
} from './shell-srf.js';
export { finalResponse, isOfferlessAnswer } from './shell-srf.js';
export { BridgeRelay, glareDelayMs } from './bridge-relay.js';
export type { RelayDeps, Side } from './bridge-relay.js';
export { CallerCancel } from './caller-cancel.js';
export { dtmfDigit } from '../info-dtmf.js';
export { multipart, fromHeader, withUser } from './leg-request.js';
export { normaliseDialled, numberingFor, trunkNumber } from './numbers.js';
export { callRequestOf, parseAddress, recogniseSource, uriUser } from './call-source.js';
export { lineUserOf, policyFor, withEffectiveSettings, withSettings, RETRY_AFTER_S } from './line-users.js';
export { ClickToCallSession, DESTINATION_RING_CAP_MS } from './click-to-call-session.js';
export type { ClickToCallPlan } from './click-to-call-session.js';
export { clickToCallPlan, CLICK_TO_CALL_REFUSED, NO_DEVICES_REGISTERED } from './click-to-call.js';
export { LiveCalls } from './live-calls.js';
export type { EndedCallRecorder } from './live-calls.js';
export { RecentCallRecorder } from './recent-calls.js';
export { promCallMetrics, NO_CALL_METRICS } from './call-metrics.js';
export type { CallMetrics } from './call-metrics.js';
export { OverloadGuard, overloadGuardFor, isOverloadRefusal, OVERLOAD_WINDOW_MS, OVERLOAD_CALM_WINDOWS } from './overload-guard.js';
export type { OverloadGuardDeps, OverloadGuardOptions, OverloadSignal } from './overload-guard.js';
export { eventLoopLag, worstLag } from './event-loop-lag.js';
export type { LagReading, LagSource } from './event-loop-lag.js';
export { promOverloadMetrics } from './overload-metrics.js';
export type { OverloadFigures } from './overload-metrics.js';
