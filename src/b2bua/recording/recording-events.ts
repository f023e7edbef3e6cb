/**
 * recording.available, one per finished file, appended under the recorded call's callId.
 * Its seq must continue the call's own (the CRM worker is idempotent on callId + seq and
 * waits for seqs 1…n up to call.ended to be contiguous), and while the call runs the shell
 * owns that counter. So events wait until the call has ended (callEnded), then take their
 * seqs from the injected EventSequence, which answers only once the shell has recorded the
 * call's last seq: the first asks can come too early and are retried on the clock. A
 * recording stopped mid-call is therefore announced when the call ends. Appends never
 * reject; a failure is logged.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import type { EventSequence, FinishedRecording, Logged, RecordingAvailableEvent, RecordingEventSink } from './recording-types.js';

const SEQ_RETRY_MS = 200;
const SEQ_ATTEMPTS = 50;

export interface RecordingEventsDeps {
  readonly sink: RecordingEventSink;
  readonly sequence: EventSequence;
  readonly clock: Clock;
  readonly log: Logged;
  readonly epochNow: () => number;
  readonly urlOf?: ((userId: string, recordingId: string) => string) | undefined;
}

export class RecordingEvents {
  /** Finished files of calls still in progress, by callId. */
  private readonly held = new Map<string, FinishedRecording[]>();
  private readonly waits = new Map<TimerHandle, () => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: RecordingEventsDeps) {}

  /** A file is finished; its event goes out once the call has ended. */
  finished(r: FinishedRecording): void {
    const list = this.held.get(r.callId) ?? [];
    list.push(r);
    this.held.set(r.callId, list);
  }

  /** The call has ended: its files' events are appended, in the order they finished. */
  callEnded(callId: string): Promise<void> {
    const list = this.held.get(callId) ?? [];
    this.held.delete(callId);
    if (list.length === 0) return Promise.resolve();
    const at = new Date(this.deps.epochNow()).toISOString();
    const p = this.appendAll(list, at).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  /** Resolves once every event started so far is appended or given up. */
  async flushed(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops waiting for seqs; events still waiting are given up (and logged). */
  close(): void {
    this.closed = true;
    for (const [h, wake] of this.waits) {
      this.deps.clock.clearTimeout(h);
      wake();
    }
    this.waits.clear();
  }

  private async appendAll(list: readonly FinishedRecording[], at: string): Promise<void> {
    for (const r of list) {
      const seq = await this.seqFor(r.callId, r.userId);
      if (seq === undefined) {
        this.deps.log.error({ callId: r.callId, recordingId: r.recordingId, path: r.path }, 'no event seq for recording.available: not appended');
        continue;
      }
      const url = this.deps.urlOf?.(r.userId, r.recordingId);
      const event: RecordingAvailableEvent = {
        type: 'recording.available', v: 1, callId: r.callId, seq, at, userId: r.userId,
        recordingId: r.recordingId, path: r.path, ...(url !== undefined ? { url } : {}),
        durationMs: Math.max(0, Math.round(r.durationMs)), channels: 2, layout: 'caller-left,callee-right',
      };
      try {
        await this.deps.sink.append(event);
      } catch (err) {
        this.deps.log.error({ callId: r.callId, recordingId: r.recordingId, err: String(err) }, 'recording.available not appended');
      }
    }
  }

  private async seqFor(callId: string, userId: string): Promise<number | undefined> {
    for (let attempt = 0; attempt < SEQ_ATTEMPTS && !this.closed; attempt++) {
      try {
        return await this.deps.sequence.next(callId, userId);
      } catch (err) {
        this.deps.log.debug({ callId, err: String(err), attempt }, 'call seq not recorded yet');
        await this.wait(SEQ_RETRY_MS);
      }
    }
    return undefined;
  }

  private wait(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const h = this.deps.clock.setTimeout(() => {
        this.waits.delete(h);
        resolve();
      }, ms);
      this.waits.set(h, resolve);
    });
  }
}
