/**
 * What the CRM worker needs from the rest of linegate, as interfaces the worker owns
 * (architecture §2: adapters never import each other; the composition root, crm-main.ts,
 * hands in the Store and the EventLog, which satisfy these structurally).
 *
 * The call-event schema itself is a contract shared by producer and consumer, so crm
 * imports its *types* from src/events (type-only; .dependency-cruiser.cjs allows exactly that).
 */
import type { CallEvent } from '../events/index.js';

/** JSON values as the Store keeps them. */
export type CrmJson = null | boolean | number | string | readonly CrmJson[] | { readonly [key: string]: CrmJson };

/** The Store's kv space (TTL'd JSON values), shared by every gateway and worker of one deployment. */
export interface CrmKv {
  kvGet(key: string): Promise<CrmJson | undefined>;
  kvSet(key: string, value: CrmJson, ttlMs: number, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
  kvDelete(key: string): Promise<boolean>;
}

export interface CrmLoggedEvent {
  readonly id: string;
  readonly event: CallEvent;
}

/** The call-event log seen through one consumer group (at-least-once; see src/events/event-log.ts). */
export interface CrmEventSource {
  read(group: string, consumer: string, max: number, blockMs: number): Promise<CrmLoggedEvent[]>;
  claimStale(group: string, consumer: string, minIdleMs: number, max: number): Promise<CrmLoggedEvent[]>;
  ack(group: string, ids: readonly string[]): Promise<number>;
  pending(group: string): Promise<number>;
  oldestPendingAgeMs(group: string): Promise<number>;
}
