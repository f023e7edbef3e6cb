/**
 * The FreeSWITCH side of each MediaEndpoint operation, as pure functions: the arguments
 * we send (dialplan applications through `sendmsg … execute`, API commands through
 * `api`) and how the CHANNEL_EXECUTE_COMPLETE that ends an application reads back as a
 * MediaPort result. Behaviour cited from FreeSWITCH 1.10: mod_dptools (playback, record),
 * switch_ivr_play_say.c (switch_ivr_record_file), mod_commands (uuid_*).
 */
import type { RecordEndReason, RecordOptions, RecordResult } from '../media-port.js';
import { FSMRF_ERROR_CODES, mediaError } from './fsmrf-errors.js';

/** Every DTMF key: a barge-in play stops on any of them (the playback_terminators variable). */
export const BARGE_IN_TERMINATORS = '0123456789*#ABCD';

export const RECORD_DEFAULTS = { maxDurationMs: 120_000, silenceTimeoutMs: 5_000, terminators: '#' } as const;

/**
 * FreeSWITCH's silence threshold for `record`: the mean absolute sample value of a frame
 * (switch_ivr_record_file) below which the frame counts as silent. 200 is what
 * FreeSWITCH's own voicemail examples use.
 */
export const DEFAULT_SILENCE_THRESHOLD = 200;

/** The digits RFC 4733 carries that uuid_send_dtmf accepts (plus none of its pause letters). */
const DTMF_DIGITS = /^[0-9*#A-D]+$/;

/** Header lookup of an ESL event (drachtio-modesl's Event#getHeader). */
export type HeaderOf = (name: string) => string | undefined;

/**
 * The value of `playback_terminators` for a list of digits: FreeSWITCH's default when the
 * variable is unset is `*`, so "no terminator" must be said explicitly with `none`.
 */
export function terminatorsValue(terminators: string): string {
  return terminators === '' ? 'none' : terminators;
}

/**
 * Rejects what cannot travel as one ESL argument: a line break would end the ESL message
 * (RFC-style header framing) and smuggle in another command; a space splits `record` and
 * `uuid_record` arguments. Playback takes its whole argument as the file, so spaces are fine there.
 */
export function checkArgument(value: string, what: string, options: { spaces: boolean }): void {
  const bad = options.spaces ? /[\r\n]/ : /[\s]/;
  if (value === '' || bad.test(value)) {
    throw mediaError(FSMRF_ERROR_CODES.BAD_FILE, `${what} ${JSON.stringify(value)} cannot be passed to FreeSWITCH`);
  }
}

/** Terminators are DTMF keys only (an empty string means none). */
export function checkTerminators(terminators: string): void {
  if (!/^[0-9*#A-D]*$/.test(terminators)) {
    throw mediaError(FSMRF_ERROR_CODES.BAD_DIGITS, `terminators ${JSON.stringify(terminators)} are not DTMF keys`);
  }
}

export interface RecordPlan {
  /** The `record` application's argument: `<path> <time_limit_secs> [<silence_thresh> <silence_hits>]`. */
  readonly arg: string;
  readonly terminators: string;
  /** Seconds of silence that end the recording (0: silence detection off). */
  readonly silenceSecs: number;
}

/**
 * `record <path> <time_limit_secs> [<silence_thresh> <silence_hits>]` (mod_dptools record).
 * FreeSWITCH counts in whole seconds: the limit is rounded up, and silence_hits is in
 * seconds too (switch_ivr_record_file turns it into frames). 0 silence ms omits both
 * silence arguments, which switches detection off (thresh 0).
 */
export function planRecord(path: string, options: RecordOptions = {}, threshold = DEFAULT_SILENCE_THRESHOLD): RecordPlan {
  checkArgument(path, 'record path', { spaces: false });
  const maxMs = options.maxDurationMs ?? RECORD_DEFAULTS.maxDurationMs;
  const silenceMs = options.silenceTimeoutMs ?? RECORD_DEFAULTS.silenceTimeoutMs;
  const terminators = options.terminators ?? RECORD_DEFAULTS.terminators;
  checkTerminators(terminators);
  const limitSecs = Math.max(1, Math.ceil(maxMs / 1000));
  const silenceSecs = silenceMs > 0 ? Math.max(1, Math.ceil(silenceMs / 1000)) : 0;
  const arg = silenceSecs > 0 ? `${path} ${limitSecs} ${threshold} ${silenceSecs}` : `${path} ${limitSecs}`;
  return { arg, terminators, silenceSecs };
}

/** What ended a `record`, read from its CHANNEL_EXECUTE_COMPLETE, in order of precedence. */
export function recordResult(
  path: string,
  header: HeaderOf,
  context: { stopped: boolean; hungUp: boolean; silenceSecs: number },
): RecordResult {
  const recordedMs = intHeader(header('variable_record_ms'));
  const digit = header('variable_playback_terminator_used');
  let reason: RecordEndReason;
  if (context.stopped) reason = 'stopped';
  else if (digit) reason = 'terminator';
  else if (header('variable_silence_hits_exhausted') === 'true') reason = 'silence';
  else if (context.hungUp) reason = 'hangup';
  else reason = 'max-duration';
  // FreeSWITCH keeps the trailing silence in the file; the duration we report leaves it out.
  const durationMs = reason === 'silence' ? Math.max(0, recordedMs - context.silenceSecs * 1000) : recordedMs;
  return reason === 'terminator' && digit ? { path, durationMs, reason, digit } : { path, durationMs, reason };
}

export interface PlaybackOutcome {
  readonly playedMs: number;
  /** The terminator that cut the file short, if any. */
  readonly terminator: string | undefined;
}

/**
 * Reads the CHANNEL_EXECUTE_COMPLETE of `playback`: Application-Response is FILE PLAYED
 * (also when a terminator or uuid_break cut it short), FILE NOT FOUND or PLAYBACK ERROR.
 */
export function playbackOutcome(file: string, header: HeaderOf): PlaybackOutcome {
  const response = header('Application-Response');
  if (response === 'FILE NOT FOUND') throw mediaError(FSMRF_ERROR_CODES.FILE_NOT_FOUND, `FreeSWITCH has no file ${file}`);
  if (response === 'PLAYBACK ERROR') throw mediaError(FSMRF_ERROR_CODES.BAD_FILE, `FreeSWITCH could not play ${file}`);
  return { playedMs: intHeader(header('variable_playback_ms')), terminator: header('variable_playback_terminator_used') || undefined };
}

/** `uuid_send_dtmf <uuid> <digits>[@<ms>]`: the @ suffix sets each tone's duration in ms. */
export function sendDtmfArgs(uuid: string, digits: string, durationMs?: number): string {
  if (!DTMF_DIGITS.test(digits)) {
    throw mediaError(FSMRF_ERROR_CODES.BAD_DIGITS, `${JSON.stringify(digits)} is not a DTMF digit string`);
  }
  return durationMs === undefined ? `${uuid} ${digits}` : `${uuid} ${digits}@${Math.round(durationMs)}`;
}

/**
 * `uuid_recv_dtmf <uuid> <digit>@<ms>`: FreeSWITCH queues the digit on the channel as if the
 * phone had sent it (mod_commands → switch_channel_queue_dtmf_string, the queue the RTP stack
 * puts RFC 2833 digits in), so playback and record terminators, and the DTMF event that
 * dequeuing fires, treat it like any other. The @ suffix is the duration in ms.
 */
export function recvDtmfArgs(uuid: string, digit: string, durationMs: number): string {
  if (!/^[0-9*#A-D]$/.test(digit)) {
    throw mediaError(FSMRF_ERROR_CODES.BAD_DIGITS, `${JSON.stringify(digit)} is not one DTMF digit`);
  }
  return `${uuid} ${digit}@${Math.max(1, Math.round(durationMs))}`;
}

/**
 * FreeSWITCH reports DTMF-Duration in samples of the telephone-event clock, 8 kHz for the
 * G.711 calls linegate makes (RFC 4733 §2.3.5: duration in timestamp units).
 */
export function dtmfDurationMs(samples: string | undefined): number {
  return Math.round(intHeader(samples) / 8);
}

/** True when the negotiated SDP carries telephone-event (RFC 4733 §7.1.1 rtpmap). */
export function hasTelephoneEvent(sdp: string): boolean {
  return /^a=rtpmap:\d+ telephone-event\//im.test(sdp);
}

/**
 * API replies are "+OK …" or "-ERR …". Commands that print nothing when they succeed
 * (uuid_send_dtmf, uuid_recv_dtmf, uuid_break: mod_commands writes only their errors) reach
 * an `api` caller as mod_event_socket's stand-in for no output, "-ERR no reply": a success.
 */
export function isOkReply(body: string): boolean {
  const text = body.trimStart();
  return text.startsWith('+OK') || text.startsWith(NO_REPLY);
}

const NO_REPLY = '-ERR no reply';

function intHeader(value: string | undefined): number {
  const n = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
