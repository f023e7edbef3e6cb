/**
 * The engine's counters as Prometheus metrics (names `linegate_<area>_<noun>_<unit>`,
 * no high-cardinality labels). Read at scrape time from Engine.metrics().
 */
import type { MetricSpec } from './observability/index.js';
import type { EngineMetrics } from './sip/index.js';

export function engineMetricSpecs(read: () => EngineMetrics): MetricSpec[] {
  const c = (name: string, help: string, pick: (m: EngineMetrics) => number): MetricSpec => ({ name, help, kind: 'counter', read: () => pick(read()) });
  const g = (name: string, help: string, pick: (m: EngineMetrics) => number): MetricSpec => ({ name, help, kind: 'gauge', read: () => pick(read()) });
  return [
    c('linegate_sip_requests_received_total', 'SIP requests parsed from the network', (m) => m.requestsIn),
    c('linegate_sip_responses_received_total', 'SIP responses parsed from the network', (m) => m.responsesIn),
    c('linegate_sip_parse_errors_total', 'Messages that could not be parsed or framed (answered 400 or dropped)', (m) => m.parseErrors),
    c('linegate_sip_bad_requests_total', 'Parsed requests refused by the stateless checks (400/416/505…)', (m) => m.badRequests),
    c('linegate_sip_no_app_total', 'New requests answered 503 because no app routed the method', (m) => m.noApp503),
    c('linegate_sip_internal_errors_total', 'Messages dropped because handling them threw (a bug: see the logs)', (m) => m.internalErrors),
    c('linegate_edge_scanner_rejected_total', 'Scanner requests answered 403 (UDP)', (m) => m.scannerRejected),
    c('linegate_edge_scanner_dropped_total', 'Scanner requests dropped (TCP, or ACK)', (m) => m.scannerDropped),
    c('linegate_edge_rate_limited_total', 'Requests dropped by the per-source rate limit', (m) => m.rateLimited),
    c('linegate_edge_bans_total', 'Sources banned for flooding', (m) => m.bansStarted),
    g('linegate_edge_active_bans', 'Sources banned right now', (m) => m.activeBans),
    g('linegate_sip_dialogs', 'Dialogs held by the engine', (m) => m.dialogs),
    g('linegate_sip_client_transactions', 'Client transactions in progress', (m) => m.clientTransactions),
    g('linegate_sip_server_transactions', 'Server transactions in progress', (m) => m.serverTransactions),
    g('linegate_wire_apps', 'Apps connected over the drachtio wire protocol', (m) => m.wire.apps ?? 0),
  ];
}
