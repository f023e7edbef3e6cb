/**
 * The logging the FreeSWITCH adapter needs: pino's child loggers fit it as they are, and
 * the adapter stays free of the observability folder.
 */
export interface FsmrfLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const SILENT_LOGGER: FsmrfLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
