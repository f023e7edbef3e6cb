/**
 * What can go wrong between linegate, drachtio-fsmrf and FreeSWITCH, as LinegateError
 * codes. Call control matches on the code (MEDIA_*), never on FreeSWITCH's text, which
 * is kept in the message for logs. Codes for situations both MediaPorts share are the
 * embedded endpoint's (MEDIA_ENDPOINT_GONE, MEDIA_BAD_BRIDGE, MEDIA_BUSY, …), so call control
 * cannot tell the implementations apart by them.
 */
import { LinegateError } from '../../shared/index.js';

export const FSMRF_ERROR_CODES = {
  /** No FreeSWITCH connected (start() not called, all connections lost, or none accepted us). */
  SERVER_UNAVAILABLE: 'MEDIA_SERVER_UNAVAILABLE',
  /** close() was called on the port. */
  PORT_CLOSED: 'MEDIA_PORT_CLOSED',
  /** FreeSWITCH refused the offer (488/415/606), or the offer needs SRTP/DTLS. */
  NO_COMMON_CODEC: 'MEDIA_NO_COMMON_CODEC',
  /** The INVITE to FreeSWITCH failed otherwise, or its channel never connected back over ESL. */
  ENDPOINT_FAILED: 'MEDIA_ENDPOINT_FAILED',
  /** The endpoint is gone (destroyed, hung up, ESL connection lost). */
  ENDPOINT_GONE: 'MEDIA_ENDPOINT_GONE',
  /** playback answered FILE NOT FOUND. */
  FILE_NOT_FOUND: 'MEDIA_FILE_NOT_FOUND',
  /** playback answered PLAYBACK ERROR, or a path FreeSWITCH cannot take as one argument. */
  BAD_FILE: 'MEDIA_BAD_FILE',
  /** Digits or terminators that are not DTMF keys. */
  BAD_DIGITS: 'MEDIA_BAD_DIGITS',
  /** An API command answered -ERR (or anything but +OK). */
  COMMAND_FAILED: 'MEDIA_COMMAND_FAILED',
  /** The re-INVITE of modify() failed for another reason than the SDP. */
  MODIFY_FAILED: 'MEDIA_MODIFY_FAILED',
  NO_TELEPHONE_EVENT: 'MEDIA_NO_TELEPHONE_EVENT',
  /** bridge() with itself, an endpoint of another MediaPort, or one on another FreeSWITCH. */
  BAD_BRIDGE: 'MEDIA_BAD_BRIDGE',
  /** recordCall() on an endpoint that is not bridged. */
  NOT_BRIDGED: 'MEDIA_NOT_BRIDGED',
  /** record(), collectDigits() or recordCall() while the same is already in progress. */
  BUSY: 'MEDIA_BUSY',
} as const;

export type FsmrfErrorCode = (typeof FSMRF_ERROR_CODES)[keyof typeof FSMRF_ERROR_CODES];

export function mediaError(code: FsmrfErrorCode, message: string, cause?: unknown): LinegateError {
  return new LinegateError(code, message, cause === undefined ? undefined : { cause });
}

/** SIP statuses FreeSWITCH answers an INVITE or re-INVITE with when the SDP is the problem. */
const SDP_REJECTIONS = new Set([415, 488, 606]);

/** The SIP status of a drachtio-srf SipError, if `err` is one. */
export function sipStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const status = (err as { status: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Maps a createEndpoint failure (createUAC SipError, fsmrf's own Errors) to a MEDIA_* code. */
export function endpointCreationError(err: unknown): LinegateError {
  if (err instanceof LinegateError) return err;
  const status = sipStatusOf(err);
  const text = err instanceof Error ? err.message : String(err);
  if (status !== undefined && SDP_REJECTIONS.has(status)) {
    return mediaError(FSMRF_ERROR_CODES.NO_COMMON_CODEC, `FreeSWITCH rejected the offer with ${status}`, err);
  }
  // mediaserver.js: 'too early: mediaserver is not connected' / '... not ready'.
  if (/^too early/.test(text)) return mediaError(FSMRF_ERROR_CODES.SERVER_UNAVAILABLE, text, err);
  return mediaError(FSMRF_ERROR_CODES.ENDPOINT_FAILED, `creating a FreeSWITCH endpoint failed: ${text}`, err);
}

/** Maps a modify() failure (the re-INVITE's SipError) to a MEDIA_* code. */
export function modifyError(err: unknown): LinegateError {
  if (err instanceof LinegateError) return err;
  const status = sipStatusOf(err);
  if (status !== undefined && SDP_REJECTIONS.has(status)) {
    return mediaError(FSMRF_ERROR_CODES.NO_COMMON_CODEC, `FreeSWITCH rejected the new SDP with ${status}`, err);
  }
  const text = err instanceof Error ? err.message : String(err);
  return mediaError(FSMRF_ERROR_CODES.MODIFY_FAILED, `re-INVITE to FreeSWITCH failed: ${text}`, err);
}

/** Maps an error thrown by an fsmrf Endpoint call (execute/api/bridge) to a MEDIA_* code. */
export function commandError(what: string, err: unknown): LinegateError {
  if (err instanceof LinegateError) return err;
  const text = err instanceof Error ? err.message : String(err);
  // endpoint.js: 'endpoint no longer active' once the outbound ESL connection is gone.
  if (/no longer active/.test(text)) return mediaError(FSMRF_ERROR_CODES.ENDPOINT_GONE, `${what}: endpoint is gone`, err);
  return mediaError(FSMRF_ERROR_CODES.COMMAND_FAILED, `${what} failed: ${text.trim()}`, err);
}
