/**
 * The caller's CANCEL before the decision, in the shell with srf fakes: srf emits 'cancel'
 * on the INVITE's request once, possibly in the same tick as it hands the app the INVITE
 * (both in one read of the wire socket). The orderings covered, by where the shell is then:
 *   1. synchronously after the INVITE handler returned (before any await resumed);
 *   2. while the caller's name is looked up in the directory (no session yet);
 *   3. after the session exists, while the registrar lookup for the decision runs.
 * In each no leg may be started and the call ends `cancelled` with exactly one call.ended.
 * The integration test (b2bua-routing.test.ts) covers the same orderings on the wire.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/caller-cancel.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { CallerCancel, CallShell } from '../../../../src/b2bua/call/index.js';
import type { CallRegistrar, ReachableDevice, ShellRequest, ShellResponse } from '../../../../src/b2bua/call/index.js';
import type { Dialplan } from '../../../../src/config/index.js';
import { systemClock } from '../../../../src/shared/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { CollectingSink, FakeShellSrf, settle, silentLog } from './shell-fakes.js';
import { aliceDialplan } from '../alice-dialplan.js';

class InviteSrf extends FakeShellSrf {
  handler: ((req: ShellRequest, res: ShellResponse) => void) | undefined;
  override invite(handler?: (req: ShellRequest, res: ShellResponse) => void): void {
    this.handler = handler;
  }
}

/** An INVITE from the trunk to alice's number. */
function trunkInvite(callId: string): { req: ShellRequest; res: ShellResponse & { sent: number[] } } {
  const headers: Record<string, string> = {
    'from': '<sip:+14155550123@192.0.2.1>;tag=a', 'to': '<sip:+14155550100@127.0.0.1>', 'call-id': callId,
  };
  const req = Object.assign(new EventEmitter(), {
    method: 'INVITE', uri: 'sip:+14155550100@127.0.0.1', body: 'v=0', source_address: '192.0.2.1', source_port: 5060, protocol: 'udp',
    get: (n: string) => headers[n.toLowerCase()], has: (n: string) => n.toLowerCase() in headers, cancel: () => undefined,
  });
  const sent: number[] = [];
  const res = { status: 0, reason: '', sent, get: () => undefined, send: (status: number) => { sent.push(status); }, finalResponseSent: false };
  return { req, res };
}

function dialplan(): Dialplan {
  return aliceDialplan();
}

class SlowRegistrar implements CallRegistrar {
  onLookup: () => void = () => undefined;
  authenticate(): Promise<{ type: string }> {
    return Promise.resolve({ type: 'Refused' });
  }
  async lookup(): Promise<readonly ReachableDevice[]> {
    this.onLookup();
    await new Promise((r) => setImmediate(r));
    return [{ uri: 'sip:desk@192.0.2.9', uacOptions: {} }];
  }
}

async function run(when: 'same-tick' | 'directory' | 'decision'): Promise<{ srf: InviteSrf; sink: CollectingSink; shell: CallShell }> {
  const srf = new InviteSrf();
  const sink = new CollectingSink();
  const registrar = new SlowRegistrar();
  const store = new MemoryStore();
  await store.start();
  const { req, res } = trunkInvite(`call-${when}`);
  let inDirectory = false;
  const directory = {
    lookupName: async (): Promise<string | undefined> => {
      inDirectory = true;
      if (when === 'directory') req.emit('cancel');
      await new Promise((r) => setImmediate(r));
      return undefined;
    },
  };
  registrar.onLookup = () => { if (when === 'decision') req.emit('cancel'); };
  const shell = new CallShell({ srf, dialplan: dialplan(), store, events: sink, registrar, clock: systemClock, logger: silentLog, directory, directoryBudgetMs: 1000 });
  shell.start();
  assert.ok(srf.handler);
  srf.handler(req, res);
  if (when === 'same-tick') req.emit('cancel');
  await settle();
  assert.ok(inDirectory, 'the directory was asked');
  await store.close();
  return { srf, sink, shell };
}

describe('b2bua/call: the caller\'s CANCEL before the decision', () => {
  it('CallerCancel latches a CANCEL emitted before anyone listens, and reports one after', () => {
    const early = new EventEmitter();
    const latch = new CallerCancel(early);
    early.emit('cancel');
    const heard: string[] = [];
    latch.onCancel(() => heard.push('early'));
    const late = new EventEmitter();
    const latch2 = new CallerCancel(late);
    latch2.onCancel(() => heard.push('late'));
    assert.deepEqual(heard, ['early']);
    late.emit('cancel');
    late.emit('cancel');
    assert.deepEqual(heard, ['early', 'late']);
    assert.equal(latch.cancelled && latch2.cancelled, true);
  });

  for (const when of ['same-tick', 'directory', 'decision'] as const) {
    it(`CANCEL ${when === 'same-tick' ? 'in the INVITE\'s tick' : when === 'directory' ? 'during the directory lookup' : 'during the decision'}: no leg, one call.ended cancelled, no call left`, async () => {
      const { srf, sink, shell } = await run(when);
      assert.equal(srf.calls.length, 0, 'no leg started');
      assert.deepEqual(sink.events.map((e) => e.type), ['call.started', 'call.ended']);
      const ended = sink.events[1];
      assert.ok(ended?.type === 'call.ended' && ended.disposition === 'cancelled' && ended.hungUpBy === 'caller', JSON.stringify(ended));
      assert.equal(shell.activeCalls(), 0);
    });
  }
});
