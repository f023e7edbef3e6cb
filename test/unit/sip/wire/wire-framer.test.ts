import assert from 'node:assert/strict';
import { WireFramer, encodeWireMessage, type WireFramingErrorCode } from '../../../../src/sip/wire/index.js';

type Event = { payload: string } | { error: WireFramingErrorCode };

function framer(maxDigits?: number): { f: WireFramer; events: Event[] } {
  const events: Event[] = [];
  const f = new WireFramer(
    { onMessage: (payload) => events.push({ payload }), onError: (error) => events.push({ error }) },
    maxDigits === undefined ? {} : { maxDigits },
  );
  return { f, events };
}

/** Feeds `bytes` whole and byte by byte; both must give `expected`. */
function expectEvents(bytes: Buffer, expected: Event[], maxDigits?: number): void {
  const whole = framer(maxDigits);
  whole.f.push(bytes);
  assert.deepEqual(whole.events, expected, 'one chunk');
  const split = framer(maxDigits);
  for (const b of bytes) split.f.push(Buffer.from([b]));
  assert.deepEqual(split.events, expected, 'byte by byte');
}

describe('WireFramer (drachtio wire protocol §2)', () => {
  it('frames a single message', () => {
    expectEvents(Buffer.from('12#abc|ping|xyz'), [{ payload: 'abc|ping|xyz' }]);
  });

  it('counts the length in UTF-8 bytes, and decodes characters split across chunks', () => {
    const payload = 'id|sip|\r\nINVITE sip:é@x SIP/2.0 — 😀';
    const encoded = encodeWireMessage(payload);
    assert.equal(encoded.toString('latin1').split('#')[0], String(Buffer.byteLength(payload)));
    assert.notEqual(Buffer.byteLength(payload), payload.length);
    expectEvents(encoded, [{ payload }]);
  });

  it('frames many messages in one chunk', () => {
    const payloads = ['a', 'bb|cc', '', 'ddd', '0#1#2'];
    expectEvents(Buffer.concat(payloads.map(encodeWireMessage)), payloads.map((payload) => ({ payload })));
  });

  it('handles a split inside the length prefix', () => {
    const { f, events } = framer();
    f.push(Buffer.from('1'));
    f.push(Buffer.from('0'));
    assert.deepEqual(events, []);
    f.push(Buffer.from('#0123'));
    f.push(Buffer.from('456789' + '3#'));
    assert.deepEqual(events, [{ payload: '0123456789' }]);
    f.push(Buffer.from('x#y'));
    assert.deepEqual(events, [{ payload: '0123456789' }, { payload: 'x#y' }]);
  });

  it('takes `#` and digits inside a payload as payload', () => {
    expectEvents(Buffer.from('7#12#34#53#abc'), [{ payload: '12#34#5' }, { payload: 'abc' }]);
  });

  it('accepts 5 digits and rejects a 6th digit (server side), then stops', () => {
    const five = encodeWireMessage('x'.repeat(10_000));
    expectEvents(five, [{ payload: 'x'.repeat(10_000) }]);
    expectEvents(Buffer.from('100000#abc3#abc'), [{ error: 'length-too-long' }]);
    expectEvents(Buffer.from('000001#a'), [{ error: 'length-too-long' }]);
  });

  it('accepts longer prefixes when maxDigits allows', () => {
    expectEvents(Buffer.from('0000001#a'), [{ payload: 'a' }], 7);
  });

  it('rejects a non-digit before `#`, and an empty length', () => {
    expectEvents(Buffer.from('3#abc1x#a'), [{ payload: 'abc' }, { error: 'length-not-digit' }]);
    expectEvents(Buffer.from(' 1#a'), [{ error: 'length-not-digit' }]);
    expectEvents(Buffer.from('-1#a'), [{ error: 'length-not-digit' }]);
    expectEvents(Buffer.from('#a'), [{ error: 'length-empty' }]);
  });

  it('ignores input after an error', () => {
    const { f, events } = framer();
    f.push(Buffer.from('x'));
    f.push(Buffer.from('1#a'));
    assert.deepEqual(events, [{ error: 'length-not-digit' }]);
    assert.equal(f.isStopped, true);
  });

  it('refuses a maxDigits outside 1..15', () => {
    assert.throws(() => framer(0), RangeError);
    assert.throws(() => framer(16), RangeError);
  });

  it('encodes `<byte length>#<payload>`', () => {
    assert.equal(encodeWireMessage('').toString(), '0#');
    assert.equal(encodeWireMessage('é|x').toString('utf8'), '4#é|x');
  });
});
