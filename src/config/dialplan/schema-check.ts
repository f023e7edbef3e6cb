/**
 * The first pass: schema/dialplan.schema.json (JSON Schema 2020-12, ajv's 2020 build).
 * ajv fills in the schema's defaults and reports every violation; each one is turned
 * into an Issue that says, in the file's own terms, what is wrong and how to fix it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from './schema/dialplan.schema.json' with { type: 'json' };
import { deepFreeze } from './deep-freeze.js';
import { didYouMean } from './did-you-mean.js';
import { Issues, describeValue } from './issues.js';
import type { Path, PathSegment } from './issues.js';
import type { RawDialplan } from './raw-dialplan.js';
import { yamlInline } from './yaml-inline.js';
import { lastKey, pointerToPath, resolveRefIn } from './schema-paths.js';
import type { YamlSource } from './yaml-source.js';

type SchemaNode = Readonly<Record<string, unknown>>;

let validator: ValidateFunction<RawDialplan> | undefined;

/** Compiled once, on first use; strict, so a mistake in the schema itself fails loudly. */
function validate(): ValidateFunction<RawDialplan> {
  validator ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, useDefaults: true, logger: false }).compile<RawDialplan>(schema);
  return validator;
}

/** The schema itself (frozen: ajv compiles this very object). */
export const DIALPLAN_SCHEMA: SchemaNode = deepFreeze(schema);

/** Validates (and fills defaults into) source.value; on success it is a RawDialplan. */
export function checkSchema(source: YamlSource, issues: Issues): RawDialplan | undefined {
  const check = validate();
  if (check(source.value)) return source.value;
  for (const error of check.errors ?? []) translate(error, source, issues);
  return undefined;
}

function translate(error: ErrorObject, source: YamlSource, issues: Issues): void {
  const path = pointerToPath(error.instancePath, source.value);
  const parent = resolveRef((error.parentSchema ?? {}) as SchemaNode);
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as SchemaNode);
      const hint = didYouMean(key, allowed);
      issues.add([...path, key], `unknown key "${key}"`, `${hint || 'remove it; '}keys allowed here: ${allowed.join(', ')}`);
      return;
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = resolveRef(((parent.properties ?? {}) as Record<string, SchemaNode>)[key] ?? {});
      issues.add([...path, key], `required key "${key}" is missing`, fixWith('add it', property, key));
      return;
    }
    case 'type':
      return translateType(path, parent, String(params.type), data, source, issues);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof data === 'string' ? didYouMean(data, allowed) : '';
      issues.add(path, `${describeValue(data)} is not one of ${allowed.join(', ')}`, `${hint}use one of: ${allowed.join(', ')}`);
      return;
    }
    case 'const':
      issues.add(path, `${describeValue(data)} is not supported`, `write ${lastKey(path)}: ${yamlInline(params.allowedValue)}`);
      return;
    default:
      translateLimit(error.keyword, path, parent, params, data, issues);
  }
}

function translateType(path: Path, parent: SchemaNode, expected: string, data: unknown, source: YamlSource, issues: Issues): void {
  if (path.length === 0) {
    const message = data === null ? 'the file is empty' : `the file holds ${describeValue(data)}, not a mapping of keys`;
    issues.add(path, message, 'start from dialplans/example.yaml: the top level is a mapping with version, domain, defaultCountry, users, trunks and emergency');
    return;
  }
  if (parent.title === 'SecretRef') {
    // Never repeat the value: it is probably the secret itself.
    const example = yamlInline({ env: envExample(parent) });
    issues.add(path, 'a secret is written in the file', `put it in an environment variable and refer to it: ${lastKey(path)}: ${example}`);
    return;
  }
  const written = source.writtenAs(path);
  if (expected === 'string' && typeof data === 'number' && written !== undefined) {
    issues.add(path, `${written} is read by YAML as the number ${data}, but text is expected`, `quote it so YAML keeps it as written: ${lastKey(path)}: "${written}"`);
    return;
  }
  issues.add(path, `${describeValue(data)} is not ${article(expected)}`, fixWith(`write ${article(expected)}`, parent, lastKey(path)));
}

function translateLimit(keyword: string, path: Path, parent: SchemaNode, params: Record<string, unknown>, data: unknown, issues: Issues): void {
  const limit = Number(params.limit);
  const range = `use ${rangeText(parent)}${String(lastKey(path)).endsWith('S') ? ' (seconds)' : ''}`;
  switch (keyword) {
    case 'minimum':
      return issues.add(path, `${describeValue(data)} is below the minimum ${limit}`, range);
    case 'maximum':
      return issues.add(path, `${describeValue(data)} is above the maximum ${limit}`, range);
    case 'pattern':
      return issues.add(path, `${describeValue(data)} is not in the expected form`, fixWith('correct it', parent, lastKey(path)));
    case 'minLength':
      return issues.add(path, limit <= 1 ? 'is empty' : `is shorter than ${limit} characters`, fixWith('correct it', parent, lastKey(path)));
    case 'maxLength':
      return issues.add(path, `is longer than ${limit} characters`, fixWith('shorten it', parent, lastKey(path)));
    case 'minItems':
      return issues.add(path, `has ${(data as unknown[]).length} entries; at least ${limit} needed`, fixWith('add entries', parent, lastKey(path)));
    case 'uniqueItems': {
      const [first, later] = [Math.min(Number(params.i), Number(params.j)), Math.max(Number(params.i), Number(params.j))];
      return issues.add([...path, later], `${describeValue((data as unknown[])[later])} is listed twice (also at [${first}])`, 'remove one of them');
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = Object.keys((parent.properties ?? {}) as SchemaNode);
      return issues.add(path, keyword === 'minProperties' ? 'is empty' : `has more than ${limit} key${limit === 1 ? '' : 's'}`, `write exactly one of: ${keys.join(', ')}`);
    }
    default:
      return issues.add(path, `does not match the dialplan schema (${keyword})`, 'see docs/dialplan.md for this field');
  }
}

/** `<verb>, e.g. key: <example>; <description>`, from what the schema says of the field. */
function fixWith(verb: string, node: SchemaNode, key: PathSegment): string {
  const examples = Array.isArray(node.examples) ? node.examples : [];
  const example = examples.length > 0 ? `, e.g. ${typeof key === 'number' ? '' : `${key}: `}${yamlInline(examples[0])}` : '';
  const text = typeof node.description === 'string' ? node.description.replace(/\.$/, '') : '';
  // "A sip: URI" reads "a sip: URI" after a comma; "ISO 3166-1 …" keeps its capitals.
  const description = text === '' ? '' : `; ${/^[A-Z](?![A-Z])/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text}`;
  return `${verb}${example}${description}`;
}

function rangeText(node: SchemaNode): string {
  const min = node.minimum;
  const max = node.maximum;
  if (typeof min === 'number' && typeof max === 'number') return `a value from ${min} to ${max}`;
  return typeof min === 'number' ? `a value of at least ${min}` : `a value of at most ${String(max)}`;
}

/** `boolean` → `true or false`; a union type (ajv joins it with commas) → `true or false, or a mapping`. */
function article(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', null: 'nothing' };
  return type.split(',').map((t) => words[t] ?? `a ${t}`).join(', or ');
}

function envExample(secretRef: SchemaNode): string {
  const example = Array.isArray(secretRef.examples) ? (secretRef.examples[0] as { env?: string } | undefined) : undefined;
  return example?.env ?? 'SOME_NAME';
}

function resolveRef(node: SchemaNode): SchemaNode {
  return resolveRefIn(schema.$defs as Record<string, SchemaNode>, node);
}
