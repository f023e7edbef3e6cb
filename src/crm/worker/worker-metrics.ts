/**
 * The worker's metrics (architecture §3: prom-client on an injected registry, names
 * `linegate_crm_*`, labels of low cardinality). Salesforce API calls by kind and the
 * governor's state are the client's (crm/salesforce promSalesforceMetrics:
 * linegate_crm_sf_api_calls_total{kind}, linegate_crm_governor_state), registered next to
 * these by crm-main.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ErrorClass } from './worker-ports.js';

export interface CrmWorkerMetrics {
  eventsConsumed(n: number): void;
  tasksCreated(n: number): void;
  tasksUpdated(n: number): void;
  deadLettered(n: number): void;
  recordRetried(kind: ErrorClass | 'outage' | 'subtype' | 'caller', n: number): void;
  notificationFailed(): void;
  oldestUnackedAgeMs(ms: number): void;
  heldCalls(n: number): void;
}

export const noCrmWorkerMetrics: CrmWorkerMetrics = {
  eventsConsumed: () => undefined,
  tasksCreated: () => undefined,
  tasksUpdated: () => undefined,
  deadLettered: () => undefined,
  recordRetried: () => undefined,
  notificationFailed: () => undefined,
  oldestUnackedAgeMs: () => undefined,
  heldCalls: () => undefined,
};

export function promCrmWorkerMetrics(registry: Registry): CrmWorkerMetrics {
  const r = [registry];
  const consumed = new Counter({ name: 'linegate_crm_events_consumed_total', help: 'Call events read from the log by the CRM worker (redeliveries included).', registers: r });
  const created = new Counter({ name: 'linegate_crm_tasks_created_total', help: 'Salesforce Tasks created.', registers: r });
  const updated = new Counter({ name: 'linegate_crm_tasks_updated_total', help: 'Salesforce Tasks updated (notes, opportunity tags, repeated writes).', registers: r });
  const dead = new Counter({ name: 'linegate_crm_dead_letters_total', help: 'Calls (or later events of a call) dead-lettered.', registers: r });
  const retries = new Counter({ name: 'linegate_crm_record_retries_total', help: 'Task writes scheduled again, by reason class.', labelNames: ['class'], registers: r });
  const notifyFailed = new Counter({ name: 'linegate_crm_notifications_failed_total', help: 'Dead-letter notifications (webhook or mail) that failed.', registers: r });
  const age = new Gauge({ name: 'linegate_crm_oldest_unacked_event_age_seconds', help: 'Age of the oldest call event the crm group has not acknowledged.', registers: r });
  const held = new Gauge({ name: 'linegate_crm_held_calls', help: 'Calls the worker holds in memory (in progress or waiting to be written).', registers: r });
  return {
    eventsConsumed: (n) => consumed.inc(n),
    tasksCreated: (n) => created.inc(n),
    tasksUpdated: (n) => updated.inc(n),
    deadLettered: (n) => dead.inc(n),
    recordRetried: (kind, n) => retries.inc({ class: kind }, n),
    notificationFailed: () => notifyFailed.inc(),
    oldestUnackedAgeMs: (ms) => age.set(ms / 1000),
    heldCalls: (n) => held.set(n),
  };
}
