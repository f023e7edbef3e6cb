/**
 * Call recording (issue #5): policy per user, a CallRecorder per anchored call, the
 * recording.available events and retention. Call control reaches it through small hooks
 * (docs/recording.md):
 *   - before the callee legs go out: needsAnchor(userIds) → route the media through a
 *     MediaAnchor (other calls keep their media end to end);
 *   - once the call is answered and bridged: callAnswered({ callId, userIds, media });
 *     `always` starts recording here;
 *   - when the call ends: callEnded(callId) (closing the anchor does it too);
 *   - the control API: startRecording / pauseRecording / resumeRecording / stopRecording.
 * Results are values (RecordingResult), never exceptions, so the API maps them to statuses
 * with RECORDING_REFUSAL_STATUS.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingPolicy } from '../../config/index.js';
import type { TimerHandle } from '../../shared/index.js';
import { CallRecorder } from './call-recorder.js';
import { RecordingEvents } from './recording-events.js';
import { allows, needsAnchor, strongestPolicy, type RecordingAction } from './recording-policy.js';
import type {
  AnsweredCall, Logged, RecordingResult, RecordingServiceOptions, RecordingState,
} from './recording-types.js';
import { DAY_MS, sweepRecordings, type SweepResult } from './retention-sweep.js';

const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

interface RecordedCall {
  readonly userIds: readonly string[];
  readonly policy: RecordingPolicy;
  readonly recorder: CallRecorder;
  ending?: Promise<void>;
}

export class RecordingService {
  private readonly policies: ReadonlyMap<string, RecordingPolicy>;
  private readonly calls = new Map<string, RecordedCall>();
  private readonly log: Logged;
  private readonly events: RecordingEvents;
  private readonly epochNow: () => number;
  private sweepTimer: TimerHandle | undefined;
  private sweeping: Promise<SweepResult> | undefined;
  private closed = false;

  constructor(private readonly o: RecordingServiceOptions) {
    if (o.retentionDays !== undefined && !(o.retentionDays > 0)) throw new RangeError(`retentionDays must be > 0, got ${o.retentionDays}`);
    this.policies = new Map(o.users.map((u) => [u.id, u.recording]));
    this.log = o.logger.child({ component: 'recording' });
    this.epochNow = o.epochNow ?? Date.now;
    this.events = new RecordingEvents({
      sink: o.events, sequence: o.sequence, clock: o.clock, log: this.log, epochNow: this.epochNow, urlOf: o.urlOf,
    });
  }

  /** The policy of a call between these users (the strongest; `never` for unknown users). */
  policyOf(userIds: readonly string[]): RecordingPolicy {
    return strongestPolicy(userIds.map((id) => this.policies.get(id) ?? 'never'));
  }

  /** Whether a call between these users must be anchored (its policy is not `never`). */
  needsAnchor(userIds: readonly string[]): boolean {
    return needsAnchor(this.policyOf(userIds));
  }

  /**
   * An anchored call was answered and bridged. Under `always` recording starts now (the
   * promise settles once it has, after the consent announcement); otherwise the call waits
   * for the control API and the promise resolves undefined.
   */
  callAnswered(call: AnsweredCall): Promise<RecordingResult | undefined> {
    if (this.closed || this.calls.has(call.callId)) return Promise.resolve(undefined);
    const policy = this.policyOf(call.userIds);
    const owner = call.userIds.find((id) => this.policies.get(id) === policy) ?? call.userIds[0] ?? 'unknown';
    const recorder = new CallRecorder({
      callId: call.callId, userId: owner, media: call.media, clock: this.o.clock, log: this.log,
      consentPrompt: this.o.consentPrompt,
      newFile: () => this.newFile(owner),
      onFinished: (done) => this.events.finished(done),
    });
    this.calls.set(call.callId, { userIds: call.userIds, policy, recorder });
    void call.media.closed?.then(() => this.callEnded(call.callId));
    return policy === 'always' ? recorder.start() : Promise.resolve(undefined);
  }

  /** The call is over: its recording is finished and its events go out. Idempotent. */
  callEnded(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return Promise.resolve();
    call.ending ??= call.recorder.end()
      .then(() => {
        this.calls.delete(callId);
        return this.events.callEnded(callId);
      });
    return call.ending;
  }

  /** The recording state of a call in progress, undefined when the service does not know it. */
  state(callId: string): RecordingState | undefined {
    return this.calls.get(callId)?.recorder.state;
  }

  // The control API. `userId` must be one of the call's users (else not-found, which does
  // not tell a stranger that the call exists). A user whose own policy is `never` is refused
  // (409) whatever the call: their calls are not anchored, so this service never learns of
  // them, and the answer must not depend on the call either way (docs/recording.md, Policy).

  startRecording(userId: string, callId: string): Promise<RecordingResult> {
    return this.control(userId, callId, 'start', (r) => r.start());
  }

  pauseRecording(userId: string, callId: string): Promise<RecordingResult> {
    return this.control(userId, callId, 'pause', (r) => r.pause());
  }

  resumeRecording(userId: string, callId: string): Promise<RecordingResult> {
    return this.control(userId, callId, 'resume', (r) => r.resume());
  }

  stopRecording(userId: string, callId: string): Promise<RecordingResult> {
    return this.control(userId, callId, 'stop', (r) => r.stop());
  }

  /** Deletes recordings older than retentionDays (none when retention is not set). */
  sweep(): Promise<SweepResult> {
    const days = this.o.retentionDays;
    if (days === undefined) return Promise.resolve({ deleted: [], kept: 0, failed: [] });
    this.sweeping ??= this.runSweep(days).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Sweeps now and then every sweepIntervalMs on the injected clock, until close(). */
  start(): void {
    if (this.closed || this.sweepTimer || this.o.retentionDays === undefined) return;
    const tick = (): void => {
      void this.sweep();
      this.sweepTimer = this.o.clock.setTimeout(tick, this.o.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    };
    tick();
  }

  /** Stops sweeping, finishes every recording in progress and waits for their events. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    await Promise.all([...this.calls.keys()].map((id) => this.callEnded(id)));
    await this.sweeping?.catch(() => undefined);
    await this.events.flushed();
  }

  /** Stops now: events still waiting for their call's seq are given up. */
  destroy(): void {
    this.closed = true;
    this.o.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.events.close();
  }

  private async control(
    userId: string, callId: string, action: RecordingAction, op: (r: CallRecorder) => Promise<RecordingResult>,
  ): Promise<RecordingResult> {
    const call = this.calls.get(callId);
    if ((!call || !call.userIds.includes(userId)) && (this.policies.get(userId) ?? 'never') === 'never') {
      return { ok: false, code: 'not-allowed-by-policy', message: `recording policy 'never' of ${userId} does not allow ${action}` };
    }
    if (!call || !call.userIds.includes(userId)) {
      return { ok: false, code: 'not-found', message: `no call ${callId} of ${userId} in progress here` };
    }
    if (!allows(call.policy, action)) {
      return { ok: false, code: 'not-allowed-by-policy', message: `recording policy '${call.policy}' does not allow ${action}` };
    }
    const result = await op(call.recorder);
    this.log.info({ callId, userId, action, result }, 'recording control');
    return result;
  }

  private async newFile(userId: string): Promise<{ recordingId: string; path: string }> {
    const stamp = new Date(this.epochNow()).toISOString().replace(/[:.]/g, '-');
    const recordingId = `${stamp}-${randomUUID().slice(0, 8)}`;
    const folder = join(this.o.dir, safeSegment(userId));
    await mkdir(folder, { recursive: true });
    return { recordingId, path: join(folder, `${recordingId}.wav`) };
  }

  private async runSweep(days: number): Promise<SweepResult> {
    const inUse = new Set<string>();
    for (const c of this.calls.values()) {
      const p = c.recorder.currentPath;
      if (p) inUse.add(p);
    }
    const result = await sweepRecordings(this.o.dir, this.epochNow() - days * DAY_MS, inUse);
    if (result.deleted.length > 0 || result.failed.length > 0) {
      this.log.info({ deleted: result.deleted.length, kept: result.kept, failed: result.failed }, 'recording retention sweep');
    }
    return result;
  }
}

/** A user id as one folder name: no separators, no `..`. */
export function safeSegment(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._@+-]/g, '_');
  return s === '' || /^\.+$/.test(s) ? '_' : s;
}
