import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { answerWithLeg, depositReasonOf, VOICEMAIL_CLOSED } from '../../../../src/b2bua/voicemail/index.js';
import type { DepositReason } from '../../../../src/b2bua/voicemail/index.js';
import { eventually, settle, startFixture, type Fixture } from './voicemail-fixture.js';

class FakeUas extends EventEmitter {
  byes = 0;
  destroy(): Promise<void> {
    this.byes++;
    return Promise.resolve();
  }
}

describe('voicemail hooks and lifecycle', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('maps the core diversion reasons', () => {
    assert.equal(depositReasonOf('user-busy'), 'busy');
    assert.equal(depositReasonOf('no-answer'), 'no-answer');
    assert.equal(depositReasonOf('unavailable'), 'unreachable');
    assert.equal(depositReasonOf('do-not-disturb'), 'dnd');
    assert.equal(depositReasonOf('unconditional'), 'unconditional', '"forward always to voicemail" is not DND');
    assert.equal(depositReasonOf(undefined), 'dnd');
  });

  it('a forward-always deposit (reason unconditional) gets the standard greeting and is kept, like every reason', async () => {
    const reasons: DepositReason[] = ['unconditional', 'dnd', 'busy', 'no-answer', 'unreachable'];
    f.media.script = (ep) => ep.records.push({ durationMs: 2000, reason: 'terminator' });
    for (const [i, reason] of reasons.entries()) {
      const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason, callerNumber: '+1', callId: `c${i}` });
      leg.start();
      await leg.finished;
      assert.deepEqual(f.media.endpoints[i]!.log, ['play:greeting', 'play:beep', 'record:#', 'play:goodbye'], reason);
    }
    assert.deepEqual((await f.service.list('alice')).map((m) => m.callId).sort(), ['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('answerWithLeg answers with the leg SDP, starts it, and ties both ends', async () => {
    f.media.script = (ep) => ep.records.push({ durationMs: 2000, reason: 'terminator' });
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId: 'c1' });
    const uas = new FakeUas();
    const answered: string[] = [];
    await answerWithLeg({ createUAS: async (_q: string, _s: string, o) => (answered.push(o.localSdp), uas) }, 'req', 'res', leg);
    assert.deepEqual(answered, [leg.remote.sdp]);
    await leg.finished;
    await settle();
    assert.equal(uas.byes, 1, 'the leg hung up after #: BYE to the caller');

    f.media.script = undefined; // this caller hangs up mid-message
    const leg2 = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId: 'c2' });
    const uas2 = new FakeUas();
    await answerWithLeg({ createUAS: async () => uas2 }, 'req', 'res', leg2);
    await eventually(() => f.media.endpoints[1]!.log.includes('record:#'), 'the recording');
    uas2.emit('destroy'); // the caller's BYE
    await leg2.finished;
    assert.ok(f.media.endpoints[1]!.isGone);
    assert.equal(uas2.byes, 0, 'no BYE back to a caller who hung up');
  });

  it('answerWithLeg releases the leg when the answer fails', async () => {
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId: 'c1' });
    await assert.rejects(answerWithLeg({ createUAS: async () => Promise.reject(new Error('487')) }, 'q', 's', leg), /487/);
    assert.ok(f.media.endpoints[0]!.isGone);
    assert.equal(f.service.activeLegs, 0);
  });

  it('close() waits for calls in progress, then refuses new ones', async () => {
    const leg = await f.service.createLeg('alice', { remoteSdp: 'o', reason: 'dnd', callerNumber: '+1', callId: 'c1' });
    leg.start();
    await eventually(() => f.media.endpoints[0]!.log.includes('record:#'), 'the recording');
    let closed = false;
    const closing = f.service.close().then(() => (closed = true));
    await settle();
    assert.equal(closed, false, 'a message is being recorded');
    await assert.rejects(f.service.createLeg('alice', { reason: 'dnd', callerNumber: '+1', callId: 'c2' }), (e: unknown) => e instanceof Error && 'code' in e && e.code === VOICEMAIL_CLOSED);
    f.media.endpoints[0]!.hangupRecordMs = 3000;
    await leg.destroy();
    await closing;
    assert.equal((await f.service.list('alice')).length, 1, 'the message in progress was kept');
  });
});
