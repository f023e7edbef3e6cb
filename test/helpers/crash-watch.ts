/**
 * Records uncaught exceptions and unhandled rejections while installed, so a robustness
 * test can assert that none happened (mocha's own handler may also fail the test; this
 * keeps the stack for the assertion message).
 */
export class CrashWatch {
  readonly crashes: string[] = [];
  private readonly onError = (err: unknown): void => {
    this.crashes.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  };

  install(): void {
    process.on('uncaughtException', this.onError);
    process.on('unhandledRejection', this.onError);
  }

  remove(): void {
    process.off('uncaughtException', this.onError);
    process.off('unhandledRejection', this.onError);
  }
}
