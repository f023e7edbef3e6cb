export {
  CALL_EVENT_LIMITS,
  CALL_EVENT_TYPES,
  CALL_EVENT_VERSION,
  DIRECTIONS,
  DISPOSITIONS,
  END_REASONS,
  HANGUP_PARTIES,
} from './call-event.js';
export type {
  CallAnswered,
  CallEnded,
  CallEvent,
  CallEventBase,
  CallEventType,
  CallRinging,
  CallStarted,
  Direction,
  Disposition,
  EmergencyCall,
  EndReason,
  HangupParty,
  NoteAdded,
  OpportunityTagged,
  Party,
} from './call-event.js';
export { parseCallEvent } from './parse-call-event.js';
export type { CallEventErrorCode, CallEventParseResult } from './parse-call-event.js';
export type { EventLog, EventLogOptions, LoggedEvent, UnreadableEntry } from './event-log.js';
export { FileEventLog } from './file-event-log.js';
export type { FileEventLogOptions, FileEventLogStats } from './file-event-log.js';
export type { TrimInfo } from './log-retention.js';
export { RedisEventLog } from './redis-event-log.js';
export type { RedisEventLogOptions } from './redis-event-log.js';
