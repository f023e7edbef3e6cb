/**
 * The media side of one voicemail call, as the deposit and the retrieval menu use it:
 * prompts by name, the caller's digits, recordings. The caller can hang up at any moment;
 * from then on every operation throws CallerGone, which unwinds the flow to its end
 * (the flows catch it once, at the top). Other media failures pass through unchanged.
 */
import type { CollectOptions, MediaEndpoint, PlayResult, PromptName, RecordOptions, RecordResult } from '../../media/index.js';
import { promptPath } from '../../media/index.js';

/** Thrown inside a voicemail flow once the caller is gone; never escapes the flow. */
export class CallerGone extends Error {
  constructor() {
    super('the caller hung up');
    this.name = 'CallerGone';
  }
}

const ENDPOINT_GONE = 'MEDIA_ENDPOINT_GONE';

export class IvrMedia {
  private gone = false;
  private digitCut = false;

  constructor(
    readonly endpoint: MediaEndpoint,
    private readonly promptsDir: string,
  ) {
    void endpoint.closed.then(() => (this.gone = true), () => (this.gone = true));
  }

  get isGone(): boolean {
    return this.gone;
  }

  /**
   * Whether the last play was cut short by the caller's digit. That digit waits in the
   * endpoint's type-ahead for the next collect, and a new play would clear it (MediaPort
   * semantics): a menu goes straight to collecting instead of prompting again.
   */
  get bargedIn(): boolean {
    return this.digitCut;
  }

  /** The caller hung up (the call's side knows before the endpoint does). */
  hangUp(): void {
    this.gone = true;
  }

  promptFile(name: PromptName): string {
    return promptPath(this.promptsDir, name);
  }

  /** Plays prompts by name. */
  say(names: readonly PromptName[], bargeIn = false): Promise<PlayResult> {
    return this.play(names.map((n) => this.promptFile(n)), bargeIn);
  }

  async play(files: readonly string[], bargeIn = false): Promise<PlayResult> {
    this.digitCut = false;
    const r = await this.guard(() => this.endpoint.play(files, { bargeIn }));
    this.digitCut = bargeIn && r.interrupted;
    return r;
  }

  digits(options: CollectOptions): Promise<string> {
    this.digitCut = false;
    return this.guard(() => this.endpoint.collectDigits(options));
  }

  /** Resolves with the result even when the caller hangs up during it (reason 'hangup'): the audio is kept. */
  async record(path: string, options: RecordOptions): Promise<RecordResult> {
    if (this.gone) throw new CallerGone();
    try {
      return await this.endpoint.record(path, options);
    } catch (err) {
      throw this.translate(err);
    }
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.gone) throw new CallerGone();
    let result: T;
    try {
      result = await op();
    } catch (err) {
      throw this.translate(err);
    }
    if (this.gone) throw new CallerGone();
    return result;
  }

  private translate(err: unknown): unknown {
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    if (this.gone || code === ENDPOINT_GONE) {
      this.gone = true;
      return new CallerGone();
    }
    return err;
  }
}
