/**
 * Mailbox operations shared by the deposit, the retrieval menu and the control API: each
 * changes the stored mailbox atomically (MailboxStore), then tells message waiting and the
 * event log. A message heard for the first time (by phone or API) becomes "old"; a deleted
 * one is gone, file and all, so the new/old counts are always those of the stored list.
 */
import type { MessageFiles } from './message-files.js';
import type { Mailbox, MailboxStore } from './mailbox-store.js';
import { countsOf } from './mailbox-store.js';
import type { VoicemailEvents } from './voicemail-events.js';
import type { Logged, MessageCounts, MessageFile, VoicemailMessage } from './voicemail-types.js';

export interface MailboxesDeps {
  readonly store: MailboxStore;
  readonly files: MessageFiles;
  readonly events: VoicemailEvents;
  /** Told after every change of a user's counts; must not reject. */
  readonly countsChanged: (userId: string) => void;
  readonly log: Logged;
}

export class Mailboxes {
  constructor(private readonly d: MailboxesDeps) {}

  read(userId: string): Promise<Mailbox> {
    return this.d.store.read(userId);
  }

  async counts(userId: string): Promise<MessageCounts> {
    return countsOf(await this.d.store.read(userId));
  }

  /** Newest first, as a mail client lists them. */
  async list(userId: string): Promise<VoicemailMessage[]> {
    return [...(await this.d.store.read(userId)).messages].reverse();
  }

  /** New messages first, then old ones, each oldest first: the order the phone menu plays them. */
  async playOrder(userId: string): Promise<VoicemailMessage[]> {
    const all = (await this.d.store.read(userId)).messages;
    return [...all.filter((m) => !m.heard), ...all.filter((m) => m.heard)];
  }

  async open(userId: string, messageId: string): Promise<MessageFile | undefined> {
    const m = (await this.d.store.read(userId)).messages.find((x) => x.id === messageId);
    return m ? this.d.files.describe(userId, m.file) : undefined;
  }

  async add(userId: string, message: VoicemailMessage): Promise<void> {
    await this.d.store.update(userId, (m) => ({ mailbox: { ...m, messages: [...m.messages, message] }, result: true }));
    this.d.countsChanged(userId);
    void this.d.events.deposited(userId, message);
  }

  /** False when there is no such message. Heard twice is heard once: no second event. */
  async markHeard(userId: string, messageId: string, via: 'phone' | 'api'): Promise<boolean> {
    let exists = false;
    const { result } = await this.d.store.update(userId, (m) => {
      const found = m.messages.find((x) => x.id === messageId);
      exists = found !== undefined;
      if (!found || found.heard) return undefined;
      const messages = m.messages.map((x) => (x.id === messageId ? { ...x, heard: true } : x));
      return { mailbox: { ...m, messages }, result: found };
    });
    if (result !== undefined) {
      this.d.countsChanged(userId);
      void this.d.events.heard(userId, result, via);
    }
    return exists;
  }

  async delete(userId: string, messageId: string): Promise<boolean> {
    const { result } = await this.d.store.update(userId, (m) => {
      const found = m.messages.find((x) => x.id === messageId);
      return found ? { mailbox: { ...m, messages: m.messages.filter((x) => x.id !== messageId) }, result: found } : undefined;
    });
    if (!result) return false;
    this.d.countsChanged(userId);
    await this.removeFile(userId, result.file);
    return true;
  }

  /** The path of the user's recorded greeting, if any. */
  async greetingPath(userId: string): Promise<string | undefined> {
    const g = (await this.d.store.read(userId)).greeting;
    return g === undefined ? undefined : (await this.d.files.describe(userId, g))?.path;
  }

  /** Makes `file` the user's greeting; the one it replaces is deleted. */
  async setGreeting(userId: string, file: string): Promise<void> {
    const { result } = await this.d.store.update(userId, (m) => ({ mailbox: { ...m, greeting: file }, result: m.greeting }));
    if (result !== undefined && result !== file) await this.removeFile(userId, result);
  }

  async removeFile(userId: string, file: string): Promise<void> {
    try {
      await this.d.files.remove(userId, file);
    } catch (err) {
      this.d.log.warn({ userId, file, err: String(err) }, 'voicemail file not removed');
    }
  }
}
