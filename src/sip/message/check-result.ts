/**
 * The outcome of a stateless check on a received message: accept, or the response
 * to send (status, reason phrase, and headers that response must carry, such as
 * Unsupported for 420 or Allow for 405).
 */
import type { SipHeader } from './types.js';

export type CheckResult =
  | { ok: true }
  | { ok: false; status: number; reason: string; headers?: SipHeader[] };

export const ACCEPT: CheckResult = Object.freeze({ ok: true });

export function reject(status: number, reason: string, headers?: SipHeader[]): CheckResult {
  return headers === undefined ? { ok: false, status, reason } : { ok: false, status, reason, headers };
}
