/**
 * The user's recent calls (Store `recent:<userId>`, read by the control API) kept in step
 * with the call's events: call.started adds the call, call.answered and call.ended fill in
 * its outcome, note.added and opportunity.tagged set its notes flag and opportunity (the
 * annotating user's list). Written from the events so every call path (calls in, out,
 * click-to-call and its opportunity) is listed the same way. Events of one call are
 * observed in order (CallEventWriter), so the entry exists before it is updated. A Store
 * failure is logged, never raised into the call.
 */
import type { Logger } from 'pino';
import type { CallEvent, Party } from '../../events/index.js';
import type { Store } from '../../state/index.js';

export function partyName(p: Party): string {
  return p.kind === 'device' ? p.deviceId : p.target;
}

export class RecentCallRecorder {
  constructor(
    private readonly store: Pick<Store, 'pushRecentCall' | 'updateRecentCall'>,
    private readonly log: Logger,
  ) {}

  async record(e: CallEvent): Promise<void> {
    try {
      await this.apply(e);
    } catch (err) {
      this.log.warn({ err: String(err), callId: e.callId, type: e.type }, 'recent call not updated');
    }
  }

  private async apply(e: CallEvent): Promise<void> {
    switch (e.type) {
      case 'call.started':
        return this.store.pushRecentCall(e.userId, { callId: e.callId, direction: e.direction, from: e.from, to: e.to, startedAt: e.at });
      case 'call.answered':
        await this.store.updateRecentCall(e.userId, e.callId, { answeredAt: e.at, answeredBy: partyName(e.answeredBy) });
        return;
      case 'call.ended':
        await this.store.updateRecentCall(e.userId, e.callId, {
          endedAt: e.at, disposition: e.disposition, durationS: e.durationS,
          ...(e.answeredBy ? { answeredBy: partyName(e.answeredBy) } : {}),
        });
        return;
      case 'note.added':
        await this.store.updateRecentCall(e.userId, e.callId, { hasNotes: true });
        return;
      case 'opportunity.tagged':
        await this.store.updateRecentCall(e.userId, e.callId, { opportunityId: e.opportunityId });
        return;
      default:
        return;
    }
  }
}
