/**
 * The one place where received input leaves the transport: counts it and calls the
 * owner's handlers, catching what they throw so that no socket handler ever throws
 * (architecture §3, "network input never throws").
 */
import type { FramingErrorCode, Source, TransportHandlers, TransportStats } from './types.js';

export type TransportCounters = Omit<TransportStats, 'connectionsOpen'>;

export function newCounters(): TransportCounters {
  return {
    datagramsIn: 0,
    datagramsOut: 0,
    datagramKeepAlivesIn: 0,
    framesIn: 0,
    framesOut: 0,
    keepAlivesIn: 0,
    framingErrors: 0,
    sendErrors: 0,
    socketErrors: 0,
    handlerErrors: 0,
    connectionsAccepted: 0,
    connectionsOpened: 0,
    reaped: 0,
  };
}

export class TransportSink {
  readonly counters: TransportCounters = newCounters();

  constructor(private readonly handlers: TransportHandlers) {}

  deliverMessage(buf: Buffer, src: Source): void {
    try {
      this.handlers.onMessage(buf, src);
    } catch (error) {
      this.handlerFailed(error, src);
    }
  }

  reportFramingError(src: Source, code: FramingErrorCode): void {
    this.counters.framingErrors++;
    try {
      this.handlers.onFramingError(src, code);
    } catch (error) {
      this.handlerFailed(error, src);
    }
  }

  private handlerFailed(error: unknown, src: Source): void {
    this.counters.handlerErrors++;
    try {
      this.handlers.onHandlerError?.(error, src);
    } catch {
      // Nothing sensible is left to do with an error from the error handler; it is counted above.
    }
  }
}

/** The short, stable text of a socket error for a SendResult: its errno code when it has one. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ?? error.message;
  }
  return String(error);
}
