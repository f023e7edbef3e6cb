/**
 * docs/dialplan.md is checked against the schema: every field of the schema has a row,
 * every row is a field of the schema, documented defaults are the schema's, and the
 * complete example loads and uses every field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DIALPLAN_SCHEMA, formatDialplanErrors, parseDialplan } from '../../../src/config/index.js';
import { yamlInline } from '../../../src/config/dialplan/yaml-inline.js';

type Node = Record<string, unknown>;

const DOCS = readFileSync('docs/dialplan.md', 'utf8');
const DEFS = DIALPLAN_SCHEMA.$defs as Record<string, Node>;

function resolve(node: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const { $ref: _ref, ...rest } = node;
  return { ...(DEFS[ref.replace('#/$defs/', '')] ?? {}), ...rest };
}

/**
 * Every documentable path: `users[].ringPlan.targets[].timeoutS`. Definitions with a
 * title (SecretRef, CivicAddress) are documented once under their title.
 */
function schemaFields(): Map<string, Node> {
  const fields = new Map<string, Node>();
  const walk = (raw: Node, path: string, record: boolean): void => {
    const node = resolve(raw);
    if (record) fields.set(path, node);
    const title = typeof raw.$ref === 'string' && typeof node.title === 'string' ? node.title : undefined;
    if (title) {
      if (![...fields.keys()].some((k) => k.startsWith(`${title}.`))) walk(node, title, false);
      return;
    }
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      walk(child, path === '' ? key : `${path}.${key}`, true);
    }
    const items = node.items as Node | undefined;
    if (items && (resolve(items).properties || resolve(items).title)) walk(items, `${path}[]`, false);
  };
  walk(DIALPLAN_SCHEMA, '', false);
  return fields;
}

/** Rows of the `| Field | Type | Default | Meaning |` tables: field → default cell. */
function documentedFields(): Map<string, string> {
  const rows = new Map<string, string>();
  let inFieldTable = false;
  for (const line of DOCS.split('\n')) {
    if (!line.startsWith('|')) inFieldTable = false;
    else if (line.startsWith('| Field |')) inFieldTable = true;
    else if (inFieldTable && line.startsWith('| `')) {
      const cells = line.split(' | ');
      rows.set((cells[0] as string).replace(/^\| `|`$/g, ''), cells[2] ?? '');
    }
  }
  return rows;
}

function completeExample(): string {
  const m = /## Complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(DOCS);
  assert.ok(m, 'docs/dialplan.md has a "Complete example" yaml block');
  return m[1] as string;
}

function present(data: unknown, path: string): boolean {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return true;
  const key = head.replace(/\[\]$/, '');
  const value = (data as Node | undefined)?.[key];
  if (value === undefined) return false;
  const values = head.endsWith('[]') ? (value as unknown[]) : [value];
  return rest.length === 0 || values.some((v) => present(v, rest.join('.')));
}

describe('docs/dialplan.md', () => {
  const fields = schemaFields();
  const documented = documentedFields();

  it('documents every field of the schema', () => {
    assert.ok(fields.size > 80, `walked ${fields.size} fields`);
    const missing = [...fields.keys()].filter((f) => !documented.has(f));
    assert.deepEqual(missing, [], 'add a row for each to docs/dialplan.md');
  });

  it('documents no field the schema does not have', () => {
    const extra = [...documented.keys()].filter((f) => !fields.has(f));
    assert.deepEqual(extra, [], 'remove or rename these rows');
  });

  it('gives the schema\'s default wherever the schema has a literal one', () => {
    const wrong: string[] = [];
    for (const [field, node] of fields) {
      const value = node.default;
      if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) continue;
      const expected = `\`${yamlInline(value)}\``;
      if (documented.get(field) !== expected) wrong.push(`${field}: docs say ${documented.get(field)}, schema says ${expected}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('has a complete example that loads and uses every field', () => {
    const text = completeExample();
    const env = {
      LINEGATE_CONTROL_TOKEN: 'a-control-token-of-some-length',
      ALICE_SIP_PASSWORD: 'alice-password',
      ALICE_VOICEMAIL_PIN: '2468',
      BOB_SIP_PASSWORD: 'bob-password',
      CARRIER_PASSWORD: 'carrier-password',
      LINEGATE_FREESWITCH_PASSWORD: 'event-socket-password',
    };
    const result = parseDialplan(text, { file: 'docs/dialplan.md', env });
    assert.ok(result.ok, result.ok ? '' : formatDialplanErrors(result.errors));
    assert.equal(result.dialplan.users[0]?.ringPlan.targets[1]?.type === 'Number' && result.dialplan.users[0].ringPlan.targets[1].number, '+14155550199');
    const data = parseYaml(text, { merge: true }) as unknown;
    const unused = [...fields.keys()].filter((f) => !/^(SecretRef|CivicAddress)\./.test(f) && !present(data, f));
    assert.deepEqual(unused, [], 'the complete example should use these fields');
  });
});
