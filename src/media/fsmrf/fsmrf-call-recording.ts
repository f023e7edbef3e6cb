/**
 * A stereo recording of a bridged FreeSWITCH channel: `uuid_record` puts a media bug on
 * the channel of the endpoint that recordCall() was called on. With RECORD_STEREO the bug
 * writes, per frame, the channel's READ stream on the left and its WRITE stream on the
 * right (switch_core_media_bug_read; RECORD_STEREO_SWAP would exchange them):
 *   - READ  = what FreeSWITCH receives from this endpoint's remote party  → left;
 *   - WRITE = what FreeSWITCH sends to that party, i.e. the bridged peer  → right.
 * That is the MediaPort contract (this endpoint's party left, the peer's right), so the
 * caller is on the left when call control records on the caller's endpoint. We set
 * RECORD_STEREO_SWAP=false explicitly so that a server-wide default cannot flip it.
 * Pause/resume are `mask`/`unmask`: the bug keeps writing frames, as silence, so both
 * channels stay aligned in time.
 */
import type { Clock } from '../../shared/index.js';
import type { CallRecording } from '../media-port.js';

/** What a recording needs from its endpoint. */
export interface RecordingChannel {
  readonly uuid: string;
  /** Sends `api <command> <args>`; rejects with a LinegateError unless FreeSWITCH answers +OK. */
  api(command: string, args: string): Promise<void>;
  /** clock time at which the endpoint went away (FreeSWITCH then closed the file itself). */
  closedAt(): number | undefined;
}

export class FsmrfCallRecording implements CallRecording {
  private result: { readonly path: string; readonly durationMs: number } | undefined;
  private masked = false;

  private constructor(
    readonly path: string,
    private readonly channel: RecordingChannel,
    private readonly clock: Clock,
    private readonly startedAt: number,
  ) {}

  static async start(channel: RecordingChannel, path: string, clock: Clock): Promise<FsmrfCallRecording> {
    await channel.api('uuid_setvar_multi', `${channel.uuid} RECORD_STEREO=true;RECORD_STEREO_SWAP=false`);
    await channel.api('uuid_record', `${channel.uuid} start ${path}`);
    return new FsmrfCallRecording(path, channel, clock, clock.now());
  }

  get stopped(): boolean {
    return this.result !== undefined;
  }

  async pause(): Promise<void> {
    if (this.result || this.masked) return;
    await this.channel.api('uuid_record', `${this.channel.uuid} mask ${this.path}`);
    this.masked = true;
  }

  async resume(): Promise<void> {
    if (this.result || !this.masked) return;
    await this.channel.api('uuid_record', `${this.channel.uuid} unmask ${this.path}`);
    this.masked = false;
  }

  /**
   * FreeSWITCH's reply to `stop` carries no duration, so it is the time between our start
   * and stop (paused stretches included: they are in the file as silence). When the
   * channel already hung up, FreeSWITCH closed the file then, and that is where it ends.
   */
  async stop(): Promise<{ readonly path: string; readonly durationMs: number }> {
    if (this.result) return this.result;
    const gone = this.channel.closedAt();
    if (gone === undefined) await this.channel.api('uuid_record', `${this.channel.uuid} stop ${this.path}`);
    const end = gone ?? this.clock.now();
    this.result = { path: this.path, durationMs: Math.max(0, Math.round(end - this.startedAt)) };
    return this.result;
  }
}
