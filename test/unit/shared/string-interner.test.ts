import assert from 'node:assert/strict';
import { StringInterner } from '../../../src/shared/index.js';
import { bigMessage, retainedBytes } from '../../helpers/heap-retained.js';

describe('shared/StringInterner', () => {
  it('gives one instance per value, equal to it', () => {
    const t = new StringInterner(10);
    const a = t.intern(['127', '0', '0', '1'].join('.'));
    const b = t.intern(['127', '0', '0', '1'].join('.'));
    assert.equal(a, '127.0.0.1');
    assert.ok(Object.is(a, b));
    assert.equal(t.size, 1);
  });

  it('stays within its capacity whatever comes in', () => {
    const t = new StringInterner(100);
    for (let i = 0; i < 1000; i++) {
      assert.equal(t.intern(`10.0.${i >> 8}.${i & 255}`), `10.0.${i >> 8}.${i & 255}`);
      assert.ok(t.size <= 100);
    }
  });

  it('keeps a copy of its own, not the message a value was sliced from (the test can fail)', async () => {
    const t = new StringInterner(2000);
    const retained = await retainedBytes(() => {
      for (let i = 0; i < 1000; i++) t.intern(bigMessage(i, 20_000).slice(100, 130) + String(i).padStart(4, '0'));
      return t;
    });
    assert.equal(t.size, 1000);
    assert.ok(retained < 2_000_000, `the table retained ${retained} bytes (20 MB of messages)`);
  });

  it('keeps one copy per value: the key of its table is the instance it hands out (the test can fail)', async () => {
    const t = new StringInterner(4000);
    const values = Array.from({ length: 2000 }, (_, i) => `${i}:`.padEnd(1000, 'x'));
    const retained = await retainedBytes(() => {
      for (const v of values) t.intern(v);
      return t;
    });
    // One copy of 2000 × 1000 one-byte characters is ~2 MB (measured with the Maps: ~3.3 MB);
    // a key copied apart from the value adds another ~2 MB (measured: ~5.1 MB).
    assert.ok(retained < 4_200_000, `the table retained ${retained} bytes for 2 MB of values`);
    assert.ok(retained > 1_900_000, `the measurement sees the copies (${retained} bytes)`);
  });
});
