/**
 * A user's mailbox in the Store: the message list and the recorded greeting, as one JSON
 * document. Deposits for one user can end at the same moment in two calls (or two gateway
 * processes on one Redis), and the control API may mark or delete at the same time, so every
 * change is a read-modify-write that must not lose a concurrent one. The Store's kv has no
 * compare-and-set, but its versioned settings do (putSettings with the version read, Redis:
 * one Lua script): the mailbox is kept as the "settings" of the id `vm:<userId>`, and a
 * write that loses the race re-reads and re-applies its change. Unlike kv, settings never
 * expire, which is what a mailbox wants: messages stay until deleted.
 */
import type { Json, JsonObject, Store } from '../../state/index.js';
import { LinegateError } from '../../shared/index.js';
import type { MessageCounts, VoicemailMessage } from './voicemail-types.js';

export interface Mailbox {
  /** Oldest first. */
  readonly messages: readonly VoicemailMessage[];
  /** File name of the user's own greeting inside the user's folder, when one was recorded. */
  readonly greeting?: string;
}

export const EMPTY_MAILBOX: Mailbox = Object.freeze({ messages: Object.freeze([]) });

/** The settings id the mailbox of `userId` is kept under (Store key `settings:vm:<userId>`). */
export const mailboxId = (userId: string): string => `vm:${userId}`;

/** A write lost the race this many times in a row: give up (someone is hammering the mailbox). */
const MAX_ATTEMPTS = 32;

export const VOICEMAIL_STORE_CONFLICT = 'VOICEMAIL_STORE_CONFLICT';

export class MailboxStore {
  constructor(private readonly store: Store) {}

  async read(userId: string): Promise<Mailbox> {
    const v = await this.store.getSettings(mailboxId(userId));
    return v ? parseMailbox(v.settings) : EMPTY_MAILBOX;
  }

  /**
   * Applies `change` atomically; `change` may run several times (on conflict) and must be
   * pure. Returning undefined means "nothing to change" (no write). Resolves with the
   * mailbox as stored after the change, and what `change` reported.
   */
  async update<R>(userId: string, change: (m: Mailbox) => { mailbox: Mailbox; result: R } | undefined): Promise<{ mailbox: Mailbox; result: R | undefined }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.store.getSettings(mailboxId(userId));
      const before = current ? parseMailbox(current.settings) : EMPTY_MAILBOX;
      const next = change(before);
      if (!next) return { mailbox: before, result: undefined };
      const put = await this.store.putSettings(mailboxId(userId), toJson(next.mailbox), current?.version ?? 0);
      if (put.ok) return { mailbox: next.mailbox, result: next.result };
    }
    throw new LinegateError(VOICEMAIL_STORE_CONFLICT, `mailbox ${userId}: ${MAX_ATTEMPTS} conflicting writes in a row`);
  }
}

export function countsOf(m: Mailbox): MessageCounts {
  const fresh = m.messages.filter((x) => !x.heard).length;
  return { new: fresh, old: m.messages.length - fresh };
}

function toJson(m: Mailbox): JsonObject {
  const messages: Json[] = m.messages.map((x) => ({
    id: x.id, from: x.from, at: x.at, durationMs: x.durationMs, heard: x.heard, file: x.file, callId: x.callId,
  }));
  return m.greeting === undefined ? { messages } : { messages, greeting: m.greeting };
}

/** Stored data is ours, but a hand-edited or older document must not crash a call: skip what does not fit. */
function parseMailbox(s: JsonObject): Mailbox {
  const raw = Array.isArray(s['messages']) ? s['messages'] : [];
  const messages = raw.flatMap((x) => {
    const m = parseMessage(x);
    return m ? [m] : [];
  });
  const greeting = typeof s['greeting'] === 'string' ? s['greeting'] : undefined;
  return greeting === undefined ? { messages } : { messages, greeting };
}

function parseMessage(x: Json): VoicemailMessage | undefined {
  if (!isObject(x)) return undefined;
  const { id, from, at, durationMs, heard, file, callId } = x;
  if (typeof id !== 'string' || typeof from !== 'string' || typeof at !== 'string' || typeof file !== 'string') return undefined;
  if (typeof durationMs !== 'number' || typeof heard !== 'boolean' || typeof callId !== 'string') return undefined;
  return { id, from, at, durationMs, heard, file, callId };
}

function isObject(x: Json): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
