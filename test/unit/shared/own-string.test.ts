import assert from 'node:assert/strict';
import { ownString } from '../../../src/shared/index.js';
import { bigMessage, retainedBytes } from '../../helpers/heap-retained.js';

const MESSAGES = 1000;
const MESSAGE_BYTES = 20_000;

/** Heap left reachable once `keep` has picked a 60-character value out of each of MESSAGES big texts. */
function retainedBy(keep: (slice: string) => string): Promise<number> {
  return retainedBytes(() => {
    const kept: string[] = [];
    for (let i = 0; i < MESSAGES; i++) kept.push(keep(bigMessage(i, MESSAGE_BYTES).slice(100, 160)));
    return kept;
  });
}

describe('shared/ownString: a string that pins nothing else', () => {
  it('gives the same characters, whatever they are', () => {
    for (const s of ['', 'z9hG4bK-1\n127.0.0.1:5060\nINVITE', 'émoji 😀 and a lone \ud800 surrogate', 'x'.repeat(5000)]) {
      assert.equal(ownString(s), s);
    }
  });

  it('a slice kept as it is pins its whole message; ownString of it does not (the test can fail)', async () => {
    const pinned = await retainedBy((slice) => slice);
    const owned = await retainedBy(ownString);
    // The control: V8 keeps every 20 kB parent of the 60-character slices.
    assert.ok(pinned > (MESSAGES * MESSAGE_BYTES) / 2, `slices retained only ${pinned} bytes`);
    // Owned copies cost ~100 bytes each, not the 20 kB message.
    assert.ok(owned < (MESSAGES * MESSAGE_BYTES) / 20, `owned copies retained ${owned} bytes`);
  });
});
