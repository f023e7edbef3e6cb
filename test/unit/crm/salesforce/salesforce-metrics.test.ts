import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { promSalesforceMetrics } from '../../../../src/crm/index.js';

describe('promSalesforceMetrics', () => {
  it('counts API calls by kind and shows the governor state', async () => {
    const registry = new Registry();
    const m = promSalesforceMetrics(registry);
    m.apiCalls('sosl');
    m.apiCalls('sosl');
    m.apiCalls('collections');
    m.governorState('paused');
    const text = await registry.metrics();
    assert.match(text, /linegate_crm_sf_api_calls_total\{kind="sosl"\} 2/);
    assert.match(text, /linegate_crm_sf_api_calls_total\{kind="collections"\} 1/);
    assert.match(text, /linegate_crm_governor_state 2/);
  });
});
