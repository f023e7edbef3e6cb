/**
 * LiveCalls: notes and tags on a live call take the call's next seq; once the call ends
 * its last seq is recorded before it is forgotten, and later annotations are refused
 * with CALL_NOT_ACTIVE (the control API then continues the seq itself).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/live-calls.test.ts
 */
import assert from 'node:assert/strict';
import { CallEventWriter, LiveCalls } from '../../../../src/b2bua/call/index.js';
import { CALL_NOT_ACTIVE } from '../../../../src/b2bua/control/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { CollectingSink, silentLog } from './shell-fakes.js';

const AT = Date.parse('2026-05-01T12:00:00Z');

function started(callId: string): Parameters<CallEventWriter['write']>[0] {
  return { type: 'call.started', callId, userId: 'alice', direction: 'inbound', from: '+14155550199', to: '+14155550100', at: AT };
}

function notActive(e: unknown): boolean {
  return e instanceof LinegateError && e.code === CALL_NOT_ACTIVE;
}

describe('b2bua/call: LiveCalls', () => {
  let sink: CollectingSink;
  let recorded: Array<[string, number, readonly string[]]>;
  let live: LiveCalls;
  let writer: CallEventWriter;
  beforeEach(() => {
    sink = new CollectingSink();
    recorded = [];
    live = new LiveCalls({ recordEnded: (callId, seq, users) => { recorded.push([callId, seq, users]); return Promise.resolve(); } }, () => AT, silentLog);
    writer = new CallEventWriter(sink, () => assert.fail('append failed'));
    live.add('c1', writer, () => ['alice', 'bob']);
  });

  it('appends note.added and opportunity.tagged with the call\'s next seqs, by either user of the call', async () => {
    writer.write(started('c1'));
    await live.annotate('c1', 'alice', { type: 'note.added', text: 'first' });
    await live.annotate('c1', 'bob', { type: 'opportunity.tagged', opportunityId: 'opp-1' });
    assert.deepEqual(sink.events.map((e) => [e.type, e.seq]), [['call.started', 1], ['note.added', 2], ['opportunity.tagged', 3]]);
    const note = sink.events[1]!;
    assert.ok(note.type === 'note.added' && note.text === 'first' && note.userId === 'alice' && note.at === new Date(AT).toISOString());
  });

  it('refuses a user who is not on the call, and an unknown call, with CALL_NOT_ACTIVE', async () => {
    await assert.rejects(live.annotate('c1', 'carol', { type: 'note.added', text: 'x' }), notActive);
    await assert.rejects(live.annotate('nope', 'alice', { type: 'note.added', text: 'x' }), notActive);
    assert.equal(sink.events.length, 0);
  });

  it('records the last seq when the call ends, then refuses notes (also one that arrives while recording)', async () => {
    writer.write(started('c1'));
    writer.write({ ...started('c1'), type: 'call.ended', disposition: 'answered', durationS: 3, hungUpBy: 'caller' });
    const ending = live.ended('c1');
    const racing = live.annotate('c1', 'alice', { type: 'note.added', text: 'late' });
    assert.equal(live.has('c1'), false);
    await ending;
    await assert.rejects(racing, notActive);
    await assert.rejects(live.annotate('c1', 'alice', { type: 'note.added', text: 'later' }), notActive);
    assert.deepEqual(recorded, [['c1', 2, ['alice', 'bob']]]);
    assert.equal(sink.events.length, 2);
  });
});
