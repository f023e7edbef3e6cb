/**
 * Carries out a checked REGISTER on the Store (RFC 3261 §10.3 steps 6–7). The request
 * is all or nothing as far as the registrar can see: ordering (same Call-ID, CSeq not
 * higher) and the binding limit are checked against the current bindings before the
 * first write. The Store checks ordering again per binding, which covers a concurrent
 * REGISTER slipping in between (then the request fails part-way, as it would have
 * failed had it come second).
 */
import { bindingId, type Binding, type LiveBinding, type Store } from '../../state/index.js';
import type { ContactChange, RegisterPlan, Refusal } from './register-request.js';

/** Not a 4xx: the UA did nothing wrong that it could fix by changing the request (RFC 3261 §10.3 step 7 says "fails"). */
const OUT_OF_ORDER: Refusal = { status: 500, reason: 'Out Of Order REGISTER' };
const TOO_MANY: Refusal = { status: 403, reason: 'Too Many Contacts' };

/** Undefined when done; otherwise what to answer. */
export async function applyPlan(store: Store, aor: string, plan: RegisterPlan, maxBindings: number): Promise<Refusal | undefined> {
  switch (plan.type) {
    case 'Query':
      return undefined;
    case 'RemoveAll':
      return (await store.removeAllBindings(aor, plan.callId, plan.cseq)) === 'out-of-order' ? OUT_OF_ORDER : undefined;
    case 'Update':
      return applyChanges(store, aor, plan.changes, maxBindings);
  }
}

async function applyChanges(store: Store, aor: string, changes: readonly ContactChange[], maxBindings: number): Promise<Refusal | undefined> {
  const current = new Map((await store.listBindings(aor)).map((b) => [bindingId(b), b]));
  const precheck = check(current, changes, maxBindings);
  if (precheck) return precheck;
  for (const c of changes) {
    const result = c.expiresS === 0
      ? await store.removeBinding(aor, c.binding)
      : await store.putBinding(aor, c.binding, c.expiresS * 1000, maxBindings);
    if (result === 'out-of-order') return OUT_OF_ORDER;
    if (result === 'too-many') return TOO_MANY;
  }
  return undefined;
}

function check(current: ReadonlyMap<string, LiveBinding>, changes: readonly ContactChange[], maxBindings: number): Refusal | undefined {
  let count = current.size;
  for (const c of changes) {
    const stored = current.get(bindingId(c.binding));
    if (stored && outOfOrder(stored, c.binding)) return OUT_OF_ORDER;
    if (!stored && c.expiresS > 0) count++;
    if (stored && c.expiresS === 0) count--;
  }
  return count > maxBindings ? TOO_MANY : undefined;
}

/** §10.3 step 7: the same Call-ID may only move forward. */
function outOfOrder(stored: Binding, incoming: Binding): boolean {
  return stored.callId === incoming.callId && stored.cseq >= incoming.cseq;
}
