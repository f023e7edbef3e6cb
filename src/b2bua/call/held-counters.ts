/**
 * The Store counters a call occupies (calls in progress per user and per trunk, which the
 * decisions' limits read): taken once a call is admitted, given back when its session settles.
 */
import type { CallRequest, Route } from '../../call/index.js';
import type { CounterName, Store } from '../../state/index.js';

export interface Held {
  name: CounterName;
  id: string;
}

/** The counters a call occupies: its user(s) and the trunks it uses. Refused calls take none. */
export function heldFor(request: CallRequest, route: Route, owner: string): Held[] {
  if (route.kind === 'reject') return [];
  const held: Held[] = [{ name: 'calls.user', id: owner }];
  if (route.kind === 'ring' && route.internal && route.userId !== owner) held.push({ name: 'calls.user', id: route.userId });
  if (request.source.kind === 'trunk') held.push({ name: 'calls.trunk', id: request.source.trunk });
  if (route.kind === 'external' || route.kind === 'emergency') held.push({ name: 'calls.trunk', id: route.trunk });
  return held;
}

/**
 * Takes every counter it can. `taken` are the ones to give back later, also when another
 * could not be taken (`failure`, the first error): a counter incremented and never
 * decremented would hold a user's or a trunk's limit for good.
 */
export async function takeCounters(store: Pick<Store, 'incrCounter'>, held: readonly Held[]): Promise<{ taken: Held[]; failure?: unknown }> {
  const results = await Promise.allSettled(held.map((h) => store.incrCounter(h.name, h.id)));
  const taken = held.filter((_, i) => results[i]?.status === 'fulfilled');
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return failed ? { taken, failure: failed.reason } : { taken };
}
