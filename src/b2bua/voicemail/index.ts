/** Voicemail (issue #5): deposit as a call leg, message waiting (RFC 3842), retrieval by DTMF, visual voicemail. */
export { VoicemailService, VOICEMAIL_CLOSED, VOICEMAIL_NO_MAILBOX } from './voicemail-service.js';
export type { RetrievalLegOptions } from './voicemail-service.js';
export { VoicemailLeg } from './voicemail-leg.js';
export type { LegHeaders, LegRequest, LegResponse } from './voicemail-leg.js';
export type { RetrievalOutcome } from './retrieval-menu.js';
export { countPrompts } from './retrieval-menu.js';
export { messageUrl } from './voicemail-events.js';
export { mailboxId, VOICEMAIL_STORE_CONFLICT } from './mailbox-store.js';
export { pinCounterId } from './pin-guard.js';
export { messageSummaryBody, MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE } from './message-summary.js';
export type { MwiDialog, MwiRegistrar, MwiRequest, MwiResponse, MwiSrf } from './mwi-srf.js';
export { DEFAULT_VOICEMAIL_SETTINGS } from './voicemail-types.js';
export type {
  DepositOptions, DepositReason, EventSequence, MessageCounts, MessageFile, RetrievalOptions, VoicemailEventSink, VoicemailMessage,
  VoicemailServiceOptions, VoicemailSettings, VoicemailUser,
} from './voicemail-types.js';
export { answerWithLeg, depositReasonOf } from './answer-with-leg.js';
export type { AnsweredDialog, AnsweringSrf, InfoRequest, InfoResponse } from './answer-with-leg.js';
export { answerInfo } from './info-answer.js';
export type { InfoAnswer } from './info-answer.js';
