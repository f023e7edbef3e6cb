import assert from 'node:assert/strict';
import { decideOutbound } from '../../../src/call/index.js';
import { CallDriver, ofType } from './call-driver.js';
import { T0, context, lineUser, outbound } from './call-fixtures.js';

describe('call/CallMachine — events', () => {
  it('an internal call is logged under the caller with the callee named once decided', () => {
    const d = new CallDriver(outbound('101'));
    assert.equal(d.events('call.started')[0]?.calleeUserId, undefined);
    d.decide(decideOutbound(outbound('101'), lineUser(), context({}, { devices: { bob: ['sip:bob@10.0.0.9'] } })));
    d.send({ type: 'LegProgress', legId: 'L1', status: 180 });
    d.send({ type: 'LegAnswered', legId: 'L1' });
    d.send({ type: 'CallerHungUp' });
    for (const type of ['call.ringing', 'call.answered', 'call.ended'] as const) {
      const e = d.events(type)[0];
      assert.equal(e?.userId, 'alice', type);
      assert.equal(e?.calleeUserId, 'bob', type);
      assert.equal(e?.direction, 'outbound', type);
    }
    assert.equal(ofType(d.all, 'StartLeg')[0]?.callerId.number, '+14155550100', "the caller's business number");
  });

  it('an emergency call abandoned before the decision still raises its notice, and call.ended stays last', () => {
    const d = new CallDriver(outbound('911'));
    d.send({ type: 'CallerCancelled' });
    d.now += 300;
    const out = d.decide(decideOutbound(outbound('911'), lineUser(), context()));
    assert.deepEqual(out.map((c) => c.type), ['Notify']);
    const notice = ofType(out, 'Notify')[0]?.notice;
    assert.deepEqual(notice?.kind === 'emergency-call' && [notice.number, notice.at], ['911', T0 + 300]);
    assert.deepEqual(d.startedLegs(), [], 'nobody to connect any more');
    assert.deepEqual(d.events().map((e) => e.type), ['call.started', 'call.ended']);
    assert.deepEqual(d.decide(decideOutbound(outbound('911'), lineUser(), context())), [], 'only once');
  });

  it('an ordinary decision after the caller left produces nothing at all', () => {
    const d = new CallDriver(outbound('+14155551234'));
    d.send({ type: 'CallerCancelled' });
    assert.deepEqual(d.decide(decideOutbound(outbound('+14155551234'), lineUser(), context())), []);
  });

  it('a forced drain during the decision refuses with the Retry-After it was given', () => {
    const d = new CallDriver(outbound('+14155551234'));
    d.send({ type: 'Drain', force: true, retryAfterS: 9 });
    d.decide(decideOutbound(outbound('+14155551234'), lineUser(), context()));
    assert.deepEqual(ofType(d.all, 'Respond'), [
      { type: 'Respond', status: 503, reason: 'Service Unavailable (draining)', headers: [{ name: 'Retry-After', value: '9' }] },
    ]);
    assert.deepEqual([d.ended().disposition, d.ended().hungUpBy], ['failed', 'system']);
  });

  it('the caller ID of a withheld caller is logged as anonymous', () => {
    const d = new CallDriver({ ...outbound('+14155551234'), direction: 'inbound', from: { number: null } });
    assert.equal(d.events('call.started')[0]?.from, 'anonymous');
  });
});
