/**
 * Reads fields out of untrusted parsed config, collecting every problem (not stopping at the
 * first) as { path, message, fix }, and falling back to defaults for missing fields.
 */
export interface ConfigError {
  /** Dotted path with indices, e.g. `rateLimit.exempt[2]`; `<root>` for the section itself. */
  path: string;
  message: string;
  fix: string;
}

export interface NumberRule {
  min?: number;
  /** When true, `min` itself is refused (value must be greater). */
  minExclusive?: boolean;
  max?: number;
  integer?: boolean;
  /** A good value to show in fixes. */
  example: number;
}

type Problem = { message: string; fix: string } | undefined;

export class ConfigReader {
  readonly errors: ConfigError[] = [];

  constructor(private readonly basePath: string) {}

  /** An object section; undefined means "all defaults". Unknown keys are errors (typos). */
  section(raw: unknown, path: string, allowedKeys: readonly string[]): Record<string, unknown> {
    if (raw === undefined) return {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.fail(path, `must be an object, got ${describe(raw)}`, `write a mapping with some of: ${allowedKeys.join(', ')}`);
      return {};
    }
    const section = raw as Record<string, unknown>;
    for (const key of Object.keys(section)) {
      if (allowedKeys.includes(key)) continue;
      const near = closest(key, allowedKeys);
      const fix = near ? `did you mean "${near}"? Allowed keys: ${allowedKeys.join(', ')}` : `remove it; allowed keys: ${allowedKeys.join(', ')}`;
      this.fail(join(path, key), `unknown key "${key}"`, fix);
    }
    return section;
  }

  boolean(section: Record<string, unknown>, path: string, fallback: boolean): boolean {
    const value = section[lastKey(path)];
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(path, `must be true or false, got ${describe(value)}`, `write true or false without quotes`);
    return fallback;
  }

  number(section: Record<string, unknown>, path: string, fallback: number, rule: NumberRule): number {
    const value = section[lastKey(path)];
    if (value === undefined) return fallback;
    const problem = checkNumber(value, rule);
    if (!problem) return value as number;
    this.fail(path, problem.message, problem.fix);
    return fallback;
  }

  /** A list of strings, each passed to `check`; errors name the index, e.g. `exempt[2]`. */
  stringList(section: Record<string, unknown>, path: string, fallback: readonly string[], check: (s: string) => Problem): string[] {
    const value = section[lastKey(path)];
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value)) {
      this.fail(path, `must be a list of strings, got ${describe(value)}`, `write a list such as ["${fallback[0] ?? 'value'}"], or [] for none`);
      return [...fallback];
    }
    const out: string[] = [];
    value.forEach((item: unknown, i) => {
      const itemPath = `${path}[${i}]`;
      if (typeof item !== 'string') {
        this.fail(itemPath, `must be a string, got ${describe(item)}`, 'quote the entry or remove it');
        return;
      }
      const problem = check(item);
      if (problem) this.fail(itemPath, problem.message, problem.fix);
      else out.push(item);
    });
    return out;
  }

  private fail(path: string, message: string, fix: string): void {
    const full = join(this.basePath, path);
    this.errors.push({ path: full === '' ? '<root>' : full, message, fix });
  }
}

function checkNumber(value: unknown, rule: NumberRule): Problem {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const quoted = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
    return {
      message: `must be a number, got ${describe(value)}`,
      fix: quoted ? `write ${Number(value)} without quotes` : `write a number such as ${rule.example}`,
    };
  }
  if (rule.integer && !Number.isInteger(value)) {
    return { message: `must be a whole number, got ${value}`, fix: `write a whole number such as ${Math.max(1, Math.round(value))}` };
  }
  const min = rule.min;
  if (min !== undefined && (value < min || (rule.minExclusive && value === min))) {
    const bound = rule.minExclusive ? `greater than ${min}` : `at least ${min}`;
    return { message: `must be ${bound}, got ${value}`, fix: `write a value ${bound}, such as ${rule.example}` };
  }
  if (rule.max !== undefined && value > rule.max) {
    return { message: `must be at most ${rule.max}, got ${value}`, fix: `write a value up to ${rule.max}, such as ${rule.example}` };
  }
  return undefined;
}

function join(base: string, path: string): string {
  if (base === '') return path;
  return path === '' ? base : `${base}.${path}`;
}

function lastKey(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The allowed key within edit distance 2 of `key` (ignoring case), for "did you mean". */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= 2 && (!best || d < best.distance)) best = { key: candidate, distance: d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
