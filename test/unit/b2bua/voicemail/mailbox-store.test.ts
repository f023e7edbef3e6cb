import assert from 'node:assert/strict';
import { MailboxStore, mailboxId } from '../../../../src/b2bua/voicemail/mailbox-store.js';
import type { VoicemailMessage } from '../../../../src/b2bua/voicemail/index.js';
import { MemoryStore, type JsonObject, type Store } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

function message(n: number): VoicemailMessage {
  return { id: `m-${n}-00`, from: `+1555000${n}`, at: '2024-05-01T12:00:00.000Z', durationMs: 2000, heard: false, file: `m-${n}-00.wav`, callId: `c${n}` };
}

describe('MailboxStore', () => {
  let store: MemoryStore;
  beforeEach(async () => {
    store = new MemoryStore({ clock: new FakeClock() });
    await store.start();
  });
  afterEach(async () => {
    await store.close();
  });

  it('loses no message when deposits for one user end at the same time (versioned writes retry on conflict)', async () => {
    let conflicts = 0;
    const counting: Store = Object.create(store) as Store;
    counting.putSettings = async (id: string, s: JsonObject, v: number) => {
      const r = await store.putSettings(id, s, v);
      if (!r.ok) conflicts++;
      return r;
    };
    const boxes = new MailboxStore(counting);
    await Promise.all(Array.from({ length: 12 }, (_, n) => boxes.update('alice', (m) => ({ mailbox: { ...m, messages: [...m.messages, message(n)] }, result: n }))));
    const stored = await boxes.read('alice');
    assert.equal(stored.messages.length, 12);
    assert.deepEqual(new Set(stored.messages.map((m) => m.id)).size, 12);
    assert.ok(conflicts > 0, 'the test raced for real');
  });

  it('keeps the mailbox as the settings of vm:<userId>, and skips entries it cannot read', async () => {
    await store.putSettings(mailboxId('alice'), { messages: [message(1) as unknown as JsonObject, { id: 3 }, 'junk'], greeting: 'greeting-a-00.wav' }, 0);
    const m = await new MailboxStore(store).read('alice');
    assert.deepEqual(m.messages.map((x) => x.id), ['m-1-00']);
    assert.equal(m.greeting, 'greeting-a-00.wav');
    assert.deepEqual((await new MailboxStore(store).read('nobody')).messages, []);
  });
});
