/**
 * The one base class for linegate's errors. `code` is stable: tests, logs and the
 * SIP-status mapping match on it, never on the message text.
 */
export class LinegateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LinegateError';
  }
}
