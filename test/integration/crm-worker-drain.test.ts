/**
 * The small version of load-tests/crm-drain.ts: 1,000 call events drained by a warm worker
 * into the emulator must cost at most 0.1 Salesforce API calls per Task (issue #4), in
 * both write modes. Timings are printed, never asserted.
 */
import assert from 'node:assert/strict';
import { formatDrain, runCrmDrain } from '../../load-tests/crm-drain.js';

describe('CRM drain: API calls per Task', function () {
  this.timeout(60_000);
  for (const ext of [true, false]) {
    it(`${ext ? 'external-id upserts' : 'CallObject lookups'}: 1,000 events, every call one Task, ≤ 0.1 API calls per Task`, async () => {
      const r = await runCrmDrain({ events: 1000, numbers: 40, known: 0.75, ext, seed: 42 });
      console.log(formatDrain(r).replace(/^/gm, '      '));
      assert.equal(r.tasks, r.calls);
      assert.ok(r.apiPerTask <= 0.1, `${r.apiPerTask} API calls per Task`);
      assert.equal(r.apiCalls['sosl'] ?? 0, 0, 'a warm cache: no lookups');
    });
  }
});
