/**
 * The first pass over a CRM config: schema/crm-config.schema.json with ajv (2020-12,
 * strict, defaults filled in). Each violation becomes an Issue in the file's own terms
 * with a fix taken from the schema's description and examples, as the dialplan does.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from './schema/crm-config.schema.json' with { type: 'json' };
import { didYouMean } from '../dialplan/did-you-mean.js';
import { Issues, describeValue } from '../dialplan/issues.js';
import type { Path, PathSegment } from '../dialplan/issues.js';
import { lastKey, pointerToPath, resolveRefIn } from '../dialplan/schema-paths.js';
import { yamlInline } from '../dialplan/yaml-inline.js';
import type { YamlSource } from '../dialplan/yaml-source.js';
import type { RawCrmConfig } from './raw-crm-config.js';

type Node = Readonly<Record<string, unknown>>;

let validator: ValidateFunction<RawCrmConfig> | undefined;

function validate(): ValidateFunction<RawCrmConfig> {
  validator ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, useDefaults: true, logger: false }).compile<RawCrmConfig>(schema);
  return validator;
}

export const CRM_CONFIG_SCHEMA: Node = schema;

export function checkCrmSchema(source: YamlSource, issues: Issues): RawCrmConfig | undefined {
  const check = validate();
  if (check(source.value)) return source.value;
  // anyOf reports each branch and then itself: keep the one line that names the choice.
  const errors = (check.errors ?? []).filter((e, _, all) => !all.some((o) => o.keyword === 'anyOf' && o.instancePath === e.instancePath && o !== e));
  for (const error of errors) translate(error, source, issues);
  return undefined;
}

function translate(error: ErrorObject, source: YamlSource, issues: Issues): void {
  const path = pointerToPath(error.instancePath, source.value);
  const parent = resolveRef((error.parentSchema ?? {}) as Node);
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  const key = lastKey(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as Node);
      return issues.add([...path, extra], `unknown key "${extra}"`, `${didYouMean(extra, allowed) || 'remove it; '}keys allowed here: ${allowed.join(', ')}`);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const property = resolveRef(((parent.properties ?? {}) as Record<string, Node>)[missing] ?? {});
      return issues.add([...path, missing], `required key "${missing}" is missing`, fixWith('add it', property, missing));
    }
    case 'type':
      return translateType(path, parent, String(params.type), data, source, issues);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof data === 'string' ? didYouMean(data, allowed) : '';
      return issues.add(path, `${describeValue(data)} is not one of ${allowed.join(', ')}`, `${hint}use one of: ${allowed.join(', ')}`);
    }
    case 'const':
      return issues.add(path, `${describeValue(data)} is not supported`, `write ${key}: ${yamlInline(params.allowedValue)}`);
    case 'anyOf':
      return issues.add(path, `${describeValue(data)} is not accepted here`, fixWith('write', parent, key));
    case 'minimum':
    case 'maximum':
      return issues.add(path, `${describeValue(data)} is ${error.keyword === 'minimum' ? 'below the minimum' : 'above the maximum'} ${String(params.limit)}`, `use a value from ${String(parent.minimum)} to ${String(parent.maximum)}`);
    case 'pattern':
      return issues.add(path, `${describeValue(data)} is not in the expected form`, fixWith('correct it', parent, key));
    case 'minLength':
      return issues.add(path, 'is empty', fixWith('correct it', parent, key));
    case 'minItems':
      return issues.add(path, 'has no entries', fixWith('add entries', parent, key));
    case 'uniqueItems':
      return issues.add(path, 'lists a value twice', 'remove the repeated entry');
    case 'minProperties':
    case 'maxProperties':
      return issues.add(path, error.keyword === 'minProperties' ? 'is empty' : 'has more than one key', `write exactly one of: ${Object.keys((parent.properties ?? {}) as Node).join(', ')}`);
    default:
      return issues.add(path, `does not match the CRM config schema (${error.keyword})`, 'see docs/crm.md, "Configuration"');
  }
}

function translateType(path: Path, parent: Node, expected: string, data: unknown, source: YamlSource, issues: Issues): void {
  if (path.length === 0) {
    issues.add(path, data === null ? 'the file is empty' : `the file holds ${describeValue(data)}, not a mapping of keys`, 'start from the example in docs/crm.md ("Configuration"): version, gatewayId, salesforce…');
    return;
  }
  if (parent.title === 'SecretRef') {
    // Never repeat the value: it is probably the secret itself.
    issues.add(path, 'a secret is written in the file', `put it in an environment variable and refer to it: ${String(lastKey(path))}: { env: SOME_NAME }`);
    return;
  }
  const written = source.writtenAs(path);
  if (expected === 'string' && typeof data === 'number' && written !== undefined) {
    issues.add(path, `${written} is read by YAML as the number ${data}, but text is expected`, `quote it so YAML keeps it as written: ${String(lastKey(path))}: "${written}"`);
    return;
  }
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false' };
  issues.add(path, `${describeValue(data)} is not ${words[expected] ?? expected}`, fixWith(`write ${words[expected] ?? expected}`, parent, lastKey(path)));
}

function fixWith(verb: string, node: Node, key: PathSegment): string {
  const examples = Array.isArray(node.examples) ? node.examples : [];
  const example = examples.length > 0 ? `, e.g. ${typeof key === 'number' ? '' : `${key}: `}${yamlInline(examples[0])}` : '';
  const text = typeof node.description === 'string' ? node.description.replace(/\.$/, '') : '';
  // "Names this gateway" reads "names this gateway" after a semicolon; "REST API …" keeps its capitals.
  const description = /^[A-Z](?![A-Z])/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
  return `${verb}${example}${description === '' ? '' : `; ${description}`}`;
}

function resolveRef(node: Node): Node {
  return resolveRefIn(schema.$defs as Record<string, Node>, node);
}
