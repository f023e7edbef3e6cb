/**
 * Problems found while loading a dialplan, collected (not thrown) so that one start
 * reports every mistake in the file at once. A path is kept as segments until the end,
 * when it becomes `users[1].ringPlan.targets[0].timeoutS` and is located in the YAML.
 */
import type { DialplanError } from './types.js';
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Issue {
  readonly path: Path;
  readonly message: string;
  readonly fix: string;
}

export class Issues {
  readonly list: Issue[] = [];

  add(path: Path, message: string, fix: string): void {
    this.list.push({ path: [...path], message, fix });
  }

  get count(): number {
    return this.list.length;
  }
}

/** `sip:user:password@…` or `https://user:password@…`: never echoed. */
const CREDENTIALS = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/)?[^:@/]*:[^@/]*@/;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['users', 1, 'ringPlan']` → `users[1].ringPlan`; odd keys are quoted: `a["b c"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * A value as it should appear in a message: strings quoted, long ones cut, containers
 * named rather than dumped. Never use it on a secret.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string' && CREDENTIALS.test(value)) return 'a value with credentials in it';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'an empty value';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Issues as errors naming the file, the path and the position, in file order (so that fixing top to bottom works). */
export function issuesToErrors(issues: Issues, source: { locate(path: Path): { line: number; column: number } | undefined }, file: string): DialplanError[] {
  const errors = issues.list.map((issue) => {
    // The whole file (empty, or not a mapping) has no useful position.
    const at = issue.path.length > 0 ? source.locate(issue.path) : undefined;
    return { file, path: formatPath(issue.path), message: issue.message, fix: issue.fix, line: at?.line, column: at?.column };
  });
  // sort is stable for equal positions.
  return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
