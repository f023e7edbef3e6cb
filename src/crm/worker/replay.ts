/**
 * Replay of dead letters (`linegate crm replay`): every dead-lettered call goes through the
 * normal write path again, with all the events its dead letters hold (a call dead-lettered
 * on its first write and again for a later note comes back as one call). Idempotent like
 * every write: a call that made it into Salesforce meanwhile is updated, not duplicated.
 */
import type { CallEvent } from '../../events/index.js';
import type { DeadLetterStore } from './dead-letter-store.js';

export interface ReplayReport {
  /** Dead-letter entries taken from the store. */
  readonly entries: number;
  /** Calls they belonged to. */
  readonly calls: number;
  /** Calls whose Task is now written. */
  readonly written: number;
  /** Calls dead-lettered again (the cause is not fixed yet). */
  readonly deadLettered: number;
}

export interface ReplayDeps {
  readonly deadLetters: DeadLetterStore;
  /** Puts one call into the worker; resolves with its outcome. */
  readonly enter: (callKey: string, callId: string, events: readonly CallEvent[]) => Promise<'written' | 'dead-lettered'>;
}

export async function replayInto(d: ReplayDeps): Promise<ReplayReport> {
  const batch = await d.deadLetters.take();
  const calls = new Map<string, { callId: string; events: Map<number, CallEvent> }>();
  for (const letter of batch.entries) {
    const call = calls.get(letter.callKey) ?? { callId: letter.callId, events: new Map<number, CallEvent>() };
    for (const e of letter.events) if (!call.events.has(e.seq)) call.events.set(e.seq, e);
    calls.set(letter.callKey, call);
  }
  const results = await Promise.all([...calls].map(([key, c]) => d.enter(key, c.callId, [...c.events.values()])));
  // Only now are the taken entries gone: each call is in Salesforce or in a new dead letter.
  await batch.done();
  const written = results.filter((r) => r === 'written').length;
  return { entries: batch.entries.length, calls: calls.size, written, deadLettered: results.length - written };
}
