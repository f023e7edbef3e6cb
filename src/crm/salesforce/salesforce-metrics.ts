/**
 * What the Salesforce client reports (architecture §3: prom-client on an injected registry,
 * names linegate_<area>_<noun>_<unit>, low-cardinality labels).
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ApiCallKind, GovernorState } from './types.js';

export interface SalesforceMetrics {
  /** One HTTP request to Salesforce was sent for this kind of call. */
  apiCalls(kind: ApiCallKind): void;
  /** The governor entered this state. */
  governorState(state: GovernorState): void;
}

/** Gauge values of linegate_crm_governor_state. */
export const GOVERNOR_STATE_VALUE: Readonly<Record<GovernorState, number>> = { normal: 0, slow: 1, paused: 2 };

export const noSalesforceMetrics: SalesforceMetrics = {
  apiCalls() {},
  governorState() {},
};

export function promSalesforceMetrics(registry: Registry): SalesforceMetrics {
  const calls = new Counter({
    name: 'linegate_crm_sf_api_calls_total',
    help: 'Salesforce API requests sent, by kind of call',
    labelNames: ['kind'],
    registers: [registry],
  });
  const state = new Gauge({
    name: 'linegate_crm_governor_state',
    help: 'API governor state: 0 normal, 1 slow (calls spaced out), 2 paused (daily allowance share reached)',
    registers: [registry],
  });
  state.set(0);
  return {
    apiCalls(kind) {
      calls.inc({ kind });
    },
    governorState(s) {
      state.set(GOVERNOR_STATE_VALUE[s]);
    },
  };
}
