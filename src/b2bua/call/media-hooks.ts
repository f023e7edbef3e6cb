/**
 * The shell's side of issue #5 (docs/voicemail.md and docs/recording.md, "hooks"): which
 * calls are voicemail retrieval, and which calls are anchored through the media endpoint
 * so they can be recorded. Kept apart from call-shell.ts so the shell stays readable.
 */
import type { Logger } from 'pino';
import type { Route } from '../../call/index.js';
import type { User } from '../../config/index.js';
import type { MediaPort } from '../../media/index.js';
import { MediaAnchor } from '../recording/index.js';
import type { RecordingService } from '../recording/index.js';
import { answerWithLeg } from '../voicemail/index.js';
import type { VoicemailService } from '../voicemail/index.js';
import { uriUser } from './call-source.js';
import { normaliseDialled } from './numbers.js';
import type { ShellRequest, ShellResponse, ShellSrf } from './shell-srf.js';

export const DEFAULT_RETRIEVAL_CODE = '*98';

/**
 * True when `user`'s own device dialled the retrieval code, its own extension or its own
 * business number: the owner wants their mailbox (no PIN: the device has authenticated).
 */
export function isRetrievalCall(req: ShellRequest, user: User, code: string, country: string): boolean {
  const dialled = uriUser(req.uri);
  if (dialled === undefined || dialled === '') return false;
  if (dialled === code || dialled === user.extension) return true;
  return user.businessNumber !== undefined && normaliseDialled(dialled, country) === user.businessNumber;
}

/**
 * Answers the INVITE with a retrieval leg of `userId`'s mailbox. This bypasses the call core
 * (no call events for a retrieval call, docs/voicemail.md hook 3). A leg that cannot be made
 * is answered 480 (media unavailable).
 */
export async function answerRetrieval(
  vm: VoicemailService, srf: ShellSrf, req: ShellRequest, res: ShellResponse, userId: string, callId: string, log: Logger,
): Promise<void> {
  try {
    const leg = await vm.createRetrievalLeg(userId, { remoteSdp: req.body || undefined, callId, authenticated: true });
    await answerWithLeg(srf, req, res, leg);
    log.info({ callId, userId }, 'voicemail retrieval answered');
  } catch (err) {
    log.warn({ callId, userId, err: String(err) }, 'voicemail retrieval failed');
    if (!res.finalResponseSent) res.send(480, 'Temporarily Unavailable');
  }
}

/** The users of a call for the recording policy: the owner, and the callee of an internal call. */
export function recordingUsersOf(route: Route, owner: string): string[] {
  return [owner, ...(route.kind === 'ring' && route.internal && route.userId !== owner ? [route.userId] : [])];
}

/**
 * A MediaAnchor when the call's recording policy needs one (docs/recording.md hook 1);
 * undefined otherwise, or when the anchor cannot be made (the call then goes on unrecorded).
 */
export async function anchorFor(
  media: MediaPort | undefined, recordings: RecordingService | undefined, route: Route, userIds: readonly string[], offer: string | undefined, log: Logger,
): Promise<MediaAnchor | undefined> {
  // Emergency calls are never put at risk by a media feature; refused calls need no media.
  if (!recordings || !media || route.kind === 'reject' || route.kind === 'emergency' || !recordings.needsAnchor(userIds)) return undefined;
  try {
    return await MediaAnchor.create(media, offer);
  } catch (err) {
    log.error({ err: String(err) }, 'media not anchored: the call goes on unrecorded');
    return undefined;
  }
}
