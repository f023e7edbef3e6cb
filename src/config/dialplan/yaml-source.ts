/**
 * YAML text → plain data, with positions kept so that later checks can say which line
 * a path is on. Syntax errors come back as values with line and column; nothing here
 * throws on bad input (an alias cycle or an alias bomb included).
 */
import { LineCounter, isNode, isScalar, parseDocument, visit } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { Path } from './issues.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SyntaxProblem extends Position {
  readonly message: string;
  readonly fix: string;
}

export interface YamlSource {
  readonly value: unknown;
  /** Where the node at path (or its nearest existing parent) starts. */
  locate(path: Path): Position | undefined;
  /** The scalar at path exactly as written (`+14155550100` before YAML made it a number). */
  writtenAs(path: Path): string | undefined;
}

export type YamlSourceResult = { ok: true; source: YamlSource } | { ok: false; problems: SyntaxProblem[] };

const FIXES: Record<string, string> = {
  DUPLICATE_KEY: 'keep only one of them',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'indent the lines of each block alike, with spaces, and close any [ or { opened above',
  MISSING_CHAR: 'add the missing character (an unclosed quote or bracket starts earlier)',
  MULTIPLE_DOCS: 'keep one document per file: remove the second --- and what follows, or move it to its own file',
  MULTILINE_IMPLICIT_KEY: 'put each "key: value" on its own line, indented under its parent',
  BLOCK_AS_IMPLICIT_KEY: 'put each "key: value" on its own line, indented under its parent',
  TAG_RESOLVE_FAILED: 'remove the tag: dialplans are plain YAML (strings, numbers, booleans, lists, mappings)',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
};

export function readYamlSource(text: string): YamlSourceResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  // Unknown tags are only warnings to the yaml package; in a config file they are mistakes.
  const yamlErrors = [...doc.errors, ...doc.warnings];
  if (yamlErrors.length > 0) return { ok: false, problems: yamlErrors.map((e) => toProblem(e, text, lineCounter)) };
  const aliasProblems = checkAliases(doc, lineCounter);
  if (aliasProblems.length > 0) return { ok: false, problems: aliasProblems };
  const converted = toPlainData(doc);
  if (!converted.ok) return { ok: false, problems: [{ line: 1, column: 1, ...converted.problem }] };
  return {
    ok: true,
    source: {
      value: converted.value,
      locate: (path) => locate(doc, lineCounter, path),
      writtenAs: (path) => {
        const node = doc.getIn(path, true);
        return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
      },
    },
  };
}

function toProblem(error: YAMLError, text: string, lineCounter: LineCounter): SyntaxProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const fix = FIXES[error.code] ?? 'check the YAML syntax at this position';
  if (error.code === 'DUPLICATE_KEY') {
    const raw = /^\s*("[^"\n]*"|'[^'\n]*'|[^:#\n]+?)\s*:/.exec(text.slice(error.pos[0]))?.[1];
    const key = raw?.replace(/^(["'])(.*)\1$/, '$2');
    const message = key === undefined ? 'a key appears twice in the same mapping' : `key ${JSON.stringify(key)} appears twice in the same mapping`;
    return { line, column: col, message, fix };
  }
  return { line, column: col, message: `YAML: ${error.message.split('\n')[0] ?? ''}`, fix };
}

/** Aliases the yaml package would only reject (by throwing) when converting: unknown, or inside their own anchor. */
function checkAliases(doc: Document, lineCounter: LineCounter): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  visit(doc, {
    Alias(_, alias) {
      const at = lineCounter.linePos(alias.range?.[0] ?? 0);
      const target = alias.resolve(doc);
      if (!target) {
        problems.push({ line: at.line, column: at.col, message: `YAML: the alias *${alias.source} has no anchor &${alias.source} before it`, fix: FIXES.BAD_ALIAS as string });
      } else if (target.range && alias.range && target.range[0] <= alias.range[0] && alias.range[1] <= target.range[1]) {
        problems.push({ line: at.line, column: at.col, message: `YAML: the alias *${alias.source} is inside its own anchor`, fix: 'an anchored node (&name) must not contain its own alias (*name)' });
      }
    },
  });
  return problems;
}

function toPlainData(doc: Document): { ok: true; value: unknown } | { ok: false; problem: { message: string; fix: string } } {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // An unresolved alias or an alias bomb (yaml's maxAliasCount) throws from toJS.
    return { ok: false, problem: { message: `YAML aliases: ${(e as Error).message}`, fix: 'define each anchor (&name) once, before its aliases (*name), and do not nest aliases deeply' } };
  }
  if (hasCycle(value, new Set())) {
    return { ok: false, problem: { message: 'YAML aliases: an alias refers to a node that contains it', fix: 'an anchored node (&name) must not contain its own alias (*name)' } };
  }
  return { ok: true, value };
}

function hasCycle(value: unknown, ancestors: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const children = Array.isArray(value) ? value : Object.values(value);
  const found = children.some((child) => hasCycle(child, ancestors));
  ancestors.delete(value);
  return found;
}

function locate(doc: Document, lineCounter: LineCounter, path: Path): Position | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}
