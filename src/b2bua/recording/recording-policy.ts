/**
 * Recording policy (issue #5, dialplan `users[].recording`): `never`, `always` (from the
 * answer), or `on-demand` (started, paused, resumed and stopped over the control API).
 * Media can only be recorded where it passes through us, so a call whose policy allows
 * recording at all is anchored from the start: on-demand cannot move the media later
 * without re-INVITEing both parties. Every other call keeps its media end to end.
 */
import type { RecordingPolicy } from '../../config/index.js';

export type { RecordingPolicy };

const STRENGTH: Readonly<Record<RecordingPolicy, number>> = { never: 0, 'on-demand': 1, always: 2 };

/** True when the call's media must go through a MediaAnchor. */
export function needsAnchor(policy: RecordingPolicy): boolean {
  return policy !== 'never';
}

/**
 * The policy of a call between several users (an internal call has two): the strongest
 * wins, so a user who must be recorded is recorded whoever they talk to. `never` when
 * there is none.
 */
export function strongestPolicy(policies: readonly RecordingPolicy[]): RecordingPolicy {
  let best: RecordingPolicy = 'never';
  for (const p of policies) if (STRENGTH[p] > STRENGTH[best]) best = p;
  return best;
}

/** What a user may do over the control API under a policy. */
export type RecordingAction = 'start' | 'pause' | 'resume' | 'stop';

/**
 * `never` allows nothing. `always` allows pause and resume (to keep a card number out of
 * the file, as PCI DSS asks) and a start that retries a failed one, but never a stop.
 * `on-demand` allows everything.
 */
export function allows(policy: RecordingPolicy, action: RecordingAction): boolean {
  if (policy === 'never') return false;
  if (policy === 'always') return action !== 'stop';
  return true;
}
