import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDeadLetterStore, type DeadLetter } from '../../../../src/crm/worker/dead-letter-store.js';
import { callEvents } from '../../../helpers/crm-calls.js';

const letter = (callId: string): DeadLetter => ({
  v: 1, at: '2024-05-01T12:00:00.000Z', callKey: `gw1:${callId}`, gatewayId: 'gw1', callId,
  code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', reason: 'no', fields: ['Subject'], attempts: 1, events: callEvents({ callId }),
});

describe('FileDeadLetterStore', () => {
  let dir = '';
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'linegate-dead-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends durably, takes everything aside for a replay and forgets it only on done()', async () => {
    const store = new FileDeadLetterStore({ dir });
    await store.add([letter('a'), letter('b')]);
    await store.add([letter('c')]);
    await appendFile(store.path, '{"v":1,"callKey":"torn');
    assert.equal(await store.count(), 3);
    const batch = await store.take();
    assert.deepEqual(batch.entries.map((e) => e.callId), ['a', 'b', 'c']);
    await store.add([letter('d')]); // arrives during the replay: not part of it
    assert.equal(await store.count(), 1);
    // A crash before done(): the next take() returns the taken entries again (idempotent replay).
    const again = await new FileDeadLetterStore({ dir }).take();
    assert.deepEqual(again.entries.map((e) => e.callId).sort(), ['a', 'b', 'c', 'd']);
    await again.done();
    await batch.done();
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('replaying-')), []);
    assert.equal(await store.count(), 0);
  });
});
