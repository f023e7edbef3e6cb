import assert from 'node:assert/strict';
import { CallSequence } from '../../../../src/b2bua/index.js';
import { errorOf, startHarness } from './control-fixtures.js';
import type { Harness } from './control-fixtures.js';

const ENDED_CALL = {
  callId: 'call-in-1',
  direction: 'inbound' as const,
  from: '+14155550177',
  to: '+14155550100',
  startedAt: '2024-05-01T11:00:00.000Z',
  answeredAt: '2024-05-01T11:00:05.000Z',
  endedAt: '2024-05-01T11:01:05.000Z',
  disposition: 'answered',
  durationS: 60,
  answeredBy: 'alice-desk',
};

describe('control API: calls', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  it('starts click-to-call through the shell and answers 202 with the callId', async () => {
    const reply = await h.request('POST', '/click-to-call', { userId: 'alice', destination: '+14155550199', opportunityId: '006Hs00001AbCdE' });
    assert.deepEqual([reply.status, reply.body], [202, { callId: 'c2c-1' }]);
    assert.deepEqual(h.calls.calls, [{ type: 'clickToCall', userId: 'alice', destination: '+14155550199', opportunityId: '006Hs00001AbCdE' }]);
  });

  it('click-to-call with an opportunity tags the call\'s summary once it is listed', async () => {
    // The shell lists the call on call.started before clickToCall resolves in this fake's
    // stead; with the real shell its recorder also sets the tag from the event.
    await h.store.pushRecentCall('alice', { callId: 'c2c-1', direction: 'outbound', from: '+14155550100', to: '+14155550199', startedAt: '2024-05-01T11:59:00.000Z' });
    await h.request('POST', '/click-to-call', { userId: 'alice', destination: '+14155550199', opportunityId: 'opp-7' });
    const calls = ((await h.request('GET', '/users/alice/calls')).body as { calls: Array<Record<string, unknown>> }).calls;
    assert.deepEqual([calls[0]?.['callId'], calls[0]?.['opportunityId'], calls[0]?.['hasNotes']], ['c2c-1', 'opp-7', false]);
  });

  it('refuses click-to-call for an unknown user or a bad destination, and reports a shell refusal as 502', async () => {
    assert.equal(errorOf(await h.request('POST', '/click-to-call', { userId: 'carol', destination: '100' })).code, 'USER_NOT_FOUND');
    const bad = await h.request('POST', '/click-to-call', { userId: 'alice', destination: 'sip:x@y' });
    assert.deepEqual([bad.status, errorOf(bad).field], [400, 'destination']);
    h.calls.failClickToCall = true;
    const refused = await h.request('POST', '/click-to-call', { userId: 'alice', destination: '101' });
    assert.deepEqual([refused.status, errorOf(refused).code], [502, 'CALL_CONTROL_FAILED']);
    assert.equal(h.calls.calls.length, 0);
  });

  it('hands notes and tags on a call in progress to the shell', async () => {
    await h.request('POST', '/click-to-call', { userId: 'alice', destination: '101' });
    const note = await h.request('POST', '/calls/c2c-1/notes', { userId: 'alice', text: 'Wants 20 seats.' });
    assert.deepEqual([note.status, note.body], [201, { callId: 'c2c-1' }]);
    const tag = await h.request('PUT', '/calls/c2c-1/opportunity', { userId: 'alice', opportunityId: 'opp-9' });
    assert.equal(tag.status, 200);
    assert.deepEqual(h.calls.calls.slice(1), [
      { type: 'addNote', callId: 'c2c-1', userId: 'alice', text: 'Wants 20 seats.' },
      { type: 'tagOpportunity', callId: 'c2c-1', userId: 'alice', opportunityId: 'opp-9' },
    ]);
    assert.deepEqual(await h.events.read('test', 'reader', 10, 0), [], 'the live call\'s events are the shell\'s to write');
  });

  it('records notes and tags after the call ended as events continuing its seq, and flags the summary', async () => {
    await h.store.pushRecentCall('alice', ENDED_CALL);
    assert.equal(await new CallSequence(h.store).recordEnded('call-in-1', 4, ['alice']), true);
    assert.equal((await h.request('POST', '/calls/call-in-1/notes', { userId: 'alice', text: 'Call back Friday.' })).status, 201);
    assert.equal((await h.request('PUT', '/calls/call-in-1/opportunity', { userId: 'alice', opportunityId: 'opp-1' })).status, 200);
    const logged = (await h.events.read('test', 'reader', 10, 0)).map((e) => e.event);
    assert.deepEqual(logged, [
      { v: 1, type: 'note.added', callId: 'call-in-1', seq: 5, at: '2024-05-01T12:00:00.000Z', userId: 'alice', text: 'Call back Friday.' },
      { v: 1, type: 'opportunity.tagged', callId: 'call-in-1', seq: 6, at: '2024-05-01T12:00:00.000Z', userId: 'alice', opportunityId: 'opp-1' },
    ]);
    const calls = (await h.request('GET', '/users/alice/calls')).body as { calls: unknown[] };
    assert.deepEqual(calls.calls, [
      {
        callId: 'call-in-1',
        direction: 'inbound',
        otherParty: '+14155550177',
        startedAt: ENDED_CALL.startedAt,
        answeredAt: ENDED_CALL.answeredAt,
        endedAt: ENDED_CALL.endedAt,
        durationS: 60,
        status: 'answered',
        answeredBy: 'alice-desk',
        hasNotes: true,
        opportunityId: 'opp-1',
      },
    ]);
  });

  it('refuses to annotate a call that is neither live nor among the user\'s recent calls (404), or has no recorded seq (409)', async () => {
    assert.equal(errorOf(await h.request('POST', '/calls/ghost/notes', { userId: 'alice', text: 'x' })).code, 'CALL_NOT_FOUND');
    await h.store.pushRecentCall('bob', { ...ENDED_CALL, callId: 'bob-1' });
    assert.equal(errorOf(await h.request('POST', '/calls/bob-1/notes', { userId: 'alice', text: 'x' })).code, 'CALL_NOT_FOUND');
    const unknownSeq = await h.request('POST', '/calls/bob-1/notes', { userId: 'bob', text: 'x' });
    assert.deepEqual([unknownSeq.status, errorOf(unknownSeq).code], [409, 'CALL_SEQUENCE_UNKNOWN']);
    assert.deepEqual(await h.events.read('test', 'reader', 10, 0), []);
    const long = await h.request('POST', '/calls/bob-1/notes', { userId: 'bob', text: 'x'.repeat(8193) });
    assert.deepEqual([long.status, errorOf(long).field], [400, 'text']);
  });

  it('lists recent calls newest first with the other party, status and limit', async () => {
    await h.store.pushRecentCall('bob', { ...ENDED_CALL, callId: 'old', disposition: 'missed', answeredAt: undefined, answeredBy: undefined, durationS: 0 });
    await h.store.pushRecentCall('bob', { callId: 'now', direction: 'outbound', from: '+14155550101', to: '+14155550188', startedAt: '2024-05-01T11:59:00.000Z' });
    const reply = await h.request('GET', '/users/bob/calls?limit=1');
    const calls = (reply.body as { calls: Array<Record<string, unknown>> }).calls;
    assert.equal(calls.length, 1);
    assert.deepEqual([calls[0]?.['callId'], calls[0]?.['otherParty'], calls[0]?.['status'], calls[0]?.['durationS'], calls[0]?.['hasNotes']], ['now', '+14155550188', 'in-progress', null, false]);
    const all = ((await h.request('GET', '/users/bob/calls')).body as { calls: Array<Record<string, unknown>> }).calls;
    assert.deepEqual(all.map((c) => [c['callId'], c['status']]), [['now', 'in-progress'], ['old', 'missed']]);
    assert.equal(errorOf(await h.request('GET', '/users/bob/calls?limit=0')).field, 'limit');
    assert.equal(errorOf(await h.request('GET', '/users/nobody/calls')).code, 'USER_NOT_FOUND');
  });
});
