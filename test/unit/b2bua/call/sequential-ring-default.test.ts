/**
 * The dialplan's ringing.defaultTargetTimeoutS, end to end through a CallShell with srf
 * fakes and a FakeClock: a trunk call to alice, whose sequential plan rings two numbers that
 * give no ring time of their own, moves from the first to the second after the configured
 * time (not the 20 s default), whether the plan is the dialplan's or one stored by the
 * control API; and policyFor() hands the value to the core.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/sequential-ring-default.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { CallShell, policyFor } from '../../../../src/b2bua/call/index.js';
import type { ShellRequest, ShellResponse } from '../../../../src/b2bua/call/index.js';
import type { Dialplan } from '../../../../src/config/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import type { JsonObject } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { CollectingSink, FakeShellSrf, settle, silentLog } from './shell-fakes.js';
import { aliceDialplan } from '../alice-dialplan.js';

const MOBILE = '+14155550177';
const DESK_LINE = '+14155550178';
const OFFER = 'v=0 caller-offer';

function dialplan(ringing: string, ringPlan = `{ strategy: sequential, timeoutS: 60, targets: [{ to: "${MOBILE}" }, { to: "${DESK_LINE}" }] }`): Dialplan {
  return aliceDialplan({ top: ringing, alice: [`ringPlan: ${ringPlan}`] });
}

/** The shell's srf fake with the INVITE handler kept. */
class InviteSrf extends FakeShellSrf {
  handler: ((req: ShellRequest, res: ShellResponse) => void) | undefined;
  override invite(handler?: (req: ShellRequest, res: ShellResponse) => void): void {
    this.handler = handler;
  }
}

interface Bed {
  srf: InviteSrf;
  clock: FakeClock;
  store: MemoryStore;
}

/** A trunk call to alice's business number; `stored` is a ring plan as the control API stores it. */
async function callAlice(dp: Dialplan, stored?: JsonObject): Promise<Bed> {
  const srf = new InviteSrf();
  const clock = new FakeClock(1_000_000);
  const store = new MemoryStore();
  await store.start();
  if (stored) assert.ok((await store.putSettings('alice', { ringPlan: stored }, 0)).ok);
  const registrar = { authenticate: () => Promise.resolve({ type: 'Refused' as const }), lookup: () => Promise.resolve([]) };
  const shell = new CallShell({ srf, dialplan: dp, store, events: new CollectingSink(), registrar, clock, logger: silentLog, epochNow: () => clock.now() });
  shell.start();
  const headers: Record<string, string> = { 'from': '<sip:+14155550123@192.0.2.1>;tag=a', 'to': '<sip:+14155550100@127.0.0.1>', 'call-id': 'ring-default-call' };
  const req = Object.assign(new EventEmitter(), {
    method: 'INVITE', uri: 'sip:+14155550100@127.0.0.1', body: OFFER, source_address: '192.0.2.1', source_port: 5060, protocol: 'udp',
    get: (n: string) => headers[n.toLowerCase()], has: (n: string) => n.toLowerCase() in headers, cancel: () => undefined,
  });
  const res = { status: 0, reason: '', get: () => undefined, send: () => undefined, finalResponseSent: false };
  assert.ok(srf.handler);
  srf.handler(req, res);
  await settle();
  return { srf, clock, store };
}

/** The numbers called so far, and how many CANCELs each INVITE got. */
function legs(bed: Bed): Array<[string, number]> {
  return bed.srf.calls.map((c) => [/sip:(\+\d+)@/.exec(c.uri)?.[1] ?? c.uri, c.req.cancels.length]);
}

/** Rings the first number for `ms` - 1, then 1 more: the second is called only then. */
async function assertMovesOnAfter(bed: Bed, ms: number): Promise<void> {
  assert.deepEqual(legs(bed), [[MOBILE, 0]], 'the first target rings alone');
  bed.clock.advance(ms - 1);
  await settle();
  assert.deepEqual(legs(bed), [[MOBILE, 0]], `still the first target at ${ms - 1} ms`);
  bed.clock.advance(1);
  await settle();
  assert.deepEqual(legs(bed), [[MOBILE, 1], [DESK_LINE, 0]], `at ${ms} ms the first target gets CANCEL and the second rings`);
}

describe('b2bua/call: a sequential plan\'s untimed targets ring ringing.defaultTargetTimeoutS', () => {
  it('policyFor passes the dialplan\'s value to the core (20 s unless set)', () => {
    assert.equal(policyFor(dialplan('ringing: { defaultTargetTimeoutS: 12 }'), false, 'sip:vm@x').ringing.defaultTargetTimeoutS, 12);
    assert.equal(policyFor(dialplan(''), false, 'sip:vm@x').ringing.defaultTargetTimeoutS, 20);
  });

  it('a dialplan plan moves to the next target after the configured 7 s', async () => {
    const bed = await callAlice(dialplan('ringing: { defaultTargetTimeoutS: 7 }'));
    await assertMovesOnAfter(bed, 7_000);
    bed.clock.advance(6_999);
    await settle();
    assert.deepEqual(legs(bed), [[MOBILE, 1], [DESK_LINE, 0]], 'the second target rings its own 7 s too');
    bed.clock.advance(1);
    await settle();
    assert.deepEqual(legs(bed), [[MOBILE, 1], [DESK_LINE, 1]]);
    await bed.store.close();
  });

  it('without ringing.defaultTargetTimeoutS: after 20 s', async () => {
    const bed = await callAlice(dialplan(''));
    await assertMovesOnAfter(bed, 20_000);
    await bed.store.close();
  });

  it('a target\'s own timeoutS still wins over it', async () => {
    const bed = await callAlice(dialplan('ringing: { defaultTargetTimeoutS: 7 }', `{ strategy: sequential, timeoutS: 60, targets: [{ to: "${MOBILE}", timeoutS: 11 }, { to: "${DESK_LINE}" }] }`));
    await assertMovesOnAfter(bed, 11_000);
    await bed.store.close();
  });

  it('a plan stored by the control API without times follows the dialplan\'s value at call time', async () => {
    const stored = { strategy: 'sequential', timeoutS: 60, targets: [{ to: MOBILE, confirm: false }, { to: DESK_LINE, confirm: false }] };
    const bed = await callAlice(dialplan('ringing: { defaultTargetTimeoutS: 9 }', '{ targets: [{ to: devices }] }'), stored);
    await assertMovesOnAfter(bed, 9_000);
    await bed.store.close();
  });
});
