/**
 * Checking a JSON value against a field's type, as Salesforce's deserializer and field
 * validation do. Codes: JSON_PARSER_ERROR for a value of the wrong JSON type, STRING_TOO_LONG
 * ("data value too large", API v15.0 and later fail instead of truncating — SOAP API Developer
 * Guide, 'upsert()' note on AllowFieldTruncationHeader), INVALID_EMAIL_ADDRESS,
 * INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST ("bad value for restricted picklist field"). All are
 * listed in the SOAP API Developer Guide, 'StatusCode'.
 */
import { sfError } from './api-errors.js';
import type { SfError } from './api-errors.js';
import type { SfValue } from './emulator-options.js';
import type { FieldDef } from './standard-objects.js';

export type Coerced = { readonly ok: true; readonly value: SfValue } | { readonly ok: false; readonly error: SfError };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function coerceValue(field: FieldDef, raw: unknown): Coerced {
  if (raw === null) return { ok: true, value: null };
  switch (field.type) {
    case 'boolean':
      return coerceBoolean(field, raw);
    case 'int':
    case 'double':
    case 'currency':
      return coerceNumber(field, raw);
    case 'date':
      return coerceDate(field, raw);
    case 'datetime':
      return coerceDateTime(field, raw);
    default:
      return coerceText(field, raw);
  }
}

function wrongType(field: FieldDef, raw: unknown): Coerced {
  const kind = typeof raw === 'string' ? 'VALUE_STRING' : typeof raw === 'number' ? 'VALUE_NUMBER_INT' : typeof raw === 'boolean' ? 'VALUE_TRUE' : 'START_OBJECT';
  const javaType = field.type === 'int' ? 'int' : field.type === 'boolean' ? 'boolean' : field.type === 'date' ? 'date' : field.type === 'datetime' ? 'datetime' : field.type === 'double' || field.type === 'currency' ? 'double' : 'string';
  return { ok: false, error: sfError('JSON_PARSER_ERROR', `Cannot deserialize instance of ${javaType} from ${kind} value ${JSON.stringify(raw)} or request may be missing a required field`, [field.name]) };
}

function coerceBoolean(field: FieldDef, raw: unknown): Coerced {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
  return wrongType(field, raw);
}

function coerceNumber(field: FieldDef, raw: unknown): Coerced {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) return wrongType(field, raw);
  return { ok: true, value: n };
}

function coerceDate(field: FieldDef, raw: unknown): Coerced {
  if (typeof raw !== 'string') return wrongType(field, raw);
  const m = DATE.exec(raw);
  if (!m) return wrongType(field, raw);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCDate() !== Number(m[3])) return wrongType(field, raw);
  return { ok: true, value: raw };
}

function coerceDateTime(field: FieldDef, raw: unknown): Coerced {
  if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return wrongType(field, raw);
  return { ok: true, value: formatDateTime(Date.parse(raw)) };
}

function coerceText(field: FieldDef, raw: unknown): Coerced {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return wrongType(field, raw);
  const text = String(raw);
  if (field.type === 'reference' || field.type === 'id') return { ok: true, value: text };
  if (field.length !== undefined && text.length > field.length) {
    return { ok: false, error: sfError('STRING_TOO_LONG', `${field.label}: data value too large: ${text.slice(0, 40)}${text.length > 40 ? '...' : ''} (max length=${field.length})`, [field.name]) };
  }
  if (field.type === 'email' && text !== '' && !EMAIL.test(text)) {
    return { ok: false, error: sfError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [field.name]) };
  }
  if (field.restrictedPicklist && field.picklistValues && !field.picklistValues.includes(text)) {
    return { ok: false, error: sfError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${text}`, [field.name]) };
  }
  return { ok: true, value: text === '' ? null : text };
}

/** Salesforce's datetime format in JSON: `2024-05-01T12:00:00.000+0000`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
