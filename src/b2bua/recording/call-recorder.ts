/**
 * The recording of one anchored call: a small state machine over MediaEndpoint's
 * recordCall() (caller's endpoint, so the caller is left and the callee right).
 *
 *   idle ──start──▶ starting ──(consent played)──▶ recording ⇄ paused
 *     ▲                 │ stop / end                   │ stop / end
 *     └─────────────────┴──────────────────────────────┘  (the file is finished)
 *
 * Requests run one at a time in arrival order, so a pause sent while the consent
 * announcement plays takes effect once the recording has started. stop() and end() also
 * cut short an announcement already playing: hanging up never waits for it. After end()
 * (the call is over) nothing starts again. A file that never got audio (the call ended
 * while the recording was being opened) is still reported: its duration says so.
 */
import type { Clock } from '../../shared/index.js';
import type { CallRecording } from '../../media/index.js';
import type { AnchoredMedia, FinishedRecording, Logged, RecordingResult, RecordingState } from './recording-types.js';

export interface CallRecorderDeps {
  readonly callId: string;
  /** The user whose policy applies; recording.available names them. */
  readonly userId: string;
  readonly media: AnchoredMedia;
  readonly clock: Clock;
  readonly log: Logged;
  readonly consentPrompt?: string | undefined;
  /** A new file for the next recording of this call (its folder exists). */
  readonly newFile: () => Promise<{ readonly recordingId: string; readonly path: string }>;
  /** A recording's file is finished. */
  readonly onFinished: (done: FinishedRecording) => void;
}

interface Current {
  readonly recording: CallRecording;
  readonly recordingId: string;
  readonly path: string;
  readonly startedAt: number;
}

export class CallRecorder {
  private phase: RecordingState = 'idle';
  private current: Current | undefined;
  private consent: { interrupted: boolean } | undefined;
  private ended = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CallRecorderDeps) {}

  get state(): RecordingState {
    return this.phase;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The file being written, if any (retention must not touch it). */
  get currentPath(): string | undefined {
    return this.current?.path;
  }

  /** Plays the consent announcement to both parties (when configured), then records. */
  start(): Promise<RecordingResult> {
    if (this.ended) return Promise.resolve(callEnded());
    return this.run(() => this.doStart());
  }

  pause(): Promise<RecordingResult> {
    return this.run(async () => {
      const c = this.current;
      if (this.ended) return callEnded();
      if (!c) return notRecording();
      if (this.phase === 'recording') {
        this.phase = 'paused';
        await c.recording.pause();
      }
      return { ok: true, state: this.phase, recordingId: c.recordingId };
    });
  }

  resume(): Promise<RecordingResult> {
    return this.run(async () => {
      const c = this.current;
      if (this.ended) return callEnded();
      if (!c) return notRecording();
      if (this.phase === 'paused') {
        this.phase = 'recording';
        await c.recording.resume();
      }
      return { ok: true, state: this.phase, recordingId: c.recordingId };
    });
  }

  /** Ends the recording in progress (the call goes on); cancels a start still announcing. */
  stop(): Promise<RecordingResult> {
    const cancelled = this.interruptConsent();
    return this.run(async () => {
      const c = this.current;
      if (!c) return cancelled ? { ok: true, state: 'idle' } : this.ended ? callEnded() : notRecording();
      await this.finish(c);
      return { ok: true, state: 'idle', recordingId: c.recordingId };
    });
  }

  /** The call is over: whatever is recording is finished, and nothing starts again. Idempotent. */
  end(): Promise<void> {
    this.ended = true;
    this.interruptConsent();
    return this.run(async () => {
      if (this.current) await this.finish(this.current);
    });
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    const p = this.chain.then(op);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async doStart(): Promise<RecordingResult> {
    if (this.ended) return callEnded();
    if (this.current) return { ok: false, code: 'already-recording', message: 'this call is already being recorded' };
    this.phase = 'starting';
    const announced = await this.announce();
    if (announced !== 'played') {
      this.phase = 'idle';
      if (announced === 'failed') return { ok: false, code: 'media-failed', message: 'the consent announcement could not be played' };
      return this.ended ? callEnded() : notRecording('stopped during the consent announcement');
    }
    let file: { recordingId: string; path: string };
    let recording: CallRecording;
    try {
      file = await this.deps.newFile();
      recording = await this.deps.media.caller.recordCall(file.path);
    } catch (err) {
      this.phase = 'idle';
      this.deps.log.error({ callId: this.deps.callId, err: String(err) }, 'call recording did not start');
      return this.ended ? callEnded() : { ok: false, code: 'media-failed', message: `the recording did not start: ${String(err)}` };
    }
    this.current = { recording, ...file, startedAt: this.deps.clock.now() };
    this.phase = 'recording';
    this.deps.log.info({ callId: this.deps.callId, recordingId: file.recordingId }, 'call recording started');
    if (this.ended) {
      await this.finish(this.current);
      return callEnded();
    }
    return { ok: true, state: 'recording', recordingId: file.recordingId };
  }

  /** Both parties hear the notice at the same time; 'interrupted' when stop() or end() cut it short. */
  private async announce(): Promise<'played' | 'interrupted' | 'failed'> {
    const prompt = this.deps.consentPrompt;
    if (prompt === undefined) return 'played';
    const token = { interrupted: false };
    this.consent = token;
    try {
      const { caller, callee } = this.deps.media;
      await Promise.all([caller.play(prompt), callee.play(prompt)]);
    } catch (err) {
      this.deps.log.error({ callId: this.deps.callId, err: String(err), prompt }, 'consent announcement failed: not recording');
      // The other side may still be playing.
      this.stopPlaying();
      return token.interrupted ? 'interrupted' : 'failed';
    } finally {
      if (this.consent === token) this.consent = undefined;
    }
    return token.interrupted || this.ended ? 'interrupted' : 'played';
  }

  private interruptConsent(): boolean {
    if (!this.consent) return false;
    this.consent.interrupted = true;
    this.stopPlaying();
    return true;
  }

  private stopPlaying(): void {
    for (const ep of [this.deps.media.caller, this.deps.media.callee]) {
      try {
        ep.stopPlay();
      } catch {
        // an endpoint already gone has nothing to stop
      }
    }
  }

  private async finish(c: Current): Promise<void> {
    this.current = undefined;
    this.phase = 'idle';
    let durationMs: number;
    try {
      durationMs = (await c.recording.stop()).durationMs;
    } catch (err) {
      // The media server lost the endpoint first: the file ends where its media did.
      durationMs = Math.max(0, Math.round(this.deps.clock.now() - c.startedAt));
      this.deps.log.warn({ callId: this.deps.callId, recordingId: c.recordingId, err: String(err) }, 'recording stop failed; duration estimated');
    }
    this.deps.log.info({ callId: this.deps.callId, recordingId: c.recordingId, durationMs }, 'call recording finished');
    this.deps.onFinished({ callId: this.deps.callId, userId: this.deps.userId, recordingId: c.recordingId, path: c.path, durationMs });
  }
}

function callEnded(): RecordingResult {
  return { ok: false, code: 'call-ended', message: 'the call has ended' };
}

function notRecording(message = 'this call is not being recorded'): RecordingResult {
  return { ok: false, code: 'not-recording', message };
}
