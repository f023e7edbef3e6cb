/**
 * Leaving a message (issue #5): the user's greeting (the default prompt when none is
 * recorded), the beep, then the caller's audio until they hang up, press `#`, stay silent
 * for `silenceTimeoutMs` or reach `maxMessageMs`. `*` during the greeting leads to the
 * retrieval menu instead (the owner calling from elsewhere; the PIN is asked). Any other
 * digit during the greeting skips to the beep.
 *
 * A message shorter than `minMessageMs` is discarded, file and all; a kept one is added to
 * the mailbox, which updates message waiting and emits voicemail.deposited. A recording
 * ended by the caller hanging up is kept too: that is how most messages end.
 */
import { join } from 'node:path';
import { CallerGone, type IvrMedia } from './ivr-media.js';
import { newFileId } from './message-files.js';
import { runRetrieval, type RetrievalDeps } from './retrieval-menu.js';
import type { DepositOptions, VoicemailMessage } from './voicemail-types.js';

/** The deposit needs what retrieval needs (`*` during the greeting leads there). */
export type DepositDeps = RetrievalDeps;

export type DepositOutcome =
  | { readonly type: 'Deposited'; readonly message: VoicemailMessage }
  | { readonly type: 'TooShort'; readonly durationMs: number }
  | { readonly type: 'NoMessage' }
  | { readonly type: 'Retrieval' };

/** How long to wait for the digit whose start cut the greeting short to end. */
const BARGE_DIGIT_WAIT_MS = 1500;

export async function runDeposit(deps: DepositDeps, media: IvrMedia, userId: string, o: DepositOptions): Promise<DepositOutcome> {
  try {
    const greeting = (await deps.mailboxes.greetingPath(userId)) ?? media.promptFile('greeting');
    const played = await media.play([greeting], true);
    if (played.interrupted) {
      const digit = await media.digits({ maxDigits: 1, timeoutMs: BARGE_DIGIT_WAIT_MS, terminators: '' });
      if (digit === '*') {
        await runRetrieval(deps, media, userId, false);
        return { type: 'Retrieval' };
      }
    }
    await media.say(['beep']);
    return await recordMessage(deps, media, userId, o);
  } catch (err) {
    if (err instanceof CallerGone) return { type: 'NoMessage' };
    throw err;
  }
}

async function recordMessage(deps: DepositDeps, media: IvrMedia, userId: string, o: DepositOptions): Promise<DepositOutcome> {
  const folder = await deps.files.prepare(userId);
  const startedAt = deps.epochNow();
  const id = newFileId('m', startedAt);
  const file = `${id}.wav`;
  const r = await media.record(join(folder, file), {
    maxDurationMs: deps.settings.maxMessageMs, silenceTimeoutMs: deps.settings.silenceTimeoutMs, terminators: '#',
  });
  if (r.durationMs < deps.settings.minMessageMs) {
    await deps.mailboxes.removeFile(userId, file);
    deps.log.info({ userId, callId: o.callId, durationMs: r.durationMs, reason: r.reason }, 'voicemail too short: discarded');
    await goodbye(media, r.reason);
    return { type: 'TooShort', durationMs: r.durationMs };
  }
  const message: VoicemailMessage = {
    id, from: o.callerNumber, at: new Date(startedAt).toISOString(), durationMs: r.durationMs, heard: false, file, callId: o.callId,
  };
  await deps.mailboxes.add(userId, message);
  deps.log.info({ userId, callId: o.callId, messageId: id, durationMs: r.durationMs, reason: r.reason }, 'voicemail deposited');
  await goodbye(media, r.reason);
  return { type: 'Deposited', message };
}

/** After `#`, silence or the maximum, the caller is still there: say goodbye before hanging up. */
async function goodbye(media: IvrMedia, reason: string): Promise<void> {
  if (reason === 'hangup' || reason === 'stopped' || media.isGone) return;
  try {
    await media.say(['goodbye']);
  } catch (err) {
    if (!(err instanceof CallerGone)) throw err;
  }
}
