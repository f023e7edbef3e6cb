/**
 * JSON Schema helpers shared by the config files' checkers (the dialplan and the CRM
 * config): turning ajv's JSON pointers into the paths errors name, and reading `$ref`s.
 */
import type { Path, PathSegment } from './issues.js';

type SchemaNode = Readonly<Record<string, unknown>>;

export function lastKey(path: Path): PathSegment {
  return path[path.length - 1] ?? '';
}

/** A `$ref` to `#/$defs/x` of `defs` merged with its siblings (a sibling description wins). */
export function resolveRefIn(defs: Readonly<Record<string, SchemaNode>>, node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
  const { $ref: _ref, ...siblings } = node;
  return { ...(defs[ref.slice('#/$defs/'.length)] ?? {}), ...siblings };
}

/** `/users/1/ringPlan` → `['users', 1, 'ringPlan']`; a segment is an index only inside a list. */
export function pointerToPath(pointer: string, root: unknown): Path {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(Array.isArray(node) ? Number(key) : key);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}
