/**
 * Loading a dialplan at start (issue #3): read the file, parse the YAML, check it
 * against schema/dialplan.schema.json, then check what a schema cannot (uniqueness,
 * references, number validity, environment secrets), normalise and deep-freeze.
 * Every problem comes back as a value naming the file, the path and the fix; a bad
 * dialplan fails startup, never a call (architecture §3).
 */
import { readFileSync } from 'node:fs';
import { buildDialplan } from './build-dialplan.js';
import { deepFreeze } from './deep-freeze.js';
import { DEMO_SECRET_DEFAULTS } from './demo-secrets.js';
import { Issues, issuesToErrors } from './issues.js';
import { checkSchema } from './schema-check.js';
import type { DialplanError, DialplanResult, EnvMap } from './types.js';
import { readYamlSource } from './yaml-source.js';

export interface LoadOptions {
  /** Where `{ env: NAME }` secrets are read from; nothing is read from process.env here. */
  readonly env?: EnvMap;
}

export function loadDialplan(path: string, options: LoadOptions = {}): DialplanResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'this is a directory' : `the file cannot be read (${code ?? (e as Error).message})`;
    return fail([{ file: path, path: '', message, fix: 'give the path of a dialplan YAML file, e.g. dialplans/example.yaml' }]);
  }
  return parseDialplan(text, { ...options, file: path });
}

/** The same as loadDialplan, from text already read; `file` is only used in messages. */
export function parseDialplan(text: string, options: LoadOptions & { readonly file: string }): DialplanResult {
  const { file, env = {} } = options;
  const yaml = readYamlSource(text);
  if (!yaml.ok) return fail(yaml.problems.map((p) => ({ file, path: '', message: p.message, fix: p.fix, line: p.line, column: p.column })));
  const issues = new Issues();
  const raw = checkSchema(yaml.source, issues);
  // Cross-field checks assume the schema's shapes: they run only on a schema-valid file.
  const dialplan = raw && buildDialplan(raw, file, env, issues);
  if (!dialplan || issues.count > 0) return fail(issuesToErrors(issues, yaml.source, file));
  return { ok: true, dialplan: deepFreeze(dialplan) };
}

/**
 * The process-level entry (config/ is the only reader of process.env). With `demo`,
 * the example's secrets default to DEMO_SECRET_DEFAULTS; what the environment sets wins.
 */
export function readDialplan(path: string, options: { readonly demo?: boolean; readonly env?: EnvMap } = {}): DialplanResult {
  const given = options.env ?? process.env;
  const env: EnvMap = options.demo ? { ...DEMO_SECRET_DEFAULTS, ...given } : given;
  return loadDialplan(path, { env });
}


function fail(errors: DialplanError[]): DialplanResult {
  return { ok: false, errors: deepFreeze(errors) };
}
