import type { LineUser } from './line-user.js';
import type { Policy } from './policy.js';
import type { Snapshot } from './snapshot.js';

/** Everything a routing decision reads; pure data, so a decision is a function of it. */
export interface DecisionContext {
  policy: Policy;
  snapshot: Snapshot;
  /** Every user of the domain: internal calls are routed through the callee's own plan. */
  directory: readonly LineUser[];
}
