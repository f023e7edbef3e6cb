/**
 * pino is the only logger (architecture §3). Components take a child logger; SIP
 * message bodies are logged only at trace level, checked before formatting.
 */
import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({
    level,
    base: { service: 'linegate' },
    // Secrets never reach the log, whatever a caller passes in.
    redact: { paths: ['secret', '*.secret', 'password', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}
