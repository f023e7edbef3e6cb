import assert from 'node:assert/strict';
import { createRegistry, exposeMetrics, ObservabilityServer } from '../../../src/observability/index.js';

describe('metrics endpoint', () => {
  it('serves counters and gauges read at scrape time, /healthz, and /readyz that follows drain', async () => {
    let requests = 3;
    let dialogs = 7;
    let ready = true;
    const registry = createRegistry();
    exposeMetrics(registry, [
      { name: 'linegate_test_requests_total', help: 'h', kind: 'counter', read: () => requests },
      { name: 'linegate_test_dialogs', help: 'h', kind: 'gauge', read: () => dialogs },
    ]);
    const server = new ObservabilityServer({ address: '127.0.0.1', port: 0, registry, ready: () => ready });
    await server.start();
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      let text = await (await fetch(`${base}/metrics`)).text();
      assert.match(text, /^linegate_test_requests_total 3$/m);
      assert.match(text, /^linegate_test_dialogs 7$/m);
      requests = 10;
      dialogs = 2;
      text = await (await fetch(`${base}/metrics`)).text();
      assert.match(text, /^linegate_test_requests_total 10$/m);
      assert.match(text, /^linegate_test_dialogs 2$/m);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      ready = false;
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      assert.equal((await fetch(`${base}/nope`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
