/**
 * SIP INFO on a voicemail call. Many phones send their keys as INFO instead of RFC 4733
 * events (some can do nothing else; carriers configure others so): `application/dtmf-relay`
 * (`Signal=5`) or `application/dtmf` (`5`), read by the shell's dtmfDigit(). The digit is
 * then handed to the call's media endpoint (MediaEndpoint#receiveDtmf), where the deposit
 * and the menus hear it exactly like an RFC 4733 one.
 *
 * Every INFO is answered 200, whether or not it carried a key:
 * - DTMF INFO is legacy INFO usage (RFC 6086 §3: no Info-Package header, as RFC 2976 had
 *   it), and voicemail reads it.
 * - RFC 2976 would answer a body of a type we do not read 415 with `Accept`. Not done: on a
 *   deposit leg the INFO arrives relayed through the caller's dialog (BridgeRelay), which
 *   passes back no Accept header, and phones send INFO for things that need nothing from
 *   voicemail (video picture-fast-update, keep-alives). The bridged call path
 *   (call-session.ts) answers such INFO 200 as well.
 * - Known deviation: an INFO naming an `Info-Package` should get 469 Bad Info Package with
 *   an empty Recv-Info (RFC 6086 §4.2.2, §11.6), since voicemail offers no package. drachtio-
 *   srf 5.0.29 cannot send 469 (Response#send throws for codes missing from its sip-status
 *   table, 469 among them), so such an INFO is read like a legacy one: a phone that names a
 *   package but sends a DTMF body still has its key heard.
 */
// A leaf module of the call shell (it imports nothing): voicemail reads INFO the way the
// bridged-call path does without depending on the shell, which depends on voicemail.
import { dtmfDigit } from '../info-dtmf.js';

export interface InfoAnswer {
  /** 481 comes from a leg that has ended (VoicemailLeg#info). */
  readonly status: 200 | 481;
  readonly reason: string;
  /** The key the caller pressed, when the INFO carried one. */
  readonly digit?: string;
}

export function answerInfo(contentType: string | undefined, body: string | undefined): InfoAnswer {
  const digit = dtmfDigit(contentType, body);
  return digit === undefined ? { status: 200, reason: 'OK' } : { status: 200, reason: 'OK', digit };
}
