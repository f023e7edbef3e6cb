/**
 * Calls in from a trunk through the CallShell on the embedded engine, with sipp as the
 * trunk (UAC) and as the user's devices (UAS).
 *
 * Run:  npx mocha test/integration/b2bua-calls-in.test.ts   (needs sipp on PATH)
 */
import assert from 'node:assert/strict';
import { useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import type { CallEvent } from '../../src/events/index.js';

function endedOf(sb: ShellBed): Extract<CallEvent, { type: 'call.ended' }>[] {
  return sb.events.ended() as Extract<CallEvent, { type: 'call.ended' }>[];
}

describe('b2bua: calls in from a trunk', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  afterEach(async () => {
    await sb?.store.close();
    sb = undefined;
  });

  it('simultaneous ring to three devices: the second answers, the others get CANCEL with Reason', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    const losers = [await bed().sipp({ scenario: 'b2bua-uas-ring-expect-cancel-completed-elsewhere.xml' }),
      await bed().sipp({ scenario: 'b2bua-uas-ring-expect-cancel-completed-elsewhere.xml' })];
    const winner = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    sb.registrar.add('alice', losers[0]!.port, 'desk');
    sb.registrar.add('alice', winner.port, 'mobile-app');
    sb.registrar.add('alice', losers[1]!.port, 'laptop');
    const caller = await bed().sipp({ scenario: 'uac-invite-answered-send-bye.xml', target: sb.eut.udp, service: '+14155550100' });
    for (const run of [caller, winner, ...losers]) {
      const r = await run.done;
      assert.equal(r.code, 0, r.output);
    }
    await until(() => sb!.shell.activeCalls() === 0 && endedOf(sb!).length === 1, 3000, 'call to end');
    const ended = endedOf(sb);
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.disposition, 'answered');
    assert.equal(ended[0]!.hungUpBy, 'caller');
    const types = sb.events.ofCall(ended[0]!.callId).map((e) => e.type);
    assert.deepEqual(types, ['call.started', 'call.ringing', 'call.answered', 'call.ended']);
    assert.deepEqual(sb.events.ofCall(ended[0]!.callId).map((e) => e.seq), [1, 2, 3, 4]);
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, 0);
    assert.equal((await sb.store.getCounter('calls.trunk', 'carrier')).value, 0);
  });
});
