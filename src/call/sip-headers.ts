/**
 * The few header values the core composes. They are plain strings: the shell copies them
 * into the INVITE, CANCEL or response as they are.
 */
import type { DiversionReason, SipHeaderField } from './route.js';

/**
 * RFC 3326 Reason on the CANCELs of the losing legs once one has answered, so that the
 * phones do not show a missed call (RFC 3326 §2 with the cause=200 convention).
 */
export const REASON_COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/** RFC 5806 Diversion: who the call was for and why it went elsewhere. */
export function diversionHeader(divertingNumber: string, reason: DiversionReason): SipHeaderField {
  return { name: 'Diversion', value: `<tel:${divertingNumber}>;reason=${reason};counter=1` };
}

/** RFC 3261 §20.33: how long a drained or saturated server wants the caller to wait. */
export function retryAfterHeader(seconds: number): SipHeaderField {
  return { name: 'Retry-After', value: String(Math.max(0, Math.floor(seconds))) };
}

/** RFC 3261 §20.26: emergency calls ask for priority handling. */
export const PRIORITY_EMERGENCY: SipHeaderField = { name: 'Priority', value: 'emergency' };

/** RFC 3261 §21 reason phrases for the finals a leg may fail with, used when it gave none. */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  410: 'Gone',
  480: 'Temporarily Unavailable',
  484: 'Address Incomplete',
  486: 'Busy Here',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  502: 'Bad Gateway',
  504: 'Server Time-out',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? 'Call Failed';
}
