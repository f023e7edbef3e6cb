/**
 * parseCallEvent: the one gate every event passes, on append and on read. Input is
 * `unknown` (a log line, a stream entry, a JSON body) so it never throws; the answer is a
 * value. Unknown fields are dropped, so a consumer only ever sees the documented shape.
 */
import {
  CALL_EVENT_LIMITS,
  CALL_EVENT_TYPES,
  CALL_EVENT_VERSION,
  DIRECTIONS,
  DISPOSITIONS,
  END_REASONS,
  HANGUP_PARTIES,
  RECORDING_LAYOUTS,
  VOICEMAIL_HEARD_VIA,
  type CallEvent,
  type CallEventBase,
  type CallEventType,
  type EndReason,
  type Party,
} from './call-event.js';

export type CallEventErrorCode = 'not-an-object' | 'unknown-type' | 'unsupported-version' | 'invalid-field';

export type CallEventParseResult =
  | { readonly ok: true; readonly event: CallEvent }
  | { readonly ok: false; readonly code: CallEventErrorCode; readonly error: string; readonly field?: string };

type Obj = Readonly<Record<string, unknown>>;

/** Thrown only inside this module, to unwind field checks; never escapes parseCallEvent. */
class FieldError {
  constructor(
    readonly field: string,
    readonly error: string,
  ) {}
}

export function parseCallEvent(input: unknown): CallEventParseResult {
  if (!isObj(input)) return { ok: false, code: 'not-an-object', error: 'a call event must be a JSON object' };
  const type = input['type'];
  if (!isEventType(type)) {
    return { ok: false, code: 'unknown-type', error: `unknown event type ${JSON.stringify(type)}`, field: 'type' };
  }
  if (input['v'] !== CALL_EVENT_VERSION) {
    const error = `${type} version ${JSON.stringify(input['v'])} is not supported (this code reads v${CALL_EVENT_VERSION})`;
    return { ok: false, code: 'unsupported-version', error, field: 'v' };
  }
  try {
    return { ok: true, event: readEvent(type, input) };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, code: 'invalid-field', error: e.error, field: e.field };
    throw e;
  }
}

function readEvent(type: CallEventType, o: Obj): CallEvent {
  const base = readBase(o);
  switch (type) {
    case 'call.started':
      return {
        type,
        ...base,
        userId: id(o, 'userId'),
        direction: oneOf(o, 'direction', DIRECTIONS),
        from: id(o, 'from'),
        to: id(o, 'to'),
        ...optional(o, 'fromName', id),
        ...optional(o, 'trunkId', id),
      };
    case 'call.ringing':
      return { type, ...base, userId: id(o, 'userId'), targets: parties(o, 'targets') };
    case 'call.answered':
      return { type, ...base, userId: id(o, 'userId'), answeredBy: party(o['answeredBy'], 'answeredBy') };
    case 'call.ended':
      return {
        type,
        ...base,
        userId: id(o, 'userId'),
        disposition: oneOf(o, 'disposition', DISPOSITIONS),
        durationS: integer(o, 'durationS', 0, Number.MAX_SAFE_INTEGER),
        hungUpBy: oneOf(o, 'hungUpBy', HANGUP_PARTIES),
        ...(o['answeredBy'] === undefined ? {} : { answeredBy: party(o['answeredBy'], 'answeredBy') }),
        ...optional(o, 'sipStatus', (x, k) => integer(x, k, 100, 699)),
        ...endReason(o),
      };
    case 'note.added':
      return { type, ...base, userId: id(o, 'userId'), text: text(o, 'text', CALL_EVENT_LIMITS.maxTextLength) };
    case 'opportunity.tagged':
      return { type, ...base, userId: id(o, 'userId'), opportunityId: id(o, 'opportunityId') };
    case 'emergency.call':
      return {
        type,
        ...base,
        userId: id(o, 'userId'),
        number: id(o, 'number'),
        ...optional(o, 'deviceId', id),
        ...optional(o, 'location', (x, k) => text(x, k, CALL_EVENT_LIMITS.maxTextLength)),
      };
    case 'voicemail.deposited':
      return {
        type,
        ...base,
        userId: id(o, 'userId'),
        from: id(o, 'from'),
        durationMs: integer(o, 'durationMs', 0, Number.MAX_SAFE_INTEGER),
        messageId: id(o, 'messageId'),
        url: id(o, 'url'),
      };
    case 'voicemail.heard':
      return { type, ...base, userId: id(o, 'userId'), messageId: id(o, 'messageId'), via: oneOf(o, 'via', VOICEMAIL_HEARD_VIA) };
    case 'recording.available':
      return {
        type,
        ...base,
        userId: id(o, 'userId'),
        recordingId: id(o, 'recordingId'),
        path: text(o, 'path', CALL_EVENT_LIMITS.maxTextLength),
        ...optional(o, 'url', (x, k) => text(x, k, CALL_EVENT_LIMITS.maxTextLength)),
        durationMs: integer(o, 'durationMs', 0, Number.MAX_SAFE_INTEGER),
        channels: integer(o, 'channels', 1, 2) as 1 | 2,
        layout: oneOf(o, 'layout', RECORDING_LAYOUTS),
      };
  }
}

/**
 * call.ended `reason`: a string, else invalid-field. A code this reader does not know (a newer
 * writer's) is dropped like an unknown field, so adding a code needs no new `v`.
 */
function endReason(o: Obj): { reason?: EndReason } {
  const x = o['reason'];
  if (x === undefined) return {};
  if (typeof x !== 'string') throw new FieldError('reason', 'reason must be a string');
  return (END_REASONS as readonly string[]).includes(x) ? { reason: x as EndReason } : {};
}

function readBase(o: Obj): CallEventBase {
  return {
    v: CALL_EVENT_VERSION,
    callId: id(o, 'callId'),
    seq: integer(o, 'seq', 1, Number.MAX_SAFE_INTEGER),
    at: isoTime(o, 'at'),
    ...optional(o, 'tenant', id),
  };
}

/** `{}` when the field is absent, `{ [k]: value }` when present and valid. */
function optional<K extends string, T>(o: Obj, k: K, read: (o: Obj, k: K) => T): { [P in K]?: T } {
  if (o[k] === undefined) return {};
  return { [k]: read(o, k) } as { [P in K]?: T };
}

function id(o: Obj, k: string): string {
  return text(o, k, CALL_EVENT_LIMITS.maxIdLength);
}

function text(o: Obj, k: string, max: number): string {
  const x = o[k];
  if (typeof x !== 'string' || x.length === 0) throw new FieldError(k, `${k} must be a non-empty string`);
  if (x.length > max) throw new FieldError(k, `${k} is longer than ${max} characters`);
  return x;
}

function integer(o: Obj, k: string, min: number, max: number): number {
  const x = o[k];
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    throw new FieldError(k, `${k} must be an integer from ${min} to ${max}`);
  }
  return x;
}

function oneOf<T extends string>(o: Obj, k: string, allowed: readonly T[]): T {
  const x = o[k];
  if (typeof x === 'string' && (allowed as readonly string[]).includes(x)) return x as T;
  throw new FieldError(k, `${k} must be one of ${allowed.join(', ')}`);
}

// An ISO 8601 instant with an explicit zone, as Date.prototype.toISOString writes it
// (offsets other than Z are accepted too); Date.parse alone would accept local times.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function isoTime(o: Obj, k: string): string {
  const x = o[k];
  if (typeof x !== 'string' || !ISO_INSTANT.test(x) || Number.isNaN(Date.parse(x))) {
    throw new FieldError(k, `${k} must be an ISO 8601 instant with a zone, e.g. 2024-05-01T12:00:00.000Z`);
  }
  return x;
}

function parties(o: Obj, k: string): Party[] {
  const x = o[k];
  if (!Array.isArray(x) || x.length === 0 || x.length > CALL_EVENT_LIMITS.maxTargets) {
    throw new FieldError(k, `${k} must be an array of 1 to ${CALL_EVENT_LIMITS.maxTargets} parties`);
  }
  return x.map((p, i) => party(p, `${k}[${i}]`));
}

function party(x: unknown, field: string): Party {
  if (!isObj(x)) throw new FieldError(field, `${field} must be an object`);
  try {
    if (x['kind'] === 'device') return { kind: 'device', deviceId: id(x, 'deviceId') };
    if (x['kind'] === 'target') return { kind: 'target', target: id(x, 'target') };
  } catch (e) {
    if (e instanceof FieldError) throw new FieldError(`${field}.${e.field}`, `${field}.${e.error}`);
    throw e;
  }
  throw new FieldError(`${field}.kind`, `${field}.kind must be device or target`);
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isEventType(x: unknown): x is CallEventType {
  return typeof x === 'string' && (CALL_EVENT_TYPES as readonly string[]).includes(x);
}
