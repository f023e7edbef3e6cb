/**
 * Internal failures end a call with a truthful call.ended (issue #3: exactly one per call),
 * through a CallShell with srf fakes, a MemoryStore and a FakeClock. A trunk call to alice,
 * whose plan rings her mobile (one leg):
 *
 *   - the mobile answers and the caller cannot be answered (srf's createUAS rejects, the
 *     caller did not leave): failed / system / internal-error / 500, the mobile gets BYE, the
 *     caller 500, every counter given back (it used to read "answered, hung up by the caller");
 *   - the same rejection after the caller's CANCEL stays the caller's hang-up;
 *   - deciding fails after call.started (the Store's settings, or a counter that cannot be
 *     taken): the call gets its call.ended (it used to get none), the caller 503 with
 *     Retry-After, and it gives back its counters and its place among the live calls;
 *   - a failure before call.started (a device's authentication) is still a bare 500;
 *   - the caller has its 200 and relaying between the two cannot be set up: the call stays
 *     answered, ended by the system with internal-error, both sides BYEd;
 *   - a leg whose INVITE throws at once fails, so the call still ends and settles;
 *   - click-to-call whose counter cannot be taken rejects and leaves no call behind.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/internal-failure.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { CallShell, RETRY_AFTER_S } from '../../../../src/b2bua/call/index.js';
import type { CallRegistrar, CreateUacOptions, OfferlessAnswer, ShellDialog, ShellRequest, ShellResponse } from '../../../../src/b2bua/call/index.js';
import type { CallEvent } from '../../../../src/events/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import type { CounterIncrOptions, CounterIncrResult, CounterName, VersionedSettings } from '../../../../src/state/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { CollectingSink, FakeDialog, FakeShellSrf, settle } from './shell-fakes.js';
import { ALICE_ADDRESS, aliceDialplan } from '../alice-dialplan.js';

const MOBILE = '+14155550177';
const OFFER = 'v=0 caller-offer';
const CALL_ID = 'internal-failure-call';

const RING_MOBILE = `ringPlan: { strategy: simultaneous, timeoutS: 60, targets: [{ to: "${MOBILE}" }] }`;

/** The caller's dialog as srf would hand it, but no listener can be attached (the relay's set-up throws). */
class UnlistenableDialog extends FakeDialog {
  override on(): this {
    throw new Error('dialog torn down');
  }
}

/** A Store whose settings read or trunk counter fails when told to. */
class FailingStore extends MemoryStore {
  settingsFail = false;
  trunkCounterFails = false;
  override getSettings(userId: string): Promise<VersionedSettings | undefined> {
    return this.settingsFail ? Promise.reject(new Error('store down')) : super.getSettings(userId);
  }
  override incrCounter(name: CounterName, id: string, options?: CounterIncrOptions): Promise<CounterIncrResult> {
    if (this.trunkCounterFails && name === 'calls.trunk') return Promise.reject(new Error('store down'));
    return super.incrCounter(name, id, options);
  }
}

/** The shell's srf: the INVITE handler kept, createUAS settled by the test, createUAC able to throw at once. */
class TestSrf extends FakeShellSrf {
  handler: ((req: ShellRequest, res: ShellResponse) => void) | undefined;
  uas: Array<{ resolve: (d: ShellDialog) => void; reject: (err: unknown) => void }> = [];
  uacThrows = false;
  override invite(handler?: (req: ShellRequest, res: ShellResponse) => void): void {
    this.handler = handler;
  }
  override createUAS(): Promise<ShellDialog> {
    return new Promise((resolve, reject) => this.uas.push({ resolve, reject }));
  }
  override createUAC(uri: string, opts: CreateUacOptions, progress: Parameters<FakeShellSrf['createUAC']>[2]): Promise<ShellDialog | OfferlessAnswer> {
    if (this.uacThrows) throw new Error('not connected to the SIP engine');
    return super.createUAC(uri, opts, progress);
  }
}

interface Bed {
  srf: TestSrf;
  store: FailingStore;
  shell: CallShell;
  sink: CollectingSink;
  req: EventEmitter;
  sent: number[];
  /** The Retry-After of each response that had one. */
  retryAfter: string[];
  /** The shell's error log lines, parsed. */
  logged: Array<Record<string, unknown>>;
}

async function bed(registrar?: CallRegistrar): Promise<Bed> {
  const dialplan = aliceDialplan({ alice: [ALICE_ADDRESS, RING_MOBILE] });
  const srf = new TestSrf();
  const clock = new FakeClock(1_000_000);
  const store = new FailingStore();
  await store.start();
  const sink = new CollectingSink();
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const reg = registrar ?? { authenticate: () => Promise.resolve({ type: 'Refused' }), lookup: () => Promise.resolve([]) };
  const shell = new CallShell({ srf, dialplan, store, events: sink, registrar: reg, clock, logger, epochNow: () => clock.now() });
  shell.start();
  return { srf, store, shell, sink, req: new EventEmitter(), sent: [], retryAfter: [], logged };
}

/** A call in from the carrier (or, with `from`, from another address) to alice's number. */
async function invite(b: Bed, source = '192.0.2.1'): Promise<void> {
  const headers: Record<string, string> = { 'from': '<sip:+14155550123@192.0.2.1>;tag=a', 'to': '<sip:+14155550100@127.0.0.1>', 'call-id': CALL_ID };
  const req = Object.assign(b.req, {
    method: 'INVITE', uri: 'sip:+14155550100@127.0.0.1', body: OFFER, source_address: source, source_port: 5060, protocol: 'udp',
    get: (n: string) => headers[n.toLowerCase()], has: (n: string) => n.toLowerCase() in headers, cancel: () => undefined,
  });
  const res = { status: 0, reason: '', get: () => undefined, send: (status: number, _reason?: string, opts?: { headers?: Record<string, string> }) => {
    b.sent.push(status);
    const retryAfter = opts?.headers?.['Retry-After'];
    if (retryAfter !== undefined) b.retryAfter.push(retryAfter);
  }, finalResponseSent: false };
  assert.ok(b.srf.handler);
  b.srf.handler(req as unknown as ShellRequest, res);
  await settle();
}

function types(b: Bed): string[] {
  return b.sink.events.map((e) => e.type);
}

function ended(b: Bed): Extract<CallEvent, { type: 'call.ended' }> {
  const all = b.sink.events.filter((e) => e.type === 'call.ended');
  assert.equal(all.length, 1, `exactly one call.ended: ${JSON.stringify(b.sink.events)}`);
  return all[0] as Extract<CallEvent, { type: 'call.ended' }>;
}

function endedFields(b: Bed): unknown[] {
  const e = ended(b);
  return [e.disposition, e.hungUpBy, e.reason, e.sipStatus, e.durationS];
}

async function counters(b: Bed): Promise<number[]> {
  return [(await b.store.getCounter('calls.user', 'alice')).value, (await b.store.getCounter('calls.trunk', 'carrier')).value];
}

/** Alice's mobile answers: the core bridges it and the shell asks srf for the caller's 200. */
async function mobileAnswers(b: Bed): Promise<FakeDialog> {
  assert.equal(b.srf.calls.length, 1, 'the mobile is called');
  assert.deepEqual(await counters(b), [1, 1], 'the call holds its user and trunk counters');
  const leg = new FakeDialog({ sdp: 'v=0 mobile-answer' });
  b.srf.calls[0]!.answer(leg);
  await settle();
  assert.equal(b.srf.uas.length, 1, 'createUAS for the caller');
  return leg;
}

describe('b2bua/call: internal failures end the call with call.ended internal-error', () => {
  it('createUAS rejects (the caller is still there): failed / system / internal-error / 500, the mobile gets BYE, counters given back', async () => {
    const b = await bed();
    await invite(b);
    const leg = await mobileAnswers(b);
    b.srf.uas[0]!.reject(new Error('createUAS: Request is missing Contact header'));
    await settle();
    assert.deepEqual(endedFields(b), ['failed', 'system', 'internal-error', 500, 0]);
    assert.deepEqual(ended(b).answeredBy, { kind: 'target', target: MOBILE }, 'the mobile did answer');
    assert.deepEqual(types(b), ['call.started', 'call.answered', 'call.ended']);
    assert.equal(leg.destroyed, 1, 'BYE to the mobile');
    assert.deepEqual(b.sent, [500], 'the caller hears 500');
    assert.ok(b.logged.some((l) => l['callId'] === CALL_ID && l['step'] === 'answer-caller' && /missing Contact/.test(String(l['err']))), JSON.stringify(b.logged));
    assert.deepEqual(await counters(b), [0, 0]);
    assert.equal(b.shell.activeCalls(), 0);
    await b.store.close();
  });

  it('createUAS rejects with 487 because the caller CANCELled: it stays the caller\'s hang-up', async () => {
    const b = await bed();
    await invite(b);
    const leg = await mobileAnswers(b);
    b.req.emit('cancel');
    b.srf.uas[0]!.reject(Object.assign(new Error('487'), { status: 487, reason: 'Request Terminated' }));
    await settle();
    const e = ended(b);
    assert.equal(e.hungUpBy, 'caller');
    assert.notEqual(e.reason, 'internal-error');
    assert.equal(leg.destroyed, 1);
    assert.deepEqual(b.sent, [], 'the engine answers the CANCELled INVITE itself');
    assert.deepEqual(await counters(b), [0, 0]);
    assert.equal(b.shell.activeCalls(), 0);
    await b.store.close();
  });

  it('the Store fails while deciding, after call.started: call.ended failed / system / internal-error / 503 + Retry-After, the call forgotten', async () => {
    const b = await bed();
    b.store.settingsFail = true;
    await invite(b);
    assert.deepEqual(types(b), ['call.started', 'call.ended']);
    // Store down → 503 + Retry-After (architecture's failure table): a carrier tries elsewhere or later.
    assert.deepEqual(endedFields(b), ['failed', 'system', 'internal-error', 503, 0]);
    assert.deepEqual(b.retryAfter, [String(RETRY_AFTER_S)]);
    assert.equal(ended(b).callId, CALL_ID);
    assert.ok(b.logged.some((l) => l['callId'] === CALL_ID && /store down/.test(String(l['err']))), JSON.stringify(b.logged));
    assert.deepEqual(b.sent, [503]);
    assert.equal(b.srf.calls.length, 0, 'nothing rang');
    assert.equal(b.shell.activeCalls(), 0);
    await assert.rejects(b.shell.addNote(CALL_ID, 'alice', 'too late'), { code: 'CALL_NOT_ACTIVE' });
    await b.store.close();
  });

  it('one of the call\'s counters cannot be taken: call.ended internal-error, and the one taken is given back', async () => {
    const b = await bed();
    b.store.trunkCounterFails = true;
    await invite(b);
    assert.deepEqual(endedFields(b), ['failed', 'system', 'internal-error', 503, 0]);
    assert.deepEqual(b.sent, [503]);
    assert.equal(b.srf.calls.length, 0);
    await settle();
    assert.deepEqual((await b.store.getCounter('calls.user', 'alice')).value, 0, 'the user counter taken is released');
    assert.equal(b.shell.activeCalls(), 0);
    await b.store.close();
  });

  it('a failure before call.started (the device\'s authentication throws) is a bare 500, with no event', async () => {
    const b = await bed({ authenticate: () => Promise.reject(new Error('registrar down')), lookup: () => Promise.resolve([]) });
    await invite(b, '198.51.100.7');
    assert.deepEqual(b.sent, [500]);
    assert.deepEqual(types(b), []);
    assert.equal(b.shell.activeCalls(), 0);
    await b.store.close();
  });

  it('a leg whose INVITE throws at once fails like a 500: the call still ends once and settles, counters given back', async () => {
    const b = await bed();
    b.srf.uacThrows = true;
    await invite(b);
    // As a leg that answers 500: alice's one leg failed, nothing else to ring, her plan is unreachable.
    assert.deepEqual(endedFields(b), ['missed', 'callee', 'unreachable', 480, 0]);
    assert.deepEqual(b.sent, [480]);
    assert.equal(b.shell.activeCalls(), 0);
    assert.deepEqual(await counters(b), [0, 0]);
    await b.store.close();
  });

  it('the caller has its 200 but the relay cannot be set up: answered / system / internal-error, both sides get BYE', async () => {
    const b = await bed();
    await invite(b);
    const leg = await mobileAnswers(b);
    const caller = new UnlistenableDialog({ sdp: OFFER });
    b.srf.uas[0]!.resolve(caller);
    await settle();
    assert.deepEqual(endedFields(b), ['answered', 'system', 'internal-error', undefined, 0]);
    assert.deepEqual([leg.destroyed, caller.destroyed], [1, 1]);
    assert.deepEqual(b.sent, []);
    assert.deepEqual(await counters(b), [0, 0]);
    assert.equal(b.shell.activeCalls(), 0);
    await b.store.close();
  });

  it('click-to-call whose trunk counter cannot be taken: rejects, and no session, counter or event is left', async () => {
    const b = await bed({
      authenticate: () => Promise.resolve({ type: 'Refused' }),
      lookup: () => Promise.resolve([{ uri: 'sip:desk@10.0.0.1', uacOptions: {} }]),
    });
    b.store.trunkCounterFails = true;
    await assert.rejects(b.shell.clickToCall('alice', '+14155551234'), /store down/);
    await settle();
    assert.equal(b.shell.activeCalls(), 0);
    assert.equal((await b.store.getCounter('calls.user', 'alice')).value, 0);
    assert.deepEqual(types(b), []);
    assert.equal(b.srf.calls.length, 0, 'no device rang');
    await b.store.close();
  });
});
