import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VOICEMAIL_NO_MAILBOX, type VoicemailLeg } from '../../../../src/b2bua/voicemail/index.js';
import type { ShellDialog } from '../../../../src/b2bua/call/index.js';
import type { FakeEndpoint } from './fake-media.js';
import { eventually, PIN, settle, startFixture, type Fixture } from './voicemail-fixture.js';

const CALLER = '+15551230000';

describe('voicemail deposit (fake media)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  async function deposit(script: (ep: FakeEndpoint) => void, callId = 'call-1'): Promise<{ leg: VoicemailLeg; ep: FakeEndpoint; destroyed: number }> {
    f.media.script = script;
    const leg = await f.service.createLeg('alice', { remoteSdp: 'v=0 offer', reason: 'dnd', callerNumber: CALLER, callId });
    const ep = f.media.endpoints.at(-1) as FakeEndpoint;
    const out = { leg, ep, destroyed: 0 };
    leg.on('destroy', () => out.destroyed++);
    return out;
  }

  it('answers with the endpoint SDP and looks like an srf Dialog to the shell', async () => {
    const { leg, ep } = await deposit(() => undefined);
    assert.equal(ep.remoteSdp, 'v=0 offer');
    assert.equal(leg.remote.sdp, ep.localSdp);
    assert.equal(leg.local.sdp, ep.localSdp);
    assert.equal(leg.sip.callId, 'call-1');
    const asDialog: ShellDialog = leg; // compile-time: the shell can hold it where it holds a Dialog
    assert.ok(asDialog);
    await leg.destroy();
  });

  it('plays the greeting and the beep, records until #, says goodbye and hangs up; the message is stored and announced', async () => {
    const d = await deposit((ep) => ep.records.push({ durationMs: 4200, reason: 'terminator' }));
    const { leg, ep } = d;
    assert.deepEqual(ep.log, [], 'nothing happens before start()');
    leg.start();
    await leg.finished;
    await settle();
    assert.deepEqual(ep.log, ['play:greeting', 'play:beep', 'record:#', 'play:goodbye']);
    assert.equal(d.destroyed, 1, 'the leg hung up by itself');
    const list = await f.service.list('alice');
    assert.equal(list.length, 1);
    const m = list[0]!;
    assert.equal(m.from, CALLER);
    assert.equal(m.durationMs, 4200);
    assert.equal(m.heard, false);
    assert.equal(m.callId, 'call-1');
    assert.deepEqual(await f.service.counts('alice'), { new: 1, old: 0 });
    const file = await f.service.open('alice', m.id);
    assert.ok(file && file.size > 44 && (await stat(file.path)).size === file.size);
    await settle();
    assert.deepEqual(f.events.map((e) => e.type), ['voicemail.deposited']);
    const e = f.events[0] as Extract<typeof f.events[0], { type: 'voicemail.deposited' }>;
    assert.equal(e.callId, 'call-1');
    assert.equal(e.seq, 5);
    assert.equal(e.messageId, m.id);
    assert.equal(e.durationMs, 4200);
    assert.equal(e.url, `/users/alice/voicemail/${m.id}`);
    assert.ok(ep.isGone, 'the endpoint is released');
  });

  it('emits destroy once when the deposit ends by itself, and none when the shell ends it', async () => {
    const a = await deposit((ep) => ep.records.push({ durationMs: 3000, reason: 'max-duration' }));
    let destroyed = 0;
    a.leg.on('destroy', () => destroyed++);
    a.leg.start();
    await a.leg.finished;
    await a.leg.destroy(); // the shell's ByeLeg after CalleeHungUp: idempotent
    assert.equal(destroyed, 1);

    const b = await deposit((ep) => (ep.hangupRecordMs = 2500), 'call-2');
    let bDestroyed = 0;
    b.leg.on('destroy', () => bDestroyed++);
    b.leg.start();
    await eventually(() => b.ep.log.at(-1) === 'record:#', 'the recording');
    assert.equal(b.ep.log.at(-1), 'record:#');
    await b.leg.destroy(); // the caller hung up mid-message
    await b.leg.finished;
    assert.equal(bDestroyed, 0);
    assert.ok(!b.ep.log.includes('play:goodbye'), 'no goodbye to a caller who is gone');
    const list = await f.service.list('alice');
    assert.deepEqual(list.map((m) => [m.callId, m.durationMs]), [['call-2', 2500], ['call-1', 3000]], 'newest first; hang-up keeps the message');
  });

  it('discards a message shorter than minMessageMs, file and all, and emits nothing', async () => {
    const { leg } = await deposit((ep) => ep.records.push({ durationMs: 1499, reason: 'terminator' }));
    leg.start();
    await leg.finished;
    await settle();
    assert.deepEqual(await f.service.list('alice'), []);
    assert.deepEqual(await readdir(join(f.dir, 'messages', 'alice')), []);
    assert.equal(f.events.length, 0);
  });

  it('waits for the call to record its end before taking a seq for voicemail.deposited', async () => {
    f.liveCalls.add('call-1');
    const { leg } = await deposit((ep) => ep.records.push({ durationMs: 2000, reason: 'silence' }));
    leg.start();
    await leg.finished;
    await settle();
    f.clock.advance(250);
    await settle();
    assert.equal(f.events.length, 0, 'no seq while the call is live');
    f.liveCalls.delete('call-1');
    f.clock.advance(250);
    await settle();
    assert.deepEqual(f.events.map((e) => [e.type, e.seq]), [['voicemail.deposited', 5]]);
  });

  it('refuses a user without voicemail', async () => {
    await assert.rejects(f.service.createLeg('bob', { reason: 'busy', callerNumber: CALLER, callId: 'c' }), (e: unknown) => {
      return e instanceof Error && 'code' in e && e.code === VOICEMAIL_NO_MAILBOX;
    });
    assert.equal(f.media.endpoints.length, 0, 'no media taken for nothing');
  });

  it('skips to the beep on another digit during the greeting', async () => {
    const { leg, ep } = await deposit((ep) => {
      ep.interrupt.add('greeting');
      ep.inputs.push('#');
      ep.records.push({ durationMs: 2000, reason: 'terminator' });
    });
    leg.start();
    await leg.finished;
    assert.deepEqual(ep.log, ['play:greeting', 'collect:1', 'play:beep', 'record:#', 'play:goodbye']);
  });

  it('goes to retrieval with the PIN on * during the greeting, and records nothing', async () => {
    const d = await deposit((ep) => {
      ep.interrupt.add('greeting');
      ep.inputs.push('*', PIN);
    });
    const { leg, ep } = d;
    leg.start();
    await leg.finished;
    assert.deepEqual(ep.log.slice(0, 5), ['play:greeting', 'collect:1', 'play:enter-pin', 'collect:16', 'play:you-have+no-new-messages']);
    assert.ok(!ep.log.includes('record:#'));
    assert.deepEqual(ep.log.slice(-2), ['collect:1', 'play:goodbye'], 'menu timeouts end the call');
    assert.equal(d.destroyed, 1, 'the menu hung up');
    assert.deepEqual(await f.service.list('alice'), []);
  });

  it('a late-offer caller: the leg offers, and modify() takes the answer', async () => {
    f.media.script = () => undefined;
    const leg = await f.service.createLeg('alice', { reason: 'no-answer', callerNumber: CALLER, callId: 'c' });
    const ep = f.media.endpoints[0]!;
    assert.equal(ep.remoteSdp, undefined);
    const answer = await leg.modify('v=0 answer');
    assert.equal(answer, ep.localSdp);
    assert.equal(leg.remote.sdp, ep.localSdp);
    const r = await leg.request({ method: 'INVITE', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0 hold' });
    assert.equal(r.status, 200);
    assert.equal(r.body, ep.localSdp);
    assert.equal(r.get('Content-Type'), 'application/sdp');
    const info = await new Promise<number>((resolve) => leg.request({ method: 'INFO', body: 'Signal=1' }, (_e, res) => resolve(res?.status ?? 0)));
    assert.equal(info, 200);
    await leg.destroy();
    assert.equal((await leg.request({ method: 'INVITE', body: 'x' })).status, 481);
  });
});
