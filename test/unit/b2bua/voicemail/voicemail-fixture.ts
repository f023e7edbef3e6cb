/** A VoicemailService on a FakeMediaPort, a MemoryStore and a FakeClock, with its events collected. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { VoicemailService, type VoicemailSettings, type VoicemailUser } from '../../../../src/b2bua/voicemail/index.js';
import { parseCallEvent, type CallEvent } from '../../../../src/events/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeMediaPort } from './fake-media.js';

export const PIN = '2468';

export const ALICE: VoicemailUser = {
  id: 'alice', businessNumber: '+14155550100', extension: '100', sip: { username: 'alice' },
  voicemail: { enabled: true, pin: { reveal: () => PIN } },
};
export const BOB: VoicemailUser = { id: 'bob', extension: '101', sip: { username: 'bob' }, voicemail: { enabled: false } };

export interface Fixture {
  service: VoicemailService;
  media: FakeMediaPort;
  store: MemoryStore;
  clock: FakeClock;
  events: CallEvent[];
  /** Calls whose seq is not handed out yet (the call has not ended): next() rejects for them. */
  liveCalls: Set<string>;
  dir: string;
  close(): Promise<void>;
}

export async function startFixture(settings: Partial<VoicemailSettings> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'linegate-vm-unit-'));
  const clock = new FakeClock(1_000_000);
  const store = new MemoryStore({ clock });
  await store.start();
  const media = new FakeMediaPort();
  const events: CallEvent[] = [];
  const liveCalls = new Set<string>();
  const seqs = new Map<string, number>();
  const service = new VoicemailService({
    media, store, clock, logger: pino({ level: 'silent' }), dir: join(dir, 'messages'), promptsDir: join(dir, 'prompts'),
    users: [ALICE, BOB], domain: 'example.test', settings, epochNow: () => Date.UTC(2024, 4, 1, 12, 0, 0),
    events: {
      append: async (e) => {
        const parsed = parseCallEvent(e);
        if (!parsed.ok) throw new Error(`invalid event: ${parsed.error}`);
        events.push(parsed.event);
        return { id: String(events.length) };
      },
    },
    sequence: {
      next: async (callId) => {
        if (liveCalls.has(callId)) throw new Error('CALL_SEQUENCE_UNKNOWN');
        const seq = (seqs.get(callId) ?? 4) + 1;
        seqs.set(callId, seq);
        return seq;
      },
    },
  });
  return {
    service, media, store, clock, events, liveCalls, dir,
    close: async () => {
      await service.destroy();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Lets promise chains and file I/O settle. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Polls (real time) until `cond` holds; fails after `ms`. */
export async function eventually(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
