/**
 * Feature decisions carried out by the CallShell on the embedded engine: DND and blocking
 * (runtime settings from the Store), international without permission, E911 both ways.
 * Each test asserts the SIP outcome at sipp and exactly one call.ended with its disposition.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-features.test.ts
 */
import assert from 'node:assert/strict';
import { useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import type { CallEvent } from '../../src/events/index.js';
import type { SippRun } from '../helpers/sipp.js';

type Ended = Extract<CallEvent, { type: 'call.ended' }>;

async function passes(run: SippRun): Promise<void> {
  const r = await run.done;
  assert.equal(r.code, 0, r.output);
}

async function oneEnded(sb: ShellBed, disposition: string, sipStatus?: number): Promise<Ended> {
  await until(() => sb.shell.activeCalls() === 0 && sb.events.ended().length >= 1, 3000, 'call.ended');
  const ended = sb.events.ended() as Ended[];
  assert.equal(ended.length, 1, JSON.stringify(sb.events.events));
  assert.equal(ended[0]!.disposition, disposition);
  if (sipStatus !== undefined) assert.equal(ended[0]!.sipStatus, sipStatus);
  return ended[0]!;
}

describe('b2bua: features', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  afterEach(async () => {
    await sb?.store.close();
    sb = undefined;
  });

  it('DND from the runtime settings: a call in gets 486 (no voicemail box) and ends blocked', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    await sb.store.putSettings('alice', { dnd: true }, 0);
    await passes(await bed().sipp({ scenario: 'uac-invite-expect-486.xml', target: sb.eut.udp, service: '+14155550100' }));
    await oneEnded(sb, 'blocked', 486);
  });

  it('a blocked caller number gets 603', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    await sb.store.putSettings('alice', { blockList: { numbers: ['+14155550199'], prefixes: [] } }, 0);
    await passes(await bed().sipp({ scenario: 'b2bua-uac-invite-expect-603.xml', target: sb.eut.udp, service: '+14155550100',
      keys: { from_user: '+14155550199' } }));
    await oneEnded(sb, 'blocked', 603);
  });

  it('an anonymous caller gets 603 when the user blocks anonymous calls', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    await sb.store.putSettings('alice', { blockAnonymous: true }, 0);
    await passes(await bed().sipp({ scenario: 'b2bua-uac-invite-expect-603.xml', target: sb.eut.udp, service: '+14155550100',
      keys: { from_user: 'anonymous' } }));
    await oneEnded(sb, 'blocked', 603);
  });

  it('an international call without permission gets 403', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    await passes(await bed().sipp({ scenario: 'b2bua-uac-invite-expect-403.xml', target: sb.eut.udp, service: '011442079460000',
      keys: { from_user: 'alice' } }));
    await oneEnded(sb, 'blocked', 403);
  });

  it('E911 without an address: an ordinary call gets 403, and 911 still goes out', async () => {
    const trunk = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    sb = await startShellBed(bed(), () => testDialplan(trunk.port));
    await passes(await bed().sipp({ scenario: 'b2bua-uac-invite-expect-403.xml', target: sb.eut.udp, service: '100',
      keys: { from_user: 'bob' } }));
    await oneEnded(sb, 'blocked', 403);
    await passes(await bed().sipp({ scenario: 'b2bua-uac-device-call-answered.xml', target: sb.eut.udp, service: '911',
      keys: { from_user: 'bob' } }));
    await passes(trunk);
    await until(() => sb!.events.ended().length === 2 && sb!.shell.activeCalls() === 0, 3000, 'second call.ended');
    const emergency = sb.events.events.filter((e) => e.type === 'emergency.call');
    assert.equal(emergency.length, 1);
    assert.equal((sb.events.ended()[1] as Ended).disposition, 'answered');
  });

  it('E911 with an address: the trunk gets a PIDF-LO multipart body and a Geolocation header', async () => {
    const trunk = await bed().sipp({ scenario: 'b2bua-uas-expect-pidf-lo-answer.xml' });
    sb = await startShellBed(bed(), () => testDialplan(trunk.port));
    const caller = await bed().sipp({ scenario: 'b2bua-uac-device-call-answered.xml', target: sb.eut.udp, service: '911',
      keys: { from_user: 'alice' } });
    await passes(trunk);
    await passes(caller);
    await oneEnded(sb, 'answered');
    const ev = sb.events.events.find((e) => e.type === 'emergency.call');
    assert.ok(ev && ev.type === 'emergency.call' && ev.location?.includes('1 Market St'));
  });

  it('drain: a new call gets 503 with Retry-After', async () => {
    sb = await startShellBed(bed(), () => testDialplan(9));
    sb.shell.drain();
    await passes(await bed().sipp({ scenario: 'uac-invite-expect-503.xml', target: sb.eut.udp, service: '+14155550100' }));
    const ended = await oneEnded(sb, 'failed', 503);
    assert.equal(ended.reason, 'draining', JSON.stringify(ended));
  });
});
