/**
 * withEffectiveSettings: the control API's settings (effectiveSettings) as the LineUser the
 * core decides with; and RecentCallRecorder: the recent-calls list kept from the events.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/runtime-settings.test.ts
 */
import assert from 'node:assert/strict';
import { lineUserOf, RecentCallRecorder, withEffectiveSettings } from '../../../../src/b2bua/call/index.js';
import { effectiveSettings, readStoredSettings } from '../../../../src/b2bua/control/index.js';
import type { User } from '../../../../src/config/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { silentLog } from './shell-fakes.js';
import { ALICE_ADDRESS, aliceDialplan } from '../alice-dialplan.js';

function alice(): User {
  return aliceDialplan({ domain: 'example.com', alice: ['forwarding: { busy: "+14155550177" }', ALICE_ADDRESS] }).users[0]!;
}

describe('b2bua/call: runtime settings and recent calls', () => {
  it('with nothing stored, the dialplan values stand', () => {
    const user = alice();
    const lu = withEffectiveSettings(lineUserOf(user), effectiveSettings(user, {}));
    assert.equal(lu.dnd, false);
    assert.deepEqual(lu.forwarding, { busy: '+14155550177' });
    assert.equal(lu.emergencyAddress?.street, '1 Market St');
  });

  it('applies what the API stored: DND, forwarding (voicemail and null dropped), ring plan, block list, address removed', () => {
    const user = alice();
    const stored = readStoredSettings({
      dnd: true,
      forwarding: { always: null, busy: 'voicemail', noAnswer: '+14155550188', unreachable: null },
      ringPlan: { strategy: 'sequential', timeoutS: 30, targets: [{ to: 'devices', timeoutS: 10, confirm: false }, { to: '+14155550177', timeoutS: 15, confirm: true }] },
      blockList: { numbers: ['+14155550199'], prefixes: ['+1900'] },
      blockAnonymous: true,
      emergencyAddress: null,
    });
    const lu = withEffectiveSettings(lineUserOf(user), effectiveSettings(user, stored));
    assert.equal(lu.dnd, true);
    assert.equal(lu.blockAnonymous, true);
    assert.deepEqual(lu.forwarding, { noAnswer: '+14155550188' });
    assert.deepEqual(lu.ringPlan, {
      strategy: 'sequential', overallTimeoutS: 30,
      targets: [{ kind: 'devices', timeoutS: 10 }, { kind: 'number', number: '+14155550177', timeoutS: 15, confirm: true }],
    });
    assert.deepEqual(lu.blockList, { numbers: ['+14155550199'], prefixes: ['+1900'] });
    assert.equal(lu.emergencyAddress, undefined);
  });

  it('RecentCallRecorder lists the call on call.started and fills in answer and end', async () => {
    const store = new MemoryStore();
    await store.start();
    try {
      const rec = new RecentCallRecorder(store, silentLog);
      const base = { v: 1 as const, callId: 'c1', userId: 'alice' };
      await rec.record({ ...base, seq: 1, at: '2026-05-01T12:00:00.000Z', type: 'call.started', direction: 'inbound', from: '+14155550199', to: '+14155550100' });
      assert.deepEqual((await store.listRecentCalls('alice')).map((c) => c.endedAt), [undefined]);
      await rec.record({ ...base, seq: 2, at: '2026-05-01T12:00:05.000Z', type: 'call.answered', answeredBy: { kind: 'device', deviceId: 'urn:uuid:desk' } });
      await rec.record({ ...base, seq: 3, at: '2026-05-01T12:01:05.000Z', type: 'call.ended', disposition: 'answered', durationS: 60, hungUpBy: 'caller' });
      const [call] = await store.listRecentCalls('alice');
      assert.deepEqual(call, {
        callId: 'c1', direction: 'inbound', from: '+14155550199', to: '+14155550100', startedAt: '2026-05-01T12:00:00.000Z',
        answeredAt: '2026-05-01T12:00:05.000Z', answeredBy: 'urn:uuid:desk', endedAt: '2026-05-01T12:01:05.000Z', disposition: 'answered', durationS: 60,
      });
    } finally {
      await store.close();
    }
  });

  it('RecentCallRecorder sets the notes flag and the opportunity from note.added / opportunity.tagged', async () => {
    const store = new MemoryStore();
    await store.start();
    try {
      const rec = new RecentCallRecorder(store, silentLog);
      const base = { v: 1 as const, callId: 'c2', userId: 'alice' };
      await rec.record({ ...base, seq: 1, at: '2026-05-01T12:00:00.000Z', type: 'call.started', direction: 'outbound', from: '+14155550100', to: '+14155550199' });
      await rec.record({ ...base, seq: 2, at: '2026-05-01T12:00:00.001Z', type: 'opportunity.tagged', opportunityId: 'opp-1' });
      assert.equal((await store.listRecentCalls('alice'))[0]?.hasNotes, undefined);
      await rec.record({ ...base, seq: 3, at: '2026-05-01T12:00:09.000Z', type: 'note.added', text: 'quote' });
      await rec.record({ ...base, seq: 4, at: '2026-05-01T12:00:10.000Z', type: 'opportunity.tagged', opportunityId: 'opp-2' });
      const [call] = await store.listRecentCalls('alice');
      assert.deepEqual([call?.hasNotes, call?.opportunityId], [true, 'opp-2']);
      // Another user's annotation does not touch alice's list (and does not fail).
      await rec.record({ ...base, userId: 'bob', seq: 5, at: '2026-05-01T12:00:11.000Z', type: 'note.added', text: 'x' });
      assert.equal((await store.listRecentCalls('bob')).length, 0);
    } finally {
      await store.close();
    }
  });
});
