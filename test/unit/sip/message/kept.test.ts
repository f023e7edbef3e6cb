import assert from 'node:assert/strict';
import { keepBytes, keptBuffer, ownString } from '../../../../src/sip/message/index.js';
import { ownString as sharedOwnString } from '../../../../src/shared/index.js';

describe('sip/message kept: bytes kept for re-sending', () => {
  it('keepBytes / keptBuffer round-trip every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const kept = keepBytes(all);
    assert.equal(kept.length, 256);
    assert.deepEqual(keptBuffer(kept), all);
  });

  it('re-exports the shared ownString (the memory test is test/unit/shared/own-string.test.ts)', () => {
    assert.equal(ownString, sharedOwnString);
  });
});
