/**
 * A bridge between two embedded endpoints: a Relay each way, and at most one stereo call
 * recording, which ends when the bridge does (unbridge or either side going away).
 */
import type { Clock } from '../../shared/index.js';
import { LinegateError } from '../../shared/index.js';
import { CallRecorder } from './call-recorder.js';
import type { EndpointCore } from './endpoint-core.js';
import { Relay } from './relay.js';

export class BridgeLink<E extends EndpointCore = EndpointCore> {
  private readonly untap: Array<() => void>;
  private recording: CallRecorder | undefined;
  private starting = false;
  private closed = false;

  constructor(
    readonly a: E,
    readonly b: E,
  ) {
    this.untap = [a.addTap(new Relay(b)), b.addTap(new Relay(a))];
  }

  other(of: E): E {
    return of === this.a ? this.b : this.a;
  }

  /** `left` is the endpoint recordCall() was called on; its remote party goes on the left channel. */
  async record(path: string, left: E, clock: Clock): Promise<CallRecorder> {
    if (this.recording || this.starting) throw new LinegateError('MEDIA_BUSY', 'this bridge is already being recorded');
    this.starting = true;
    let rec: CallRecorder;
    try {
      rec = await CallRecorder.start(path, clock, left, this.other(left), () => {
        if (this.recording === rec) this.recording = undefined;
      });
    } catch (err) {
      throw new LinegateError('MEDIA_FILE_NOT_WRITABLE', `cannot record to ${path}`, { cause: err });
    } finally {
      this.starting = false;
    }
    if (this.closed) {
      await rec.stop();
      throw new LinegateError('MEDIA_NOT_BRIDGED', 'the bridge ended while the recording was starting');
    }
    this.recording = rec;
    return rec;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.untap) u();
    await this.recording?.stop();
  }
}
