/**
 * Small pieces that keep the CallShell's voicemail hooks to a line or two (docs/voicemail.md).
 */
import type { DepositReason } from './voicemail-types.js';
import type { VoicemailLeg } from './voicemail-leg.js';

/** The parts of srf a direct answer uses (Srf fits). */
export interface AnsweringSrf<Req, Res> {
  createUAS(req: Req, res: Res, opts: { localSdp: string }): Promise<AnsweredDialog>;
}

/** The caller's dialog as srf hands it over (an srf Dialog fits). */
export interface AnsweredDialog {
  on(event: 'destroy', listener: () => void): unknown;
  on(event: 'info', listener: (req: InfoRequest, res: InfoResponse) => void): unknown;
  destroy(): unknown;
}

/** An in-dialog INFO and its response, as srf's Dialog 'info' event passes them. */
export interface InfoRequest {
  readonly body?: string | undefined;
  get(name: string): string | undefined;
}

export interface InfoResponse {
  send(status: number, reason?: string): void;
}

/**
 * Answers an INVITE with a voicemail leg and ties the two together: the caller's BYE ends
 * the leg; the leg ending by itself sends BYE to the caller; the caller's INFO goes to the
 * leg (a key sent as SIP INFO is heard like an RFC 4733 one). For calls that do not go
 * through the call core (retrieval from one's own device, `*98`). Resolves once answered;
 * rejects (after destroying the leg) when the answer could not be sent.
 */
export async function answerWithLeg<Req, Res>(srf: AnsweringSrf<Req, Res>, req: Req, res: Res, leg: VoicemailLeg): Promise<void> {
  let uas: AnsweredDialog;
  try {
    uas = await srf.createUAS(req, res, { localSdp: leg.remote.sdp });
  } catch (err) {
    await leg.destroy();
    throw err;
  }
  uas.on('destroy', () => void leg.destroy());
  uas.on('info', (info, answer) => {
    const a = leg.info(info.get('Content-Type'), info.body);
    answer.send(a.status, a.reason);
  });
  leg.on('destroy', () => void Promise.resolve(uas.destroy()).catch(() => undefined));
  leg.start();
}

/** The core's RFC 5806 Diversion reason (VoicemailRoute.cause) → why the call reached voicemail. */
export function depositReasonOf(diversion: string | undefined): DepositReason {
  switch (diversion) {
    case 'user-busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'unavailable':
      return 'unreachable';
    case 'unconditional':
      return 'unconditional'; // "forward always to voicemail"
    default:
      return 'dnd'; // do-not-disturb (the core diverts to voicemail for no other reason)
  }
}
