import type { DialplanError } from './types.js';

/**
 * One line per error, for stderr at start:
 * `dialplans/x.yaml: users[1].businessNumber: "+1415555" is not a valid E.164 number — fix: write …`.
 * Errors without a path (YAML syntax) give the line and column instead.
 */
export function formatDialplanErrors(errors: readonly DialplanError[]): string {
  return errors.map(formatOne).join('\n');
}

function formatOne(e: DialplanError): string {
  const where = e.path !== '' ? e.path : e.line !== undefined ? `line ${e.line}, column ${e.column ?? 1}` : '';
  return `${e.file}: ${where === '' ? '' : `${where}: `}${e.message} — fix: ${e.fix}`;
}
