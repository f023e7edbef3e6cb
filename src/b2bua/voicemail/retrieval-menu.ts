/**
 * Mailbox retrieval by phone (issue #5), all by DTMF:
 *
 *   [mailbox number #]  only when the caller's mailbox is not known (cue: the beep)
 *   [PIN #]             unless the caller is the owner's own registered device
 *   "You have N new messages"
 *   menu: 1 listen · 2 save · 3 delete · 4 record a new greeting · 7 repeat · 9 next
 *
 * Messages are taken new first, then old, each oldest first. Listening (1, 7, 9) marks the
 * message heard; 2 (save) marks it heard without playing it and moves on; 3 deletes it and
 * moves on; 9 moves on and plays the next. Three menu timeouts in a row end the call.
 * Prompts may be interrupted by a digit (barge-in), which then counts as the answer.
 */
import { join } from 'node:path';
import { digitPrompt, type PromptName } from '../../media/index.js';
import { CallerGone, type IvrMedia } from './ivr-media.js';
import type { Mailboxes } from './mailboxes.js';
import { newFileId, type MessageFiles } from './message-files.js';
import type { PinGuard } from './pin-guard.js';
import type { Logged, VoicemailMessage, VoicemailSettings, VoicemailUser } from './voicemail-types.js';

export type RetrievalOutcome = 'done' | 'hangup' | 'locked' | 'no-mailbox';

export interface RetrievalDeps {
  readonly mailboxes: Mailboxes;
  readonly files: MessageFiles;
  readonly pins: PinGuard;
  readonly settings: VoicemailSettings;
  readonly log: Logged;
  readonly epochNow: () => number;
  /** A user with a mailbox by id, or by the digits of their extension or business number. */
  readonly findUser: (idOrDigits: string) => VoicemailUser | undefined;
}

const MENU_TIMEOUT_MS = 6000;
const MAX_MENU_TIMEOUTS = 3;
const PIN_MAX_DIGITS = 16;
const PIN_TIMEOUT_MS = 10_000;
const GREETING_MAX_MS = 60_000;
const GREETING_MIN_MS = 500;

export async function runRetrieval(deps: RetrievalDeps, media: IvrMedia, userId: string | undefined, authenticated: boolean): Promise<RetrievalOutcome> {
  try {
    const user = userId !== undefined ? deps.findUser(userId) : await askMailbox(deps, media);
    if (!user || !user.voicemail.enabled) {
      await media.say(['goodbye']);
      return 'no-mailbox';
    }
    if (!authenticated && !(await checkPin(deps, media, user.id, user.voicemail.pin.reveal()))) return 'locked';
    await new Menu(deps, media, user.id).run();
    return 'done';
  } catch (err) {
    if (err instanceof CallerGone) return 'hangup';
    throw err;
  }
}

/** The speech of a count: "You have" + the number, digit by digit + "new message(s)". */
export function countPrompts(count: number): PromptName[] {
  if (count === 0) return ['you-have', 'no-new-messages'];
  const digits = String(count).split('').map((d) => digitPrompt(Number(d)));
  return ['you-have', ...digits, count === 1 ? 'new-message' : 'new-messages'];
}

/** No prompt says "enter your mailbox number" yet: the beep is the cue (docs/voicemail.md). */
async function askMailbox(deps: RetrievalDeps, media: IvrMedia): Promise<VoicemailUser | undefined> {
  await media.say(['beep'], true);
  const digits = await media.digits({ maxDigits: 16, timeoutMs: PIN_TIMEOUT_MS, terminators: '#' });
  return digits === '' ? undefined : deps.findUser(digits);
}

/** True once the right PIN is entered; false (after saying so) when the mailbox is or becomes locked. */
async function checkPin(deps: RetrievalDeps, media: IvrMedia, userId: string, pin: string): Promise<boolean> {
  if (await deps.pins.isLocked(userId)) return locked(media);
  for (let silent = 0; silent < MAX_MENU_TIMEOUTS;) {
    if (!media.bargedIn) await media.say(['enter-pin'], true);
    const entered = await media.digits({ maxDigits: PIN_MAX_DIGITS, timeoutMs: PIN_TIMEOUT_MS, terminators: '#' });
    if (entered === '') {
      silent++;
      continue;
    }
    const r = await deps.pins.check(userId, pin, entered);
    if (r === 'ok') return true;
    if (r === 'locked') {
      deps.log.warn({ userId }, 'voicemail PIN locked after repeated failures');
      return locked(media);
    }
    await media.say(['incorrect-pin']);
  }
  await media.say(['goodbye']);
  return false;
}

async function locked(media: IvrMedia): Promise<false> {
  await media.say(['mailbox-locked', 'goodbye']);
  return false;
}

class Menu {
  private queue: VoicemailMessage[] = [];
  private index = 0;

  constructor(
    private readonly deps: RetrievalDeps,
    private readonly media: IvrMedia,
    private readonly userId: string,
  ) {}

  async run(): Promise<void> {
    this.queue = await this.deps.mailboxes.playOrder(this.userId);
    const fresh = this.queue.filter((m) => !m.heard).length;
    await this.media.say(countPrompts(fresh), true);
    for (let silent = 0; silent < MAX_MENU_TIMEOUTS;) {
      // A digit that cut the last prompt or message short is the answer: no menu prompt.
      if (!this.media.bargedIn) await this.media.say(['message-menu'], true);
      const digit = await this.media.digits({ maxDigits: 1, timeoutMs: MENU_TIMEOUT_MS, terminators: '' });
      if (digit === '') {
        silent++;
        continue;
      }
      silent = 0;
      await this.choose(digit);
    }
    await this.media.say(['goodbye']);
  }

  private get current(): VoicemailMessage | undefined {
    return this.queue[this.index];
  }

  private async choose(digit: string): Promise<void> {
    switch (digit) {
      case '1':
      case '7':
        return this.listen();
      case '2':
        return this.save();
      case '3':
        return this.remove();
      case '4':
        return this.recordGreeting();
      case '9':
        this.index = Math.min(this.index + 1, this.queue.length);
        return this.listen();
      default:
        return; // not a menu choice: the menu is said again
    }
  }

  private async listen(): Promise<void> {
    const m = this.current;
    if (!m) return void (await this.media.say(['no-more-messages']));
    const file = this.deps.files.pathOf(this.userId, m.file);
    if (file) await this.media.play([file], true);
    await this.deps.mailboxes.markHeard(this.userId, m.id, 'phone');
  }

  private async save(): Promise<void> {
    const m = this.current;
    if (!m) return void (await this.media.say(['no-more-messages']));
    await this.deps.mailboxes.markHeard(this.userId, m.id, 'phone');
    this.index++;
    await this.media.say(['message-saved']);
  }

  private async remove(): Promise<void> {
    const m = this.current;
    if (!m) return void (await this.media.say(['no-more-messages']));
    await this.deps.mailboxes.delete(this.userId, m.id);
    this.queue.splice(this.index, 1);
    await this.media.say(['message-deleted']);
  }

  private async recordGreeting(): Promise<void> {
    await this.media.say(['record-greeting', 'beep']);
    const folder = await this.deps.files.prepare(this.userId);
    const file = `${newFileId('greeting', this.deps.epochNow())}.wav`;
    const r = await this.media.record(join(folder, file), {
      maxDurationMs: GREETING_MAX_MS, silenceTimeoutMs: this.deps.settings.silenceTimeoutMs, terminators: '#',
    });
    if (r.durationMs < GREETING_MIN_MS || r.reason === 'hangup') {
      await this.deps.mailboxes.removeFile(this.userId, file);
      if (r.reason === 'hangup') throw new CallerGone();
      return;
    }
    await this.deps.mailboxes.setGreeting(this.userId, file);
    await this.media.say(['greeting-saved']);
  }
}
