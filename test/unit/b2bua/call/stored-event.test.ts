/**
 * toStoredEvent (event-writer.ts) builds each stored event as one literal for speed: the
 * event log's lines must stay byte for byte what they were, key order included (the file
 * log writes JSON.stringify of these objects).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/stored-event.test.ts
 */
import assert from 'node:assert/strict';
import type { CallEvent, EmergencyAddress, EndReason as CoreEndReason } from '../../../../src/call/index.js';
import { END_REASONS } from '../../../../src/events/index.js';
import type { EndReason } from '../../../../src/events/index.js';
import { toStoredEvent } from '../../../../src/b2bua/call/index.js';

const common = { callId: 'c1', userId: 'alice', direction: 'inbound', from: '+12125550123', to: '+14155550100', at: Date.UTC(2026, 10, 22, 9, 25, 32, 7) } as const;
const AT = '"at":"2026-11-22T09:25:32.007Z"';
const ADDRESS: EmergencyAddress = { houseNumber: '100', street: 'Main St', unit: 'Suite 5', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };

const line = (e: CallEvent, seq: number, location?: EmergencyAddress): string => JSON.stringify(toStoredEvent(e, seq, location));

describe('b2bua/call toStoredEvent', () => {
  it('call.started, with and without fromName and trunkId', () => {
    assert.equal(line({ ...common, type: 'call.started', fromName: 'Bob', trunkId: 'carrier' }, 1),
      `{"v":1,"callId":"c1","seq":1,${AT},"userId":"alice","type":"call.started","direction":"inbound","from":"+12125550123","to":"+14155550100","fromName":"Bob","trunkId":"carrier"}`);
    assert.equal(line({ ...common, type: 'call.started' }, 1),
      `{"v":1,"callId":"c1","seq":1,${AT},"userId":"alice","type":"call.started","direction":"inbound","from":"+12125550123","to":"+14155550100"}`);
    assert.equal(line({ ...common, type: 'call.started', trunkId: 'carrier', calleeUserId: 'bob' }, 1),
      `{"v":1,"callId":"c1","seq":1,${AT},"userId":"alice","type":"call.started","direction":"inbound","from":"+12125550123","to":"+14155550100","trunkId":"carrier"}`);
  });

  it('call.ringing and call.answered', () => {
    const targets = [{ kind: 'device' as const, deviceId: 'a' }, { kind: 'target' as const, target: '+14155559999' }];
    assert.equal(line({ ...common, type: 'call.ringing', targets }, 2),
      `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"call.ringing","targets":[{"kind":"device","deviceId":"a"},{"kind":"target","target":"+14155559999"}]}`);
    assert.equal(line({ ...common, type: 'call.answered', answeredBy: { kind: 'device', deviceId: 'a' } }, 3),
      `{"v":1,"callId":"c1","seq":3,${AT},"userId":"alice","type":"call.answered","answeredBy":{"kind":"device","deviceId":"a"}}`);
  });

  it('call.ended: answeredBy and sipStatus only when known; reason is not stored', () => {
    assert.equal(line({ ...common, type: 'call.ended', disposition: 'answered', durationS: 5, hungUpBy: 'caller', answeredBy: { kind: 'device', deviceId: 'a' } }, 4),
      `{"v":1,"callId":"c1","seq":4,${AT},"userId":"alice","type":"call.ended","disposition":"answered","durationS":5,"hungUpBy":"caller","answeredBy":{"kind":"device","deviceId":"a"}}`);
    assert.equal(line({ ...common, type: 'call.ended', disposition: 'busy', durationS: 0, hungUpBy: 'callee', sipStatus: 486, reason: 'Busy Here' }, 4),
      `{"v":1,"callId":"c1","seq":4,${AT},"userId":"alice","type":"call.ended","disposition":"busy","durationS":0,"hungUpBy":"callee","sipStatus":486}`);
    assert.equal(line({ ...common, type: 'call.ended', disposition: 'cancelled', durationS: 0, hungUpBy: 'caller' }, 2),
      `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"call.ended","disposition":"cancelled","durationS":0,"hungUpBy":"caller"}`);
  });

  it('call.ended: the core\'s endReason is stored as reason, after sipStatus; the reason phrase is not', () => {
    assert.equal(line({ ...common, type: 'call.ended', disposition: 'blocked', durationS: 0, hungUpBy: 'system', sipStatus: 503, reason: 'Service Unavailable (overload)', endReason: 'overload' }, 2),
      `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"call.ended","disposition":"blocked","durationS":0,"hungUpBy":"system","sipStatus":503,"reason":"overload"}`);
    assert.equal(line({ ...common, type: 'call.ended', disposition: 'answered', durationS: 3600, hungUpBy: 'system', answeredBy: { kind: 'device', deviceId: 'a' }, endReason: 'max-duration' }, 4),
      `{"v":1,"callId":"c1","seq":4,${AT},"userId":"alice","type":"call.ended","disposition":"answered","durationS":3600,"hungUpBy":"system","answeredBy":{"kind":"device","deviceId":"a"},"reason":"max-duration"}`);
  });

  it('the core\'s reason codes and the stored ones are the same set', () => {
    // Compile-time: each side assignable to the other (tsc runs over test/). At run time: the
    // stored list has no duplicates, so its length is the size of the set tsc compared.
    const coreToStored = (r: CoreEndReason): EndReason => r;
    const storedToCore = (r: EndReason): CoreEndReason => r;
    assert.deepEqual(END_REASONS.map((r) => coreToStored(storedToCore(r))), [...END_REASONS]);
    assert.equal(new Set(END_REASONS).size, END_REASONS.length);
  });

  it('emergency.call: the location only when it was sent and is known', () => {
    const e: CallEvent = { ...common, type: 'emergency.call', number: '911', trunk: 'e911', callbackNumber: '+14155550100', locationSent: true };
    assert.equal(line(e, 2, ADDRESS),
      `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"emergency.call","number":"911","location":"100 Main St, Suite 5, San Francisco, CA 94105, US"}`);
    assert.equal(line({ ...e, locationSent: false }, 2, ADDRESS), `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"emergency.call","number":"911"}`);
    assert.equal(line(e, 2), `{"v":1,"callId":"c1","seq":2,${AT},"userId":"alice","type":"emergency.call","number":"911"}`);
  });
});
