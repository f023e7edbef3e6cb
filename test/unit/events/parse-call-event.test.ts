import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CALL_EVENT_TYPES, END_REASONS, parseCallEvent, type CallEventErrorCode } from '../../../src/events/index.js';
import { everyType } from '../../contract/call-event-samples.js';

describe('parseCallEvent', () => {
  it('accepts one event of every type and returns it unchanged', () => {
    const samples = everyType();
    assert.deepEqual(samples.map((e) => e.type).sort(), [...CALL_EVENT_TYPES].sort());
    for (const e of samples) {
      const r = parseCallEvent(JSON.parse(JSON.stringify(e)));
      assert.ok(r.ok, `${e.type}: ${r.ok ? '' : r.error}`);
      assert.deepEqual(r.event, e);
    }
  });

  it('drops fields it does not know, so consumers see only the documented shape', () => {
    const r = parseCallEvent({ ...everyType()[0], secret: 'x', answeredBy: 'not part of call.started' });
    assert.ok(r.ok);
    assert.equal('secret' in r.event, false);
    assert.equal('answeredBy' in r.event, false);
  });

  it('call.ended reason: kept when known, absent when not given, dropped when a newer writer\'s code', () => {
    const ended = everyType()[5]!;
    const refused = { ...ended, disposition: 'blocked', hungUpBy: 'system', sipStatus: 503, answeredBy: undefined };
    for (const reason of END_REASONS) {
      const r = parseCallEvent({ ...refused, reason });
      assert.ok(r.ok && r.event.type === 'call.ended' && r.event.reason === reason, reason);
    }
    const old = parseCallEvent(JSON.parse(JSON.stringify(ended)));
    assert.ok(old.ok && !('reason' in old.event));
    const newer = parseCallEvent({ ...refused, reason: 'solar-flare' });
    assert.ok(newer.ok && newer.event.type === 'call.ended' && !('reason' in newer.event), JSON.stringify(newer));
    assert.equal(newer.ok && newer.event.type === 'call.ended' && newer.event.sipStatus, 503);
  });

  const started = everyType()[0]!;
  const ended = everyType()[5]!;
  const ringing = everyType()[1]!;
  const cases: Array<[string, unknown, CallEventErrorCode, string?]> = [
    ['null', null, 'not-an-object'],
    ['an array', [started], 'not-an-object'],
    ['a string', 'call.started', 'not-an-object'],
    ['an unknown type', { ...started, type: 'call.exploded' }, 'unknown-type', 'type'],
    ['a newer version', { ...started, v: 2 }, 'unsupported-version', 'v'],
    ['no version', { ...started, v: undefined }, 'unsupported-version', 'v'],
    ['an empty callId', { ...started, callId: '' }, 'invalid-field', 'callId'],
    ['a seq of 0', { ...started, seq: 0 }, 'invalid-field', 'seq'],
    ['a fractional seq', { ...started, seq: 1.5 }, 'invalid-field', 'seq'],
    ['a local time', { ...started, at: '2024-05-01T12:00:00' }, 'invalid-field', 'at'],
    ['an impossible date', { ...started, at: '2024-13-45T12:00:00Z' }, 'invalid-field', 'at'],
    ['a numeric tenant', { ...started, tenant: 7 }, 'invalid-field', 'tenant'],
    ['a bad direction', { ...started, direction: 'sideways' }, 'invalid-field', 'direction'],
    ['a missing to', { ...started, to: undefined }, 'invalid-field', 'to'],
    ['a huge from', { ...started, from: 'x'.repeat(513) }, 'invalid-field', 'from'],
    ['a bad disposition', { ...ended, disposition: 'lost' }, 'invalid-field', 'disposition'],
    ['a negative duration', { ...ended, durationS: -1 }, 'invalid-field', 'durationS'],
    ['a bad hungUpBy', { ...ended, hungUpBy: 'nobody' }, 'invalid-field', 'hungUpBy'],
    ['a sipStatus of 99', { ...ended, sipStatus: 99 }, 'invalid-field', 'sipStatus'],
    ['a numeric reason', { ...ended, reason: 503 }, 'invalid-field', 'reason'],
    ['an answeredBy without kind', { ...ended, answeredBy: { deviceId: 'd' } }, 'invalid-field', 'answeredBy.kind'],
    ['an answeredBy device without id', { ...ended, answeredBy: { kind: 'device' } }, 'invalid-field', 'answeredBy.deviceId'],
    ['no ringing targets', { ...ringing, targets: [] }, 'invalid-field', 'targets'],
    ['a bad second target', { ...ringing, targets: [{ kind: 'target', target: 'x' }, { kind: 'target' }] }, 'invalid-field', 'targets[1].target'],
  ];
  for (const [what, input, code, field] of cases) {
    it(`answers ${code}${field ? ` on ${field}` : ''} for ${what}`, () => {
      const r = parseCallEvent(input);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.code, code);
      assert.equal(r.field, field);
      assert.ok(r.error.length > 0);
    });
  }

  it('never throws, whatever JSON it is given', () => {
    const mutated = fc.record({ i: fc.nat(6), key: fc.string(), value: fc.jsonValue() }).map(({ i, key, value }) => {
      const e = everyType()[i] as unknown as Record<string, unknown>;
      const keys = Object.keys(e);
      return { ...e, [keys[key.length % keys.length]!]: value };
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (x) => {
        const r = parseCallEvent(x);
        if (r.ok) assert.equal(parseCallEvent(JSON.parse(JSON.stringify(r.event))).ok, true);
      }),
      { numRuns: 500 },
    );
  });
});
