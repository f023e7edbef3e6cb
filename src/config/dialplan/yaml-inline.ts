/**
 * A value written the way it would appear on one line of a YAML file, for the
 * examples in fix hints: `"+14155550100"`, `[SHA-256, MD5]`, `{ env: ALICE_SIP_PASSWORD }`.
 */
export function yamlInline(value: unknown): string {
  if (typeof value === 'string') return /^[A-Za-z_][A-Za-z0-9_.:/@-]*$/.test(value) && !/^(true|false|null|yes|no)$/i.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(yamlInline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${yamlInline(v)}`).join(', ')} }`;
  }
  return String(value);
}
