/**
 * docs/openapi.yaml: served as written (GET /openapi.yaml) and as JSON, and the source of
 * the request-body schemas the server validates with (ajv, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses). Validating with the published document keeps the two from drifting.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { apiError } from './api-error.js';
import type { ApiResponse } from './api-error.js';

/** Where the checked-in document is, from src/b2bua/control and from dist/b2bua/control alike. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../../docs/openapi.yaml', import.meta.url));

const DOC_ID = 'urn:linegate:control-api';

export class OpenApiDocument {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, logger: false });
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(
    readonly yaml: string,
    readonly json: string,
    readonly document: Readonly<Record<string, unknown>>,
  ) {
    this.ajv.addSchema({ ...document, $id: DOC_ID });
  }

  static async load(path: string = OPENAPI_PATH): Promise<OpenApiDocument> {
    const yaml = await readFile(path, 'utf8');
    const document = parse(yaml) as Record<string, unknown>;
    return new OpenApiDocument(yaml, JSON.stringify(document), document);
  }

  /** undefined when `body` fits components.schemas[schemaName], else the 400 naming the field. */
  validate(schemaName: string, body: unknown): ApiResponse | undefined {
    const check = this.validator(schemaName);
    if (check(body)) return undefined;
    const error = check.errors?.[0];
    if (error === undefined) return apiError('VALIDATION_FAILED', 'the body does not match the schema');
    return apiError('VALIDATION_FAILED', describe(error), { field: fieldOf(error) });
  }

  private validator(schemaName: string): ValidateFunction {
    let check = this.validators.get(schemaName);
    if (check === undefined) {
      check = this.ajv.getSchema(`${DOC_ID}#/components/schemas/${schemaName}`);
      if (check === undefined) throw new Error(`docs/openapi.yaml has no schema ${schemaName}`);
      this.validators.set(schemaName, check);
    }
    return check;
  }
}

/** `/targets/1/to` → `targets[1].to`; a missing or extra property is named. */
export function fieldOf(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') segments.push(String(params['missingProperty']));
  if (error.keyword === 'additionalProperties') segments.push(String(params['additionalProperty']));
  return segments.reduce((out, s) => (/^[0-9]+$/.test(s) ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '');
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `"${String(params['missingProperty'])}" is required`;
    case 'additionalProperties':
      return `"${String(params['additionalProperty'])}" is not a known field`;
    case 'oneOf':
      return 'give exactly one of the alternatives (see the schema)';
    default:
      return `${fieldOf(error) || 'the body'} ${error.message ?? 'is not valid'}`;
  }
}
