/**
 * ClickToCallSession (RFC 3725 §4.1 flow I) on a fake srf and a fake clock.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/click-to-call-session.test.ts
 */
import assert from 'node:assert/strict';
import { CallEventWriter, ClickToCallSession, DESTINATION_RING_CAP_MS } from '../../../../src/b2bua/call/index.js';
import type { ClickToCallPlan, ShellDialog } from '../../../../src/b2bua/call/index.js';
import { REASON_COMPLETED_ELSEWHERE } from '../../../../src/call/index.js';
import type { CallEvent } from '../../../../src/events/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { CollectingSink, FakeAnswer, FakeDialog, FakeShellSrf, settle, silentLog } from './shell-fakes.js';

const DEST = '+14155550123';

function plan(over: Partial<ClickToCallPlan> = {}): ClickToCallPlan {
  return {
    callId: 'c2c-1', userId: 'alice', from: '+14155550100', destination: DEST, domain: 'example.com',
    devices: [{ uri: 'sip:desk@10.0.0.1:5060', uacOptions: {} }, { uri: 'sip:app@10.0.0.2:5060', instanceId: 'urn:uuid:app', uacOptions: { proxy: 'sip:edge' } }],
    destinationLegs: [{ uri: `sip:${DEST}@trunk.example`, opts: { headers: { From: '<sip:+14155550100@example.com>' } } }],
    maxDurationMs: 60_000, deviceRingMs: 20_000, destinationRingMs: 25_000,
    ...over,
  };
}

function harness(p = plan()): { srf: FakeShellSrf; clock: FakeClock; sink: CollectingSink; session: ClickToCallSession; settled: () => number; types: () => string[] } {
  const srf = new FakeShellSrf();
  const clock = new FakeClock(1_000_000);
  const sink = new CollectingSink();
  let settledCount = 0;
  const session = new ClickToCallSession({
    srf, clock, epochNow: () => clock.now(), random: () => 0.5, log: silentLog,
    events: new CallEventWriter(sink, () => assert.fail('append failed')),
    onSettled: () => { settledCount++; },
  }, p);
  return { srf, clock, sink, session, settled: () => settledCount, types: () => sink.events.map((e) => e.type) };
}

function ended(sink: CollectingSink): Extract<CallEvent, { type: 'call.ended' }> {
  const e = sink.events.find((x) => x.type === 'call.ended');
  assert.ok(e && e.type === 'call.ended', JSON.stringify(sink.events));
  return e;
}

describe('b2bua/call: ClickToCallSession (RFC 3725 flow I)', () => {
  it('rings every device offer-less showing the destination, then connects the first to answer', async () => {
    const h = harness();
    h.session.start();
    assert.equal(h.srf.calls.length, 2);
    for (const c of h.srf.calls) {
      assert.equal(c.opts.noAck, true);
      assert.equal(c.opts.localSdp, undefined);
      assert.match(c.opts.headers?.['From'] ?? '', /^"\+14155550123" <sip:\+14155550123@example\.com>$/);
    }
    assert.equal(h.srf.calls[1]!.opts.proxy, 'sip:edge');
    h.srf.calls[1]!.ring();
    const device = new FakeAnswer('device-offer');
    h.srf.calls[1]!.answer(device);
    await settle();
    assert.deepEqual(h.srf.calls[0]!.req.cancels, [{ headers: { Reason: REASON_COMPLETED_ELSEWHERE } }]);
    assert.deepEqual(h.srf.calls[1]!.req.cancels, []);
    const dest = h.srf.calls[2]!;
    assert.equal(dest.uri, `sip:${DEST}@trunk.example`);
    assert.equal(dest.opts.localSdp, 'device-offer');
    const b = new FakeDialog({ sdp: 'destination-answer' });
    dest.answer(b);
    h.srf.calls[0]!.fail(487);
    await settle();
    assert.equal(device.acked, 'destination-answer');
    assert.deepEqual(h.types(), ['call.started', 'call.ringing', 'call.answered']);
    h.clock.advance(3_500);
    device.dialog.hangUp();
    await settle();
    assert.equal(b.destroyed, 1);
    assert.equal(device.dialog.destroyed, 0);
    const e = ended(h.sink);
    assert.equal(e.disposition, 'answered');
    assert.equal(e.hungUpBy, 'caller');
    assert.equal(e.durationS, 4);
    assert.deepEqual(h.sink.events.map((x) => x.seq), [1, 2, 3, 4]);
    assert.equal(h.settled(), 1);
    assert.equal(h.clock.pending(), 0);
  });

  it('the destination busy: the device leg is ACKed and hung up, the call ends busy with 486', async () => {
    const h = harness();
    h.session.start();
    const device = new FakeAnswer('offer');
    h.srf.calls[0]!.answer(device);
    h.srf.calls[1]!.fail(487);
    await settle();
    h.srf.calls[2]!.fail(486);
    await settle();
    assert.equal(device.destroyed, 1);
    const e = ended(h.sink);
    assert.equal(e.disposition, 'busy');
    assert.equal(e.sipStatus, 486);
    assert.equal(e.reason, 'busy');
    assert.equal(h.settled(), 1);
    assert.equal(h.clock.pending(), 0);
  });

  it('no device answers in time: every device gets CANCEL and the call ends cancelled (408)', async () => {
    const h = harness();
    h.session.start();
    h.clock.advance(20_000);
    for (const c of h.srf.calls) assert.equal(c.req.cancels.length, 1);
    for (const c of h.srf.calls) c.fail(487);
    await settle();
    const e = ended(h.sink);
    assert.equal(e.disposition, 'cancelled');
    assert.equal(e.sipStatus, 408);
    assert.equal(e.reason, 'no-answer');
    assert.equal(h.srf.calls.length, 2, 'the destination was never called');
    assert.equal(h.settled(), 1);
  });

  it('the destination rings at most DESTINATION_RING_CAP_MS (the device waits 32 s for its ACK)', async () => {
    const h = harness(plan({ destinationRingMs: 120_000, devices: [{ uri: 'sip:desk@10.0.0.1', uacOptions: {} }] }));
    h.session.start();
    const device = new FakeAnswer('offer');
    h.srf.calls[0]!.answer(device);
    await settle();
    h.clock.advance(DESTINATION_RING_CAP_MS - 1);
    assert.equal(h.srf.calls[1]!.req.cancels.length, 0);
    h.clock.advance(1);
    assert.equal(h.srf.calls[1]!.req.cancels.length, 1);
    h.srf.calls[1]!.fail(487);
    await settle();
    assert.equal(device.destroyed, 1);
    assert.equal(ended(h.sink).disposition, 'cancelled');
  });

  it('maximum call duration: both legs get BYE and the call ends by the system', async () => {
    const h = harness(plan({ maxDurationMs: 5_000, devices: [{ uri: 'sip:desk@10.0.0.1', uacOptions: {} }] }));
    h.session.start();
    const device = new FakeAnswer('offer');
    h.srf.calls[0]!.answer(device);
    await settle();
    const b = new FakeDialog({ sdp: 'answer' });
    h.srf.calls[1]!.answer(b);
    await settle();
    h.clock.advance(5_000);
    await settle();
    assert.equal(b.destroyed, 1);
    assert.equal(device.dialog.destroyed, 1);
    const e = ended(h.sink);
    assert.equal(e.hungUpBy, 'system');
    assert.equal(e.durationS, 5);
    assert.equal(e.reason, 'max-duration');
  });

  it('forceEnd while ringing cancels the devices; a late answer is hung up', async () => {
    const h = harness();
    h.session.start();
    h.session.forceEnd();
    for (const c of h.srf.calls) assert.equal(c.req.cancels.length, 1);
    const late = new FakeAnswer('offer');
    h.srf.calls[0]!.answer(late);
    h.srf.calls[1]!.fail(487);
    await settle();
    assert.equal(late.destroyed, 1);
    assert.equal(ended(h.sink).disposition, 'failed');
    assert.equal(ended(h.sink).reason, 'draining');
    assert.equal(h.settled(), 1);
    assert.equal(h.sink.events.filter((e) => e.type === 'call.ended').length, 1);
  });

  describe('connecting the legs once the destination answered', () => {
    /** The device's 200, ACKed with the destination's answer when the test says (srf's ack() of a noAck answer). */
    class PendingAck extends FakeAnswer {
      private settleAck: ((r: { ok: true } | { ok: false; err: Error }) => void) | undefined;
      override ack(answerSdp: string): Promise<ShellDialog> {
        this.acked = answerSdp;
        return new Promise((resolve, reject) => {
          this.settleAck = (r) => (r.ok ? resolve(this.dialog) : reject(r.err));
        });
      }
      resolveAck(): void {
        this.settleAck?.({ ok: true });
      }
      rejectAck(err: Error): void {
        this.settleAck?.({ ok: false, err });
      }
    }

    async function destinationAnswered(): Promise<{ h: ReturnType<typeof harness>; device: PendingAck; b: FakeDialog }> {
      const h = harness(plan({ devices: [{ uri: 'sip:desk@10.0.0.1', uacOptions: {} }] }));
      h.session.start();
      const device = new PendingAck('device-offer');
      h.srf.calls[0]!.answer(device);
      await settle();
      const b = new FakeDialog({ sdp: 'destination-answer' });
      h.srf.calls[1]!.answer(b);
      await settle();
      assert.equal(device.acked, 'destination-answer');
      return { h, device, b };
    }

    it('the device leg cannot be confirmed: BYE to the destination, call.ended failed by the system, 500, reason internal-error', async () => {
      const { h, device, b } = await destinationAnswered();
      // What srf's ack() does when the device's 200 had no Contact.
      device.rejectAck(new Error('createUAC: no Contact header in response'));
      await settle();
      assert.equal(b.destroyed, 1);
      assert.deepEqual(h.types(), ['call.started', 'call.ended']);
      const e = ended(h.sink);
      assert.deepEqual([e.disposition, e.hungUpBy, e.sipStatus, e.reason, e.durationS], ['failed', 'system', 500, 'internal-error', 0]);
      assert.equal(e.answeredBy, undefined);
      assert.equal(h.settled(), 1);
      assert.equal(h.clock.pending(), 0);
    });

    it('forceEnd while the ACK is on its way: ended once (draining, never answered), and the late device dialog gets BYE', async () => {
      const { h, device, b } = await destinationAnswered();
      h.session.forceEnd();
      assert.equal(b.destroyed, 1, 'BYE to the destination at once');
      assert.equal(device.destroyed, 0, 'no teardown of the 200 whose ACK is already on its way');
      device.resolveAck();
      await settle();
      assert.equal(device.dialog.destroyed, 1, 'the device dialog that came too late is hung up');
      assert.deepEqual(h.types(), ['call.started', 'call.ended'], 'no call.answered after call.ended');
      const e = ended(h.sink);
      assert.deepEqual([e.disposition, e.hungUpBy, e.reason], ['failed', 'system', 'draining']);
      assert.equal(h.clock.pending(), 0, 'no maximum-duration timer armed for an ended call');
      assert.equal(b.destroyed, 1);
    });

    it('forceEnd, then the ACK fails: still one call.ended (draining) and one BYE to the destination', async () => {
      const { h, device, b } = await destinationAnswered();
      h.session.forceEnd();
      device.rejectAck(new Error('late'));
      await settle();
      assert.equal(b.destroyed, 1);
      assert.deepEqual(h.types(), ['call.started', 'call.ended']);
      assert.equal(ended(h.sink).reason, 'draining');
    });
  });
});
